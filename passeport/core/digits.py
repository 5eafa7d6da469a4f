"""Digits as the formats we read mean them: ASCII 0–9 only.

`str.isdigit()` accepts "¹" or "²" (superscripts, which `int()` refuses: one such byte
of an ISO-8859-1 file crashed a reader) and "٣" (which `int()` reads as 3, so a value no
format allows would be accepted); `str.isdecimal()` accepts "٣" too. Every check of
digits in received input (files, forms, query strings, tokens) goes through here.
"""


def ascii_digits(value: str) -> bool:
    """True when `value` is one or more of the ASCII digits 0–9, and nothing else."""
    return value.isascii() and value.isdigit()


def ascii_int(value: str) -> int | None:
    """The number written with ASCII digits only, else None (never an exception)."""
    return int(value) if value.isascii() and value.isdigit() else None
