"""File sizes and counts as a French reader expects them ("7,6 Ko", "200 Mo", "1 000")."""

NARROW_NO_BREAK_SPACE = "\u202f"


def number(value: int) -> str:
    """12345 → "12 345" (narrow no-break space between thousands)."""
    return f"{value:,}".replace(",", NARROW_NO_BREAK_SPACE)


def file_size(size: int) -> str:
    """A size in bytes: in octets under 1 Ko, else in Ko or Mo, with one decimal when it
    is not whole (1 Ko = 1 024 octets, as file managers count)."""
    if size < 1024:
        return f"{number(size)} octets"
    unit, value = ("Ko", size / 1024) if size < 1024 * 1024 else ("Mo", size / (1024 * 1024))
    shown = f"{value:.0f}" if value.is_integer() else f"{value:.1f}".replace(".", ",")
    return f"{shown} {unit}"
