"""Look-up caches that stay small whatever the size of the file being read."""


class BoundedCache(dict):
    """A dict that forgets its oldest entry once it holds `maxsize` (first in, first
    out). Imports keep referential look-ups between batches with it: a file repeats the
    same values in runs of neighbouring lines, so the recent ones are what is asked
    again, and memory stays flat as the file grows.

    Written here rather than taken from `cachetools`: its caches answer each read
    through Python code, and these are read several times per line of a 100,000-line
    file; a dict subclass keeps `get` and `in` at C speed and only writes pay."""

    __slots__ = ("maxsize",)

    def __init__(self, maxsize: int):
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        super().__init__()
        self.maxsize = maxsize

    def __setitem__(self, key, value):
        if key not in self and len(self) >= self.maxsize:
            del self[next(iter(self))]
        super().__setitem__(key, value)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value
