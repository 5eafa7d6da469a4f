"""What every passport entry carries: provenance, assurance, lifecycle, publication.

A record is never changed in place: a correction is a new row with the same `lineage`
and the next `version`, the old one becoming `superseded` (see `services.revise`).
"""

import datetime
import decimal
import functools
import operator
import uuid
from collections.abc import Callable

from django.db import models
from django.db.models import Q

from passeport.journal.chain import digest

from ..enums import DECLARED_SOURCES, Assurance, Publication, RecordStatus, SourceKind

# Fields that describe the record's life rather than its content; everything else is
# content, pinned in the journal by `content_digest`.
LIFECYCLE_FIELDS = frozenset(
    {"id", "status", "status_changed_at", "status_reason", "publication", "published_at"}
)


def _content_getter(model) -> tuple[tuple[str, ...], Callable]:
    """The attribute names of `model`'s content fields, in field order, and one getter
    of their values as a tuple (computed once per model)."""
    cached = _CONTENT_GETTERS.get(model)
    if cached is None:
        names = tuple(
            field.attname
            for field in model._meta.concrete_fields
            if field.name not in LIFECYCLE_FIELDS and field.name != "created_at"
        )
        get = (
            operator.attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
        )
        cached = _CONTENT_GETTERS[model] = (names, get)
    return cached


@functools.lru_cache(maxsize=256)
def _utc_text(value: datetime.datetime) -> str:
    # An import's records share one `received_at`: converted once, not once per record.
    return value.astimezone(datetime.UTC).isoformat()


_CONTENT_GETTERS: dict[type, tuple[tuple[str, ...], Callable]] = {}


class RecordQuerySet(models.QuerySet):
    def current(self):
        """The versions in force or expired (what a holder's timeline shows)."""
        return self.filter(status__in=[RecordStatus.ACTIVE, RecordStatus.EXPIRED])

    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def guaranteed(self):
        return self.filter(assurance=Assurance.GUARANTEED)


class Record(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    # No single-column indexes on lineage and person: the unique (lineage, version) and each
    # model's (person, status) index start with them, and every index costs every import.
    lineage = models.UUIDField("lignée", default=uuid.uuid4)
    version = models.PositiveIntegerField("version", default=1)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="titulaire",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    # Provenance.
    source_kind = models.CharField("source", max_length=30, choices=SourceKind.choices)
    declarant = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="déclarant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField("reçu le")
    source_reference = models.CharField(
        "référence de la source", max_length=255, blank=True, help_text="Fichier, ligne, passage…"
    )
    assurance = models.CharField("garantie", max_length=12, choices=Assurance.choices)

    # Lifecycle and publication.
    status = models.CharField(
        "état", max_length=12, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    status_changed_at = models.DateTimeField("état changé le", null=True, blank=True)
    status_reason = models.CharField("motif", max_length=255, blank=True)
    publication = models.CharField(
        "publication", max_length=10, choices=Publication.choices, default=Publication.PRIVATE
    )
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["lineage", "version"],
                name="%(class)s_unique_version",
                violation_error_message="Cette version existe déjà.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(source_kind__in=list(DECLARED_SOURCES), assurance=Assurance.DECLARED)
                    | (
                        ~Q(source_kind__in=list(DECLARED_SOURCES))
                        & Q(assurance=Assurance.GUARANTEED)
                    )
                ),
                name="%(class)s_assurance_follows_source",
                violation_error_message=(
                    "Seul ce que déclare le titulaire est « déclaré » ; le reste est garanti."
                ),
            ),
            models.CheckConstraint(
                condition=Q(publication=Publication.PRIVATE) | Q(published_at__isnull=False),
                name="%(class)s_published_has_date",
                violation_error_message="Une entrée publiée a une date de publication.",
            ),
        ]

    # The label a holder reads for this kind of entry.
    kind_label = ""

    @property
    def is_guaranteed(self) -> bool:
        return self.assurance == Assurance.GUARANTEED

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED

    def content(self) -> dict:
        """The record's content (not its lifecycle), as plain JSON-able values."""
        values = {}
        names, get = _content_getter(type(self))
        # `get` reads what each field's `value_from_object` reads, in field order.
        for attname, value in zip(names, get(self), strict=True):
            kind = type(value)
            if kind is str or kind is int or kind is bool or value is None:
                pass
            elif isinstance(value, datetime.datetime):
                value = _utc_text(value)
            elif isinstance(value, uuid.UUID | datetime.date | decimal.Decimal):
                value = str(value)
            values[attname] = value
        return values

    def content_digest(self) -> str:
        return digest(self.content())

    def period_start(self) -> datetime.date | None:
        return None
