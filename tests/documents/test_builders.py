"""What a CV and a shared page say to their reader: each section heading once whatever
order the holder chose, and sources that name the employer (the reader is not the
holder: « de votre employeur » would mean the reader's)."""

import datetime

from passeport.documents.builders import entry_data, sections
from passeport.records.enums import SourceKind
from passeport.records.models import EmploymentPeriod
from tests.documents.fixtures import *  # noqa: F403 (fixtures: holder, published…)

TODAY = datetime.date(2026, 11, 23)


def test_entries_ordered_by_hand_keep_one_heading_per_kind(published):
    jobs = [r for r in published if r.__class__.__name__ == "EmploymentPeriod"]
    others = [r for r in published if r.__class__.__name__ != "EmploymentPeriod"]
    mixed = [jobs[0], others[0], *jobs[1:], *others[1:], jobs[0]]
    built = sections(mixed, TODAY)
    headings = [section["heading"] for section in built]
    assert len(headings) == len(set(headings))
    assert built[0]["kind"] == "emploi"  # the sections in the order of their first entry
    assert sum(len(section["entries"]) for section in built) == len(mixed)


def test_the_source_names_the_employer_for_the_reader(published):
    job = next(
        r for r in published if isinstance(r, EmploymentPeriod) and r.source_kind == SourceKind.DSN
    )
    source = entry_data(job, TODAY)["source"]
    assert source.startswith("Déclaration sociale nominative de l'employeur")
    assert "votre" not in source
