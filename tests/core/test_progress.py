"""Long commands show a bar on a terminal and plain lines elsewhere (logs, CI, honcho)."""

import io

from passeport.core.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_plain_lines_outside_a_terminal():
    out = io.StringIO()
    bar = Progress(total=200, unit=" lignes", desc="Import", file=out)
    for _ in range(200):
        bar.update(1)
    bar.close()
    lines = out.getvalue().split("\n")
    assert "\r" not in out.getvalue()
    assert lines[0].startswith("Import : 0 lignes sur 200 (0 %)")
    assert lines[-2].startswith("Import : 200 lignes sur 200 (100 %)")
    assert lines[-1] == ""


def test_without_a_total_and_when_asked_to_be_quiet():
    out = io.StringIO()
    bar = Progress(unit=" titulaires", desc="Droits 2025", file=out)
    bar.update(7)
    bar.close()
    assert out.getvalue().split("\n")[-2].startswith("Droits 2025 : 7 titulaires")
    quiet = io.StringIO()
    Progress(total=3, desc="x", file=quiet, disable=True).close()
    assert quiet.getvalue() == ""


def test_a_bar_on_a_terminal():
    out = Terminal()
    bar = Progress(total=10, desc="Import", file=out)
    bar.update(10)
    bar.close()
    assert "\r" in out.getvalue() and "100%" in out.getvalue()
