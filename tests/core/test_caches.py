import pytest

from passeport.core.caches import BoundedCache


def test_forgets_the_oldest_entry_beyond_its_size():
    cache = BoundedCache(2)
    cache["a"], cache["b"] = 1, 2
    cache["a"] = 10  # an update is not a new entry: nothing is forgotten
    assert cache == {"a": 10, "b": 2}
    cache["c"] = 3
    assert cache == {"b": 2, "c": 3}
    assert cache.setdefault("d", 4) == 4 and cache == {"c": 3, "d": 4}
    cache.update({"e": 5}, f=6)
    assert cache == {"e": 5, "f": 6} and len(cache) == 2
    assert cache.get("a") is None and "f" in cache


def test_size_must_be_positive():
    with pytest.raises(ValueError):
        BoundedCache(0)
