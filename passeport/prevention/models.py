"""Prevention declarations (passeport de prévention): what training providers and
employers declare, by any channel, and the files they import.

The passport entry itself is a `records.PreventionTraining` (written only through
`records.services`); these models keep what the declarant sent around it:

- `Declaration`: one training (= one official `ID_DECLARATION`) and its deadline;
- `DeclarationLine`: one trainee of it (= one `ID_UNIQUE_PARTENAIRE`), pointing at the
  record's `lineage` (the current version is found by lineage), with the employer's
  verification state;
- `PreventionImport` + `ImportRejection`: a file received, its progress and its report;
- `IdempotencyKey`: the API's stored answers to `Idempotency-Key` requests.

One module on purpose, though longer than the house's ~400 lines: Django's convention
(one `models` per app, one migration history), and the models refer to each other.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from passeport.core.storage import private_storage

from .enums import (
    AwardMode,
    Channel,
    DeclarantRole,
    DeclarationKind,
    ImportStatus,
    JdrType,
    LineStatus,
    Modality,
    ReviewStatus,
)

MAX_TRAINEES_PER_DECLARATION = 500


def prevention_storage():
    """Where imported files are kept (`core.storage.private_storage`)."""
    return private_storage("prevention")


def _upload_to(instance, filename):
    return f"{instance.created_at:%Y/%m}/{instance.public_id}/{filename}"


class Declaration(models.Model):
    """One training declared by a training provider or an employer, with its trainees
    (`lines`): the official `ID_DECLARATION`, unique per declarant.

    The training block (title, dates, modality, skills…) and, for a JDR, the justificatif
    block are the same for every trainee; what differs per trainee is on
    `DeclarationLine`. Lines may be added later (another file or API call with the same
    `ID_DECLARATION` and the same training block), up to 500 trainees.

    `declare_before` is the legal deadline (`deadlines.declare_before`) computed from
    `deadline_from` (training end for an ADF, earliest validity start for a JDR);
    `late` says the first trainee was declared after it."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    declarant = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="déclarant",
        on_delete=models.PROTECT,
        related_name="prevention_declarations",
    )
    declarant_role = models.CharField(
        "qualité du déclarant", max_length=10, choices=DeclarantRole.choices
    )
    kind = models.CharField("type de déclaration", max_length=3, choices=DeclarationKind.choices)
    declaration_id = models.CharField("ID_DECLARATION", max_length=100)
    reference = models.CharField("REFERENCE_DECLARATION", max_length=255)

    # Training block (ADF; JDR when PRESENCE_FORMATION=OUI).
    title = models.CharField("intitulé de la formation (NOM_FORMATION)", max_length=500, blank=True)
    start_date = models.DateField("début de la formation", null=True, blank=True)
    end_date = models.DateField("fin de la formation", null=True, blank=True)
    modality = models.CharField(
        "modalité (MODALITE_DISPENSE)", max_length=12, choices=Modality.choices, blank=True
    )
    transferable_skills = models.JSONField(
        "compétences transférables (codes ROME)", default=list, blank=True
    )
    trainer_qualifications = models.JSONField(
        "qualification des formateurs", default=list, blank=True
    )
    certifying = models.BooleanField("formation certifiante", null=True, blank=True)
    certification_code = models.CharField(
        "certification visée (RS/RNCP)", max_length=20, blank=True
    )
    formacodes = models.JSONField("domaines de formation (Formacode)", default=list, blank=True)
    nsf_codes = models.JSONField("spécialités de formation (NSF)", default=list, blank=True)

    # Justificatif block (JDR only).
    jdr_type = models.CharField(
        "type de justificatif (TYPE_JDR)", max_length=15, choices=JdrType.choices, blank=True
    )
    jdr_name = models.CharField("intitulé du justificatif (NOM_JDR)", max_length=500, blank=True)
    option_speciality = models.CharField(
        "option ou spécialité (NOM_OPTION_SPECIALITE)", max_length=255, blank=True
    )
    award_mode = models.CharField(
        "mode d'obtention (MODE_OBTENTION)", max_length=15, choices=AwardMode.choices, blank=True
    )
    training_present = models.BooleanField(
        "formation suivie (PRESENCE_FORMATION)", null=True, blank=True
    )

    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    first_import = models.ForeignKey(
        "prevention.PreventionImport",
        verbose_name="fichier d'origine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déclarée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("déclarée le", default=timezone.now)

    deadline_from = models.DateField("date de départ du délai")
    declare_before = models.DateField("à déclarer avant le")
    late = models.BooleanField("déclarée en retard", default=False)

    class Meta:
        verbose_name = "déclaration de prévention"
        verbose_name_plural = "déclarations de prévention"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["declarant", "-created_at"], name="prev_decl_declarant"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["declarant", "declaration_id"],
                name="prev_decl_unique_id_declaration",
                violation_error_message="Ce déclarant a déjà une déclaration de cet identifiant.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="prev_decl_dates_in_order",
                violation_error_message="La fin de la formation ne précède pas son début.",
            ),
            models.CheckConstraint(
                condition=Q(kind=DeclarationKind.JDR) | (Q(jdr_type="") & Q(jdr_name="")),
                name="prev_decl_jdr_block_only_for_jdr",
                violation_error_message="Seul un justificatif de réussite a un bloc JDR.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DeclarationKind.ADF)
                | (Q(start_date__isnull=False) & Q(end_date__isnull=False) & ~Q(title="")),
                name="prev_decl_adf_has_training",
                violation_error_message="Une attestation de formation décrit la formation.",
            ),
            models.CheckConstraint(
                condition=Q(declare_before__gt=F("deadline_from")),
                name="prev_decl_deadline_after_start",
                violation_error_message="La date limite suit la date de départ du délai.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.declaration_id} — {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.jdr_name or self.title


class DeclarationLine(models.Model):
    """One trainee of a declaration: the official `ID_UNIQUE_PARTENAIRE`, unique per
    declarant **forever** (cancelled lines included: re-using one is a double
    declaration), the person it matched, and the `PreventionTraining` it created
    (`lineage`; corrections are new record versions of the same lineage).

    Verification (décret 2025-748): when a provider declares a training with
    `PRESENCE_EMPLOYEUR=OUI`, the employer may confirm it or ask for a correction until
    `review_deadline` (6 months after the end of the quarter); silence makes it deemed
    verified. Without employer, or when the employer itself declares, `review_status`
    is `not_applicable`."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    declaration = models.ForeignKey(
        Declaration, verbose_name="déclaration", on_delete=models.PROTECT, related_name="lines"
    )
    # Denormalised from the declaration for the uniqueness constraint. The three foreign
    # keys below have no index of their own: the unique (declarant, partner_unique_id) and
    # the (person, status) and (employer, review_status) indexes start with them.
    declarant = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="déclarant",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    partner_unique_id = models.CharField("ID_UNIQUE_PARTENAIRE", max_length=100)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="titulaire",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    birth_name = models.CharField("nom de naissance déclaré (NOM_TITULAIRE)", max_length=30)
    lineage = models.UUIDField("lignée de l'entrée du passeport", unique=True)

    employer_present = models.BooleanField("employeur à l'initiative (PRESENCE_EMPLOYEUR)")
    employer_siret = models.CharField("SIRET_EMPLOYEUR", max_length=14, blank=True)
    employer_reference = models.CharField("REFERENCE_EMPLOYEUR", max_length=255, blank=True)
    employer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="employeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    valid_from = models.DateField("début de validité (DATE_DEBUT_VALIDITE)")
    valid_until = models.DateField("fin de validité (DATE_FIN_VALIDITE)", null=True, blank=True)

    # JDR results.
    result = models.CharField("RESULTAT_OBTENU", max_length=255, blank=True)
    mention = models.CharField("MENTION_OBTENUE", max_length=255, blank=True)
    proof_url = models.URLField("LIEN_PREUVE", max_length=500, blank=True)
    proof_id = models.CharField("IDENTIFIANT_PREUVE", max_length=255, blank=True)

    status = models.CharField(
        "état", max_length=10, choices=LineStatus.choices, default=LineStatus.ACTIVE
    )
    # Digest of the declared values: the same line sent again is "already declared",
    # a different line under a known ID_UNIQUE_PARTENAIRE is a double declaration.
    row_digest = models.CharField("empreinte des valeurs déclarées", max_length=64)
    source_import = models.ForeignKey(
        "prevention.PreventionImport",
        verbose_name="fichier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_reference = models.CharField("référence de la source", max_length=255, blank=True)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    late = models.BooleanField("déclarée en retard", default=False)
    created_at = models.DateTimeField("déclarée le", default=timezone.now)

    review_status = models.CharField(
        "vérification par l'employeur",
        max_length=25,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_APPLICABLE,
    )
    review_deadline = models.DateField("à vérifier avant le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vérifiée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("vérifiée le", null=True, blank=True)

    class Meta:
        verbose_name = "stagiaire déclaré"
        verbose_name_plural = "stagiaires déclarés"
        ordering = ["declaration_id", "pk"]
        indexes = [
            models.Index(fields=["person", "status"], name="prev_line_person"),
            models.Index(fields=["employer", "review_status"], name="prev_line_employer_review"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["declarant", "partner_unique_id"],
                name="prev_line_unique_partner_id",
                violation_error_message=(
                    "Double déclaration : cet ID_UNIQUE_PARTENAIRE a déjà été déclaré."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(employer_present=True) & ~Q(employer_siret=""))
                | Q(employer_present=False, employer_siret="", employer_reference=""),
                name="prev_line_employer_presence",
                violation_error_message=(
                    "Un SIRET d'employeur est requis si et seulement si l'employeur est présent."
                ),
            ),
            models.CheckConstraint(
                condition=Q(employer_present=True) | Q(review_status=ReviewStatus.NOT_APPLICABLE),
                name="prev_line_review_needs_employer",
                violation_error_message="Sans employeur, il n'y a rien à vérifier.",
            ),
            models.CheckConstraint(
                condition=Q(review_status=ReviewStatus.NOT_APPLICABLE)
                | Q(review_deadline__isnull=False),
                name="prev_line_review_has_deadline",
                violation_error_message="Une vérification a une date limite.",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="prev_line_validity_in_order",
                violation_error_message="La fin de validité ne précède pas son début.",
            ),
        ]

    def __str__(self):
        return f"{self.partner_unique_id} ({self.get_status_display()})"


class PreventionImport(models.Model):
    """A file of ADF or JDR lines received from a declarant (portal upload or command),
    its progress while processed (counters read by the status page) and its outcome.
    The file is kept in `prevention_storage` (never in the database); line rejections
    are `ImportRejection` rows; the corrected file and the report are built from them
    and the stored file on download."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    declarant = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="déclarant",
        on_delete=models.PROTECT,
        related_name="+",
    )
    declarant_role = models.CharField(
        "qualité du déclarant", max_length=10, choices=DeclarantRole.choices
    )
    kind = models.CharField("type de fichier", max_length=3, choices=DeclarationKind.choices)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    file_name = models.CharField("nom du fichier", max_length=255)
    file_format = models.CharField("format", max_length=4, default="csv")
    sha256 = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("taille (octets)", default=0)
    source = models.FileField(
        "fichier reçu", storage=prevention_storage, upload_to=_upload_to, blank=True
    )
    status = models.CharField(
        "état", max_length=12, choices=ImportStatus.choices, default=ImportStatus.RECEIVED
    )
    total_count = models.PositiveIntegerField("lignes", default=0)
    processed_count = models.PositiveIntegerField("lignes traitées", default=0)
    accepted_count = models.PositiveIntegerField("lignes acceptées", default=0)
    duplicate_count = models.PositiveIntegerField("lignes déjà déclarées", default=0)
    rejected_count = models.PositiveIntegerField("lignes rejetées", default=0)
    error_message = models.TextField("motif du rejet du fichier", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("reçu le", default=timezone.now)
    started_at = models.DateTimeField("traitement commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("traité le", null=True, blank=True)
    # Who processes the file (a token per run) and its last sign of life, saved with each
    # batch: a run stopped by a restart is resumed where its last batch ended, and a run
    # that another has taken over cannot commit a batch any more (`importer`).
    worker = models.UUIDField("traitement en cours", null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField("dernier lot enregistré le", null=True, blank=True)

    class Meta:
        verbose_name = "import de déclarations de prévention"
        verbose_name_plural = "imports de déclarations de prévention"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["declarant", "-created_at"], name="prev_import_declarant")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    processed_count__gte=F("accepted_count")
                    + F("duplicate_count")
                    + F("rejected_count")
                ),
                name="prev_import_counts",
                violation_error_message=(
                    "Les lignes acceptées, déjà déclarées et rejetées ne dépassent pas les "
                    "lignes traitées."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.REJECTED) | ~Q(error_message=""),
                name="prev_import_rejected_has_reason",
                violation_error_message="Un fichier rejeté porte son motif.",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (ImportStatus.RECEIVED, ImportStatus.PROCESSING)

    @property
    def progress_percent(self) -> int:
        if not self.total_count:
            return 100 if not self.is_pending else 0
        return min(100, self.processed_count * 100 // self.total_count)


class ImportRejection(models.Model):
    """One reason a line of an import was rejected (a line may have several): the line
    number in the file (header = line 1), the column, the French reason."""

    source_import = models.ForeignKey(
        PreventionImport,
        verbose_name="import",
        on_delete=models.CASCADE,
        related_name="rejections",
    )
    line = models.PositiveIntegerField("ligne")
    column = models.CharField("colonne", max_length=40, blank=True)
    reason = models.TextField("motif")
    partner_unique_id = models.CharField("ID_UNIQUE_PARTENAIRE", max_length=100, blank=True)

    class Meta:
        verbose_name = "ligne rejetée"
        verbose_name_plural = "lignes rejetées"
        ordering = ["source_import_id", "line", "pk"]
        indexes = [models.Index(fields=["source_import", "line"], name="prev_rejection_line")]

    def __str__(self):
        return f"ligne {self.line}, {self.column} : {self.reason}"


class IdempotencyKey(models.Model):
    """The answer given to an API request carrying an `Idempotency-Key` header: the same
    key with the same body gets the same answer; with another body, a 409."""

    client = models.ForeignKey(
        "api.ApiClient", verbose_name="client d'API", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField("clé", max_length=255)
    request_digest = models.CharField("empreinte de la requête", max_length=64)
    status_code = models.PositiveSmallIntegerField("code de réponse")
    response = models.JSONField("réponse")
    created_at = models.DateTimeField("reçue le", auto_now_add=True)

    class Meta:
        verbose_name = "clé d'idempotence"
        verbose_name_plural = "clés d'idempotence"
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key"],
                name="prev_idempotency_unique_key",
                violation_error_message="Cette clé d'idempotence a déjà été utilisée.",
            )
        ]

    def __str__(self):
        return self.key
