"""Reading a holder's passport as a timeline: one query per kind of entry, whatever the
number of entries, merged and sorted newest first in Python.

Filters on kind and assurance go to the database; the period and the text search are
applied to the fetched rows (a holder has hundreds of entries at most, and the search
is then accent-insensitive on SQLite and PostgreSQL alike, through `text.normalize`).
Rows are plain values; only the page shown becomes model instances and entries.
"""

import datetime
from dataclasses import dataclass, field

from passeport.referentials.text import normalize

from .enums import CONTRACT_NATURES, Assurance, SourceKind
from .models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    Engagement,
    PreventionTraining,
    Record,
    Training,
)


@dataclass(frozen=True)
class Kind:
    slug: str  # in URLs and filters
    model: type[Record]
    label: str  # plural, for filters and headings
    search_fields: tuple[str, ...]
    # What a card shows (`entry_for`), besides COMMON_COLUMNS and the search fields.
    card_fields: tuple[str, ...] = ()


# Every card: sorting, its link, badges and source (`source_label`).
COMMON_COLUMNS = (
    "id",
    "public_id",
    "source_kind",
    "declarant_id",
    "assurance",
    "publication",
)

KINDS = {
    kind.slug: kind
    for kind in (
        Kind(
            "emploi",
            EmploymentPeriod,
            "Expériences professionnelles",
            ("job_title", "employer_name"),
            ("start_date", "end_date", "contract_nature"),
        ),
        Kind(
            "diplome",
            Certification,
            "Diplômes et certifications",
            ("title", "code", "certifier_name", "option_label"),
            ("awarded_on", "level", "blocs"),
        ),
        Kind(
            "formation",
            Training,
            "Formations",
            ("title", "provider_name"),
            ("start_date", "end_date", "hours", "funded_by_cpf"),
        ),
        Kind(
            "prevention",
            PreventionTraining,
            "Formations en santé et sécurité au travail",
            ("title", "provider_name", "certification_code"),
            ("start_date", "end_date", "valid_from", "valid_until", "declaration_kind"),
        ),
        Kind(
            "engagement",
            Engagement,
            "Engagements",
            ("organisation_name", "role"),
            ("engagement_kind", "start_date", "end_date", "hours"),
        ),
        Kind(
            "declaration",
            DeclaredItem,
            "Autres éléments déclarés",
            ("title", "description", "organisation_name"),
            ("item_kind", "language_level", "start_date", "end_date"),
        ),
    )
}


def _columns(kind: Kind) -> tuple[str, ...]:
    """In the model's field order, as `Model.from_db` takes them."""
    wanted = {*COMMON_COLUMNS, *kind.search_fields, *kind.card_fields}
    columns = tuple(f.attname for f in kind.model._meta.concrete_fields if f.attname in wanted)
    if len(columns) != len(wanted):
        raise LookupError(f"{kind.model.__name__}: {sorted(wanted - set(columns))}")
    return columns


# Per kind, the columns the timeline fetches: only what a card displays, filters or sorts
# on (no lineage, JSON details, timestamps… converted for nothing).
COLUMNS = {slug: _columns(kind) for slug, kind in KINDS.items()}
SLUG_BY_MODEL = {kind.model: slug for slug, kind in KINDS.items()}


def kind_of(record: Record) -> str:
    return SLUG_BY_MODEL[type(record)]


def source_label(record: Record) -> str:
    """Who guarantees the entry, in the holder's words."""
    declarant = record.declarant.name if record.declarant_id else ""
    match record.source_kind:
        case SourceKind.DSN:
            name = declarant or getattr(record, "employer_name", "")
            return f"Déclaration sociale nominative de votre employeur {name}".strip()
        case SourceKind.ACCROCHAGE:
            name = declarant or getattr(record, "certifier_name", "")
            return f"Certificateur {name}".strip()
        case SourceKind.TRAINING_PROVIDER:
            name = declarant or getattr(record, "provider_name", "")
            return f"Organisme de formation {name}".strip()
        case SourceKind.EMPLOYER:
            return f"Déclaration de votre employeur {declarant}".strip()
        case SourceKind.MON_COMPTE_FORMATION:
            name = declarant or getattr(record, "provider_name", "")
            suffix = f", organisme de formation {name}" if name else ""
            return f"Mon Compte Formation{suffix}"
        case SourceKind.CEC:
            return "Compte d'engagement citoyen"
        case SourceKind.HOLDER:
            return "Déclaré par vous"
    return record.get_source_kind_display()


@dataclass
class Entry:
    """One line of the timeline: the record and what the holder reads about it."""

    kind: str
    record: Record
    title: str
    subtitle: str
    start: datetime.date | None
    end: datetime.date | None
    ongoing: bool = False
    details: list[str] = field(default_factory=list)
    validity: str = ""  # prevention: ValidityState value
    validity_label: str = ""

    @property
    def is_guaranteed(self) -> bool:
        return self.record.assurance == Assurance.GUARANTEED

    @property
    def source(self) -> str:
        return source_label(self.record)


def entry_for(record: Record, today: datetime.date) -> Entry:
    kind = kind_of(record)
    match record:
        case EmploymentPeriod():
            nature = CONTRACT_NATURES.get(record.contract_nature, "")
            return Entry(
                kind,
                record,
                record.job_title,
                record.employer_name,
                record.start_date,
                record.end_date,
                ongoing=record.end_date is None,
                details=[nature] if nature else [],
            )
        case Certification():
            details = []
            if record.level:
                details.append(f"Niveau {record.level}")
            if record.code:
                details.append(record.code)
            if record.blocs:
                details.append(f"{len(record.blocs)} bloc{'s' if len(record.blocs) > 1 else ''}")
            return Entry(
                kind,
                record,
                record.title,
                record.certifier_name,
                record.awarded_on,
                None,
                details=details,
            )
        case Training():
            details = [f"{record.hours} h"] if record.hours else []
            if record.funded_by_cpf:
                details.append("Financée par le CPF")
            return Entry(
                kind,
                record,
                record.title,
                record.provider_name,
                record.start_date,
                record.end_date,
                details=details,
            )
        case PreventionTraining():
            state = record.validity_on(today)
            return Entry(
                kind,
                record,
                record.title,
                record.provider_name,
                record.start_date or record.valid_from,
                record.end_date,
                details=[record.get_declaration_kind_display()],
                validity=state,
                validity_label=validity_label(record, today),
            )
        case Engagement():
            details = [f"{record.hours} h"] if record.hours else []
            return Entry(
                kind,
                record,
                record.get_engagement_kind_display(),
                " — ".join(filter(None, [record.organisation_name, record.role])),
                record.start_date,
                record.end_date,
                ongoing=record.end_date is None,
                details=details,
            )
        case DeclaredItem():
            details = [record.get_item_kind_display()]
            if record.language_level:
                details.append(f"Niveau {record.language_level}")
            return Entry(
                kind,
                record,
                record.title,
                record.organisation_name,
                record.start_date,
                record.end_date,
                details=details,
            )
    raise TypeError(type(record))


def validity_label(record: PreventionTraining, today: datetime.date) -> str:
    return record.validity(today).label


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()  # empty: every kind
    assurance: str = ""  # "", Assurance.GUARANTEED or Assurance.DECLARED
    year_from: int | None = None
    year_to: int | None = None
    text: str = ""


# Per kind: the fields giving an entry's start and end (for sorting and the period).
DATE_FIELDS = {
    "emploi": ("start_date", "end_date"),
    "diplome": ("awarded_on", None),
    "formation": ("start_date", "end_date"),
    "prevention": ("start_date", "end_date"),
    "engagement": ("start_date", "end_date"),
    "declaration": ("start_date", "end_date"),
}
ONGOING_KINDS = {"emploi", "engagement"}  # no end date: still going on


@dataclass
class Row:
    """A fetched entry before it is shown: enough to filter and sort it."""

    kind: str
    values: dict
    start: datetime.date | None
    end: datetime.date | None
    ongoing: bool

    @property
    def sort_key(self):
        day = self.start or self.end or datetime.date.min
        return (day, self.end or datetime.date.max, self.values["id"])

    def overlaps(self, first: datetime.date | None, last: datetime.date | None) -> bool:
        start = self.start or self.end
        if start is None:
            return False  # undated items (a skill, a language) belong to no period
        end = self.end or (datetime.date.max if self.ongoing else start)
        return (first is None or end >= first) and (last is None or start <= last)

    def matches(self, words: list[str]) -> bool:
        fields = KINDS[self.kind].search_fields
        text = normalize(" ".join(str(self.values[f] or "") for f in fields))
        return all(word in text for word in words)

    def record(self) -> Record:
        """The model instance (declarant's name attached) built from the fetched columns,
        the others deferred, as `.only()` would: reading one costs a query, never a wrong
        default."""
        model = KINDS[self.kind].model
        values = self.values
        names = COLUMNS[self.kind]
        record = model.from_db(None, names, [values[name] for name in names])
        if record.declarant_id:
            from passeport.organisations.models import Organisation

            record.declarant = Organisation(pk=record.declarant_id, name=values["declarant__name"])
        return record


def _rows(person, slug: str, assurance: str) -> list[Row]:
    model = KINDS[slug].model
    queryset = model.objects.filter(person=person).current()
    if assurance:
        queryset = queryset.filter(assurance=assurance)
    start_field, end_field = DATE_FIELDS[slug]
    ongoing_kind = slug in ONGOING_KINDS
    rows = []
    # Plain values (no model instance per row): the page's few rows become records later.
    for values in queryset.order_by().values(*COLUMNS[slug], "declarant__name"):
        start = values[start_field]
        if slug == "prevention":
            start = start or values["valid_from"]
        end = values[end_field] if end_field else None
        rows.append(Row(slug, values, start, end, ongoing_kind and end is None))
    return rows


def timeline(person, filters: Filters | None = None, *, today: datetime.date) -> list[Row]:
    """The holder's current entries, filtered, newest first: one query per kind (the
    declarant joined), whatever the number of entries. Turn the rows of the page shown
    into entries with `entries(rows, today)`."""
    filters = filters or Filters()
    rows = []
    for slug in KINDS:
        if not filters.kinds or slug in filters.kinds:
            rows.extend(_rows(person, slug, filters.assurance))
    first = datetime.date(filters.year_from, 1, 1) if filters.year_from else None
    last = datetime.date(filters.year_to, 12, 31) if filters.year_to else None
    if first or last:
        rows = [row for row in rows if row.overlaps(first, last)]
    words = normalize(filters.text).split()
    if words:
        rows = [row for row in rows if row.matches(words)]
    rows.sort(key=lambda row: row.sort_key, reverse=True)
    return rows


def entries(rows, today: datetime.date) -> list[Entry]:
    return [entry_for(row.record(), today) for row in rows]


def get_entry(person, slug: str, public_id):
    """One of the holder's records, any version; None when it is not theirs."""
    kind = KINDS.get(slug)
    if kind is None:
        return None
    return (
        kind.model.objects.select_related("declarant")
        .filter(person=person, public_id=public_id)
        .first()
    )


def versions(record: Record) -> list[Record]:
    """Every version of the record's lineage (same holder), newest first."""
    return list(
        type(record)
        .objects.select_related("declarant")
        .filter(person_id=record.person_id, lineage=record.lineage)
        .order_by("-version")
    )
