"""Progress of long commands: a tqdm bar on a terminal; elsewhere (a log file, CI, honcho's
output) plain lines, at most one every ten seconds and one at the end, instead of a bar
redrawn with carriage returns."""

import sys

from tqdm import tqdm

PLAIN_EVERY = 10.0  # seconds


def _on_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress(tqdm):
    def __init__(self, *args, file=None, **kwargs):
        file = file or sys.stderr
        self._plain = not _on_terminal(file)
        self._quiet = bool(kwargs.get("disable"))
        if self._plain:
            kwargs["mininterval"] = max(kwargs.get("mininterval", 0), PLAIN_EVERY)
            kwargs["leave"] = False  # the last line is written by `close`
            kwargs["bar_format"] = (
                "{desc} : {n_fmt}{unit} sur {total_fmt} ({percentage:.0f} %), {elapsed}"
                if kwargs.get("total")
                else "{desc} : {n_fmt}{unit}, {elapsed}"
            )
        super().__init__(*args, file=file, **kwargs)

    def display(self, msg=None, pos=None):
        if not self._plain:
            return super().display(msg, pos)
        if msg == "":  # tqdm clearing its line: nothing to clear in a log
            return False
        self.fp.write(f"{self.__str__() if msg is None else msg}\n")
        self.fp.flush()
        return True

    def close(self):
        if self._plain and not self._quiet and not self.disable:
            self.fp.write(f"{self.__str__()}\n")
            self.fp.flush()
        super().close()
