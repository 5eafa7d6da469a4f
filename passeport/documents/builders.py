"""What a document says, built from records: the JSON the Typst layout reads, and the
snapshot of entries the verifier later checks (kind, public id, lineage, version)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from passeport.records.enums import Assurance, Publication, RecordStatus
from passeport.records.models import PreventionTraining, Record
from passeport.records.timeline import KINDS, entry_for, kind_of, source_label

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
KIND_HEADINGS = {slug: kind.label for slug, kind in KINDS.items()}


def french_date(day: datetime.date) -> str:
    return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]} {day.year}"


def _month(day: datetime.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def sentence(text: str) -> str:
    """`text` ended by one full stop: a holder label ("Angela D.") already ends with one."""
    return text if text.endswith(".") else f"{text}."


def holder_label(person) -> str:
    """First name and initial of the name: all the public verifier says about a holder."""
    first = person.first_names.split(" ")[0] if person.first_names else ""
    name = person.usage_name or person.birth_name
    return f"{first} {name[:1].upper()}.".strip() if name else first


def period(entry) -> str:
    if entry.kind == "diplome" and entry.start:
        return f"obtenu en {_month(entry.start)}"
    if entry.start and entry.end and entry.start != entry.end:
        return f"{_month(entry.start)} – {_month(entry.end)}"
    if entry.start and entry.ongoing:
        return f"depuis {_month(entry.start)}"
    if entry.start:
        return _month(entry.start)
    return ""


def entry_data(record: Record, today: datetime.date) -> dict:
    """One entry as the layout shows it."""
    entry = entry_for(record, today)
    return {
        "kind": entry.kind,
        "title": entry.title,
        "subtitle": entry.subtitle or "",
        "period": period(entry),
        "details": [str(detail) for detail in entry.details if detail],
        "guaranteed": record.assurance == Assurance.GUARANTEED,
        "source": (
            source_label(record, for_holder=False)
            if record.assurance == Assurance.GUARANTEED
            else ""
        ),
        "validity": entry.validity_label or "",
    }


def sections(records: Iterable[Record], today: datetime.date) -> list[dict]:
    """One section per kind, each heading once: sections in the order of their first
    entry, entries in the given order (a holder who orders entries by hand and mixes
    kinds gets their order within each section, not a heading repeated)."""
    by_kind: dict[str, dict] = {}
    for record in records:
        data = entry_data(record, today)
        section = by_kind.setdefault(
            data["kind"],
            {"kind": data["kind"], "heading": KIND_HEADINGS[data["kind"]], "entries": []},
        )
        section["entries"].append(data)
    return list(by_kind.values())


def snapshot(records: Iterable[Record]) -> list[dict]:
    return [
        {
            "kind": kind_of(record),
            "public_id": str(record.public_id),
            "lineage": str(record.lineage),
            "version": record.version,
            "title": entry_for(record, datetime.date.today()).title,
            "guaranteed": record.assurance == Assurance.GUARANTEED,
        }
        for record in records
    ]


def records_of(person, items: Iterable[tuple[str, uuid.UUID | str]]) -> list[Record]:
    """The person's records named by (kind, public id), in the order given (one query per
    kind); unknown or foreign ones are left out."""
    items = list(items)
    wanted: dict[str, list] = {}
    for kind, public_id in items:
        if kind in KINDS:
            wanted.setdefault(kind, []).append(public_id)
    found = {}
    for kind, ids in wanted.items():
        queryset = (
            KINDS[kind]
            .model.objects.select_related("declarant")
            .filter(person=person, public_id__in=ids)
        )
        for record in queryset.order_by("pk"):
            found[(kind, str(record.public_id))] = record
    return [found[key] for kind, pid in items if (key := (kind, str(pid))) in found]


def is_current(record: Record) -> bool:
    return record.status in (RecordStatus.ACTIVE, RecordStatus.EXPIRED)


def is_shareable(record: Record) -> bool:
    """Published and current: what a holder may put in a CV or a share link."""
    return record.publication == Publication.PUBLISHED and record.status in (
        RecordStatus.ACTIVE,
        RecordStatus.EXPIRED,
    )


def publishable_records(person, *, kinds: Iterable[str] | None = None) -> list[Record]:
    """The holder's published current entries, newest first, one query per kind."""
    result = []
    for slug, kind in KINDS.items():
        if kinds is not None and slug not in kinds:
            continue
        queryset = (
            kind.model.objects.select_related("declarant")
            .filter(person=person, publication=Publication.PUBLISHED)
            .current()
        )
        result.extend(queryset.order_by("-pk"))
    return result


def prevention_trainings(person) -> list[PreventionTraining]:
    """Every current safety training of the holder (published or not: the attestation is
    the holder's own document), by end of validity."""
    return list(
        PreventionTraining.objects.select_related("declarant")
        .filter(person=person)
        .current()
        .order_by("-valid_from", "-pk")
    )
