"""CVs, and the issuance of sealed PDFs: requested in the request, rendered off it.

`request_document` records what the PDF will carry; a worker renders it once the request
commits (`tasks.render_document`). `render_document` reads the entries, collects the credentials
of the guaranteed ones, lays the PDF out (Typst), seals it (pyHanko), and records its
SHA-256: the public verifier recognises the file by it.

One module on purpose, though slightly longer than the house's ~400 lines: the request
and the rendering share what a document carries; the layout is in Typst templates.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from passeport.core.claims import Claims, TakenOver
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.records.models import Record
from passeport.records.timeline import kind_of

from . import builders
from .models import Cv, CvItem, DocumentKind, DocumentStatus, GeneratedDocument
from .render import Attachment, render_pdf
from .seal import current_seal, seal_pdf

logger = logging.getLogger(__name__)

MAX_CV_ENTRIES = 60
MAX_ATTESTATION_ENTRIES = 60


class DocumentError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- CVs ---------------------------------------------------------------------------------


@transaction.atomic
def save_cv(person, *, title: str, summary: str, records: list[Record], cv: Cv | None = None):
    """Creates or updates a CV with `records` (published, current entries of `person`):
    entries already in it keep their rank, new ones go last, unticked ones leave."""
    if len(records) > MAX_CV_ENTRIES:
        raise DocumentError(f"Un CV compte au plus {MAX_CV_ENTRIES} entrées.")
    for record in records:
        if record.person_id != person.pk or not builders.is_shareable(record):
            raise DocumentError("Seules vos entrées publiées et en vigueur vont dans un CV.")
    if cv is None:
        cv = Cv.objects.create(person=person, title=title, summary=summary)
    else:
        cv.title, cv.summary = title, summary
        cv.save(update_fields=["title", "summary", "updated_at"])
    wanted = {str(record.public_id): record for record in records}
    cv.items.exclude(record_public_id__in=list(wanted)).delete()
    present = {str(pid) for pid in cv.items.values_list("record_public_id", flat=True)}
    last = cv.items.aggregate(last=Max("position"))["last"] or 0
    new = []
    for public_id, record in wanted.items():
        if public_id not in present:
            last += 1
            new.append(
                CvItem(cv=cv, kind=kind_of(record), record_public_id=public_id, position=last)
            )
    CvItem.objects.bulk_create(new)
    return cv


@transaction.atomic
def move_item(cv: Cv, item_pk: int, direction: str) -> bool:
    """Swaps an entry with its neighbour ("up" or "down"); False at either end."""
    items = list(cv.items.select_for_update().order_by("position", "pk"))
    index = next((i for i, item in enumerate(items) if item.pk == item_pk), None)
    if index is None:
        return False
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for rank, item in enumerate(items, start=1):
        item.position = rank
    CvItem.objects.bulk_update(items, ["position"])
    cv.save(update_fields=["updated_at"])
    return True


def cv_records(cv: Cv) -> list[tuple[CvItem, Record | None]]:
    """The CV's items in order with their record (None when it no longer exists)."""
    items = list(cv.items.order_by("position", "pk"))
    records = builders.records_of(cv.person, [(i.kind, i.record_public_id) for i in items])
    by_id = {str(record.public_id): record for record in records}
    return [(item, by_id.get(str(item.record_public_id))) for item in items]


@transaction.atomic
def delete_cv(cv: Cv, *, actor: Actor) -> None:
    """Deletes the CV and revokes every PDF made from it."""
    for document in cv.documents.filter(revoked_at__isnull=True):
        revoke_document(document, actor=actor)
    cv.delete()


# --- Issuing documents ---------------------------------------------------------------------


def preview_data(person, *, kind: str, title: str, records: list[Record], today, **extra):
    """The data the layout reads (also used for the HTML preview)."""
    intro = {
        DocumentKind.CV: "",
        DocumentKind.PREVENTION: (
            "Passeport atteste que les formations en santé et sécurité au travail ci-dessous "
            "figurent dans le passeport de prévention de la personne nommée, telles que "
            "déclarées par les organismes de formation et employeurs indiqués."
        ),
        DocumentKind.ENTRY: (
            "Passeport atteste que l'entrée ci-dessous figure dans le passeport de la personne "
            "nommée, avec sa provenance."
        ),
    }[kind]
    return {
        "kind": kind,
        "title": title,
        "holder": person.display_name,
        "subtitle": extra.get("subtitle", ""),
        "intro": intro,
        "summary": extra.get("summary", ""),
        "sections": builders.sections(records, today),
    }


@transaction.atomic
def request_document(
    person,
    *,
    kind: str,
    records: list[Record],
    title: str,
    actor: Actor,
    requested_by=None,
    cv: Cv | None = None,
    summary: str = "",
) -> GeneratedDocument:
    """Records the document to issue and starts its rendering after commit."""
    if not records:
        raise DocumentError("Choisissez au moins une entrée.")
    limit = MAX_CV_ENTRIES if kind == DocumentKind.CV else MAX_ATTESTATION_ENTRIES
    if len(records) > limit:
        raise DocumentError(f"Un document compte au plus {limit} entrées.")
    for record in records:
        if record.person_id != person.pk:
            raise DocumentError("Seules vos entrées peuvent figurer dans vos documents.")
        if kind == DocumentKind.CV and not builders.is_shareable(record):
            raise DocumentError(
                f"« {builders.entry_data(record, timezone.localdate())['title']} » n'est plus "
                "publiée ou n'est plus en vigueur : retirez-la du CV."
            )
    document = GeneratedDocument.objects.create(
        person=person,
        kind=kind,
        cv=cv,
        title=title,
        holder_label=builders.holder_label(person),
        entries=builders.snapshot(records),
        options={"summary": summary, "requested_by": actor.identifier},
        step="En attente de fabrication",
    )
    journal.log(
        journal.Event(
            actor,
            "document.requested",
            "documents.GeneratedDocument",
            str(document.public_id),
            person.pk,
            payload={"kind": kind, "entries": len(records)},
        )
    )
    start_after_commit(document)
    return document


def start_after_commit(document: GeneratedDocument) -> None:
    from .tasks import render_document as render_task  # the task calls back here

    transaction.on_commit(lambda: render_task(document.pk), robust=True)


def render_document_pk(pk: int) -> None:
    """The worker's entry point; a document deleted meanwhile is nothing to do."""
    document = GeneratedDocument.objects.filter(pk=pk).first()
    if document is not None:
        render_document(document)


RENDERED_FIELDS = [
    "sha256",
    "size",
    "file",
    "attachments",
    "seal_fingerprint",
    "issued_at",
    "status",
    "progress",
    "step",
    "worker",
]
RENDER_FAILED = (
    "Le document n'a pas pu être fabriqué. Réessayez ; si l'erreur persiste, contactez le support."
)
# A rendering takes a second or less; one silent for this long was stopped (restart):
# it is started again (`core.claims`).
CLAIMS = Claims(
    GeneratedDocument,
    pending=(DocumentStatus.PENDING, DocumentStatus.RENDERING),
    running=DocumentStatus.RENDERING,
    since="created_at",
    stale_after=lambda: datetime.timedelta(minutes=2),
    label="Document",
)


def is_stale(document: GeneratedDocument, now: datetime.datetime | None = None) -> bool:
    """Its rendering died with the server (a revoked document is not rendered again)."""
    return document.revoked_at is None and CLAIMS.is_stale(document, now)


def restart_if_stale(document: GeneratedDocument) -> bool:
    """Starts the rendering again after a restart killed it (its page was read)."""
    if not is_stale(document):
        return False
    start_after_commit(document)
    return True


def resume_stale_renderings(now: datetime.datetime | None = None) -> list[GeneratedDocument]:
    """Renders again, in this process, every rendering a stopped worker left unfinished
    (periodic task); a rendering still going is left alone."""
    stale = CLAIMS.stale(now).filter(revoked_at__isnull=True).order_by("created_at", "pk")
    rendered = []
    for document in stale:
        try:
            rendered.append(render_document(document))
        except Exception:  # said on its page; the others still get rendered
            logger.exception("Document %s : échec de la fabrication", document.pk)
    return rendered


def _progress(document: GeneratedDocument, percent: int, step: str) -> None:
    """A step, saved (with a sign of life) if this run still renders the document."""
    document.progress, document.step = percent, step
    CLAIMS.save(document, document.worker, progress=percent, step=step)


def verification_url(document: GeneratedDocument) -> str:
    path = reverse("public:verify_document", args=[document.public_id])
    return settings.SITE_URL.rstrip("/") + path


def issued_credentials(records: list[Record], *, actor: Actor) -> list[list]:
    """The machine-readable credentials of each guaranteed entry (SD-JWT VC, Open Badges
    3.0), issued for this document in one transaction: their status lists revoke them with
    the entry."""
    from passeport.credentials.services import credentials_for_many

    return credentials_for_many(records, actor=actor)


REVOKED_WITH_DOCUMENT = "Document révoqué par son titulaire."
REVOKED_UNUSED = (
    "Émise pour un document dont la fabrication a été interrompue puis reprise : jamais remise."
)


def _revoke(issuances, *, actor: Actor, reason: str) -> int:
    """Revokes credentials of a document (`document.credentials`, filtered)."""
    from passeport.credentials.revocation import revoke_all

    return revoke_all(issuances, actor=actor, reason=reason)


def render_document(document: GeneratedDocument) -> GeneratedDocument:
    """Renders and seals the PDF, unless another run is rendering it (a step less than
    two minutes ago). A failure is said on the document's page."""
    return CLAIMS.run(
        document,
        lambda token: _render_tracked(document),
        failed=lambda: {
            "status": DocumentStatus.FAILED,
            "step": "",
            "error_message": RENDER_FAILED,
        },
    )


def _render_tracked(document: GeneratedDocument) -> GeneratedDocument:
    """`_render`, revoking the credentials this run issued if another run takes the
    document over (they will never be handed out)."""
    issuance_ids: list[int] = []
    try:
        return _render(document, issuance_ids)
    except TakenOver:
        _revoke(
            document.credentials.filter(pk__in=issuance_ids),
            actor=_actor(document),
            reason=REVOKED_UNUSED,
        )
        raise


def _render(document: GeneratedDocument, issuance_ids: list[int]) -> GeneratedDocument:
    """Renders, seals and stores the PDF; the ids of the credentials it issues are added
    to `issuance_ids` as soon as they are issued."""
    person = document.person
    actor = _actor(document)
    today = timezone.localdate()
    _progress(document, 10, "Lecture des entrées")
    records = builders.records_of(
        person, [(entry["kind"], entry["public_id"]) for entry in document.entries]
    )
    _progress(document, 30, "Attestations numériques des entrées garanties")
    attachments = []
    guaranteed = [record for record in records if record.is_guaranteed]
    with transaction.atomic():  # issued and tracked together
        credentials = issued_credentials(guaranteed, actor=actor)
        issuance_ids += [file.issuance_id for files in credentials for file in files]
        document.credentials.add(*issuance_ids)
    for record, files in zip(guaranteed, credentials, strict=True):
        title = builders.entry_data(record, today)["title"]
        for issued in files:
            label = (
                "attestation SD-JWT VC (pour un portefeuille numérique)"
                if issued.format == "dc+sd-jwt"
                else "attestation Open Badges 3.0"
            )
            # The last page lists them in words (what each proves), not by file name.
            attachments.append(
                Attachment(issued.filename, issued.media_type, issued.content, f"{title} : {label}")
            )
    _progress(document, 55, "Mise en page")
    issued_at = timezone.now()
    data = preview_data(
        person,
        kind=document.kind,
        title=document.title,
        records=records,
        today=today,
        summary=document.options.get("summary", ""),
    )
    data["issued_on"] = builders.french_date(timezone.localtime(issued_at).date())
    data["document_id"] = str(document.public_id)
    pdf = render_pdf(
        data,
        verification_url=verification_url(document),
        attachments=attachments,
        issued_at=issued_at,
    )
    _progress(document, 80, "Scellement électronique")
    seal = current_seal()
    sealed = seal_pdf(pdf, reason=f"{document.get_kind_display()} émis par Passeport", seal=seal)
    _progress(document, 95, "Enregistrement")  # still this run's (else TakenOver)
    document.sha256 = hashlib.sha256(sealed).hexdigest()
    document.size = len(sealed)
    document.file.save(document.filename(), ContentFile(sealed), save=False)
    document.attachments = [
        {"filename": a.filename, "media_type": a.media_type, "description": a.description}
        for a in attachments
    ]
    document.seal_fingerprint = seal.fingerprint
    document.issued_at = issued_at
    document.status, document.progress, document.step = DocumentStatus.READY, 100, ""
    document.worker = None
    # Only what rendering sets: a revocation saved meanwhile must not be undone.
    document.save(update_fields=RENDERED_FIELDS)
    if GeneratedDocument.objects.filter(pk=document.pk, revoked_at__isnull=False).exists():
        document.file.delete(save=False)  # revoked while it was being rendered
        GeneratedDocument.objects.filter(pk=document.pk).update(file="")
        _revoke(document.credentials.all(), actor=actor, reason=REVOKED_WITH_DOCUMENT)
        document.refresh_from_db()
        return document
    # Those of an earlier run that was cut short: never handed out.
    _revoke(document.credentials.exclude(pk__in=issuance_ids), actor=actor, reason=REVOKED_UNUSED)
    journal.log(
        journal.Event(
            actor,
            "document.issued",
            "documents.GeneratedDocument",
            str(document.public_id),
            person.pk,
            payload={"kind": document.kind, "sha256": document.sha256},
        )
    )
    return document


def _actor(document: GeneratedDocument) -> Actor:
    user = getattr(document.person, "user", None)
    return Actor.for_user(user) if user is not None else Actor.system("documents")


@transaction.atomic
def revoke_document(document: GeneratedDocument, *, actor: Actor) -> GeneratedDocument:
    """The verifier will answer "révoqué"; the file is deleted, the row kept."""
    if document.revoked_at is not None:
        return document
    if document.file:
        document.file.delete(save=False)
    document.revoked_at = timezone.now()
    document.save(update_fields=["revoked_at", "file"])
    # The attestations joined to the PDF stop verifying with it.
    _revoke(document.credentials.all(), actor=actor, reason=REVOKED_WITH_DOCUMENT)
    journal.log(
        journal.Event(
            actor,
            "document.revoked",
            "documents.GeneratedDocument",
            str(document.public_id),
            document.person_id,
        )
    )
    return document
