"""The coverage chart, drawn by the server as SVG (no script), always shown with the
table of the same figures.

One bar per job: the weight covered by guaranteed data, by declared data only, and
what is missing, as shares of the job's total weight (the gap's rule)."""

from dataclasses import dataclass

WIDTH = 600
BAR_HEIGHT = 28
GAP = 34
# DSFR colours: success (guaranteed), info (declared), grey (missing); with a legend and
# the table, never the colour alone.
COLOURS = {"guaranteed": "#18753c", "declared": "#0063cb", "missing": "#929292"}
LABELS = {
    "guaranteed": "couvert par des données garanties",
    "declared": "couvert par vos déclarations seulement",
    "missing": "manquant",
}


@dataclass
class Segment:
    key: str
    x: str  # SVG numbers, formatted here: a French template would write "12,5"
    width: str
    colour: str
    label: str
    percent: int


@dataclass
class Bar:
    label: str
    y: int
    text_y: int
    segments: list[Segment]
    coverage: object


def _percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


def coverage_chart(rows) -> dict:
    """`rows`: (label, Coverage) pairs."""
    bars = []
    for index, (label, coverage) in enumerate(rows):
        whole = coverage.weight_total or 1
        parts = {
            "guaranteed": coverage.weight_guaranteed,
            "declared": coverage.weight_covered - coverage.weight_guaranteed,
            "missing": coverage.weight_total - coverage.weight_covered,
        }
        x, segments = 0.0, []
        for key, weight in parts.items():
            width = WIDTH * weight / whole
            segments.append(
                Segment(
                    key,
                    round(x, 1),
                    round(width, 1),
                    COLOURS[key],
                    LABELS[key],
                    _percent(weight, whole),
                )
            )
            x += width
        top = index * (BAR_HEIGHT + GAP) + 22
        bars.append(Bar(label, top, top - 6, segments, coverage))
    return {
        "width": WIDTH,
        "height": len(bars) * (BAR_HEIGHT + GAP) + 4,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
        "legend": [(COLOURS[key], LABELS[key]) for key in COLOURS],
    }
