"""CVs the holder composes, and every PDF the service issues (CV, attestations).

A generated document keeps, for the public verifier, only what it may say: its public id,
its SHA-256, when it was issued, for whom (first name and initial), which entries it
carried (kind, public id, version) and whether its holder revoked it. The PDF file is
kept for the holder's downloads and deleted on revocation; the row stays, so that a
revoked PDF is answered "révoqué", not "inconnu".
"""

import uuid

from django.db import models

from passeport.core.storage import private_storage


def documents_storage():
    """Where issued PDFs are kept (`core.storage.private_storage`)."""
    return private_storage("documents")


def _upload_to(instance, filename):
    return f"{instance.created_at:%Y/%m}/{instance.public_id}/{filename}"


class Cv(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("titre", max_length=120)
    summary = models.TextField("présentation", max_length=1200, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "CV"
        verbose_name_plural = "CV"
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["person", "-updated_at"], name="cv_person_updated")]

    def __str__(self):
        return self.title


class CvItem(models.Model):
    """One entry of a CV, by kind and public id of the version chosen, in order."""

    cv = models.ForeignKey(Cv, verbose_name="CV", on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("type d'entrée", max_length=20)  # records.timeline.KINDS slug
    record_public_id = models.UUIDField("entrée")
    position = models.PositiveIntegerField("rang")

    class Meta:
        verbose_name = "entrée de CV"
        verbose_name_plural = "entrées de CV"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cv", "record_public_id"],
                name="cv_item_once",
                violation_error_message="Cette entrée figure déjà dans le CV.",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.record_public_id} (rang {self.position})"


class DocumentKind(models.TextChoices):
    CV = "cv", "CV"
    PREVENTION = "prevention", "Attestation du passeport de prévention"
    ENTRY = "entry", "Attestation d'une entrée"


class DocumentStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RENDERING = "rendering", "En cours de fabrication"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


class GeneratedDocument(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("type", max_length=12, choices=DocumentKind.choices)
    cv = models.ForeignKey(
        Cv,
        verbose_name="CV",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField("titre", max_length=200)
    # What the verifier may say about the holder: first name and initial.
    holder_label = models.CharField("titulaire (prénom et initiale)", max_length=100)
    # [{kind, public_id, lineage, version, title, guaranteed}], in the document's order.
    entries = models.JSONField("entrées", default=list)
    options = models.JSONField("options", default=dict, blank=True)
    status = models.CharField(
        "état", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    step = models.CharField("étape", max_length=120, blank=True)
    error_message = models.TextField("erreur", blank=True)
    file = models.FileField("PDF", storage=documents_storage, upload_to=_upload_to, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    seal_fingerprint = models.CharField("certificat du cachet (SHA-256)", max_length=95, blank=True)
    # Every credential issued for this document, by any rendering run: revoked with the
    # document, and those of a run cut short once another run has rendered it.
    credentials = models.ManyToManyField(
        "credentials.Issuance",
        verbose_name="attestations numériques émises",
        related_name="+",
        blank=True,
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    # Which rendering run holds the document (a token per run) and its last step: a run
    # stopped by a restart is started again; one taken over saves nothing more.
    worker = models.UUIDField("fabrication en cours", null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField("dernière étape le", null=True, blank=True)
    issued_at = models.DateTimeField("émis le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "document émis"
        verbose_name_plural = "documents émis"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "-created_at"], name="document_person_created")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(sha256=""),
                name="document_ready_has_digest",
                violation_error_message="Un document prêt a une empreinte.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.public_id}"

    @property
    def is_pending(self) -> bool:
        return self.status in (DocumentStatus.PENDING, DocumentStatus.RENDERING)

    @property
    def is_downloadable(self) -> bool:
        return self.status == DocumentStatus.READY and self.revoked_at is None and bool(self.file)

    def filename(self) -> str:
        prefix = {"cv": "cv", "prevention": "attestation-prevention", "entry": "attestation"}
        return f"{prefix.get(self.kind, 'document')}-{str(self.public_id)[:8]}.pdf"
