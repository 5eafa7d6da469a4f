"""What the holder's pages and the counsellors' pages show alike: a gap with its chart
and training leads, and the saved targets with their coverage."""

from . import charts, leads
from . import gap as gaps
from . import profile as profiles
from .models import SavedTarget


def gap_context(person, target, *, for_holder=True, scopes=None) -> dict:
    """The profile, the gap to `target`, its chart and training leads. Proposals for
    new job titles are made only on the holder's own pages (`for_holder`); for a
    counsellor, `scopes` (the grant's parts) hide the entries not shared."""
    built = profiles.build(person, sync=for_holder)
    if scopes is not None:
        profiles.redact(built, scopes)
    result = gaps.compute(built, target)
    return {
        "profile": built,
        "gap": result,
        "coverage_chart": charts.coverage_chart([(target.label, result.coverage)]),
        "training": leads.training_leads(result, built, person),
        "for_holder": for_holder,
    }


def saved_targets(person, profile) -> list[dict]:
    """Saved targets, each with its coverage, from one aggregate over the links."""
    targets = list(SavedTarget.objects.filter(person=person).select_related("rome", "appellation"))
    shared = leads.overlap(profile, codes={target.rome.code for target in targets})
    rows = []
    for target in targets:
        row = shared.get(target.rome.code, {})
        percent = leads.weighted_percent(
            row.get("n", 0), row.get("core", 0), target.rome.item_count, target.rome.core_count
        )  # the job's totals, counted at load time
        rows.append({"target": target, "percent": percent})
    return rows
