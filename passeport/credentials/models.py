"""Issuer keys, status lists, what was issued, and OpenID4VCI offers.

Credentials are derived from records, never the source of truth: an `Issuance` remembers
which record version a credential came from and where its status bits live, so that a
correction or a cancellation of the record revokes it.
"""

import uuid

from django.db import models
from django.db.models import Q


class KeyAlgorithm(models.TextChoices):
    EDDSA = "EdDSA", "Ed25519 (EdDSA)"
    ES256 = "ES256", "P-256 (ES256)"


class KeySource(models.TextChoices):
    GENERATED = "generated", "Générée par le service (chiffrée en base)"
    CONFIGURED = "configured", "Fournie par la configuration (fichier ou environnement)"


class IssuerKey(models.Model):
    """One signing key. Only active keys sign; every key stays published (JWKS, did:web)
    with its validity, so that what it signed before a rotation still verifies."""

    kid = models.CharField("identifiant (kid)", max_length=80, unique=True)
    algorithm = models.CharField("algorithme", max_length=8, choices=KeyAlgorithm.choices)
    public_jwk = models.JSONField("clé publique (JWK)")
    # Fernet token of the private JWK; empty for configured keys, whose private half
    # never leaves the configuration.
    private_key_encrypted = models.TextField("clé privée chiffrée", blank=True, editable=False)
    source = models.CharField("origine", max_length=12, choices=KeySource.choices)
    not_before = models.DateTimeField("signe à partir du")
    not_after = models.DateTimeField("a signé jusqu'au", null=True, blank=True)
    active = models.BooleanField("signe les nouvelles attestations", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "clé d'émission"
        verbose_name_plural = "clés d'émission"
        ordering = ["algorithm", "-not_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["algorithm"],
                condition=Q(active=True),
                name="issuer_key_one_active_per_algorithm",
                violation_error_message="Une seule clé active par algorithme.",
            ),
        ]

    def __str__(self):
        return f"{self.kid} ({self.algorithm})"


class StatusListFormat(models.TextChoices):
    TOKEN = "token", "IETF Token Status List (SD-JWT VC)"
    BITSTRING = "bitstring", "W3C Bitstring Status List (Open Badges 3.0)"


class StatusPurpose(models.TextChoices):
    # A token status list carries both in its two-bit values.
    STATUS = "status", "Validité, révocation et suspension"
    REVOCATION = "revocation", "Révocation"
    SUSPENSION = "suspension", "Suspension"


class StatusList(models.Model):
    """A published bit array. Its URL (public_id) and layout are a public contract: an
    entry's index never moves, and lists are never deleted."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    format = models.CharField("format", max_length=10, choices=StatusListFormat.choices)
    purpose = models.CharField("usage", max_length=10, choices=StatusPurpose.choices)
    size = models.PositiveIntegerField("nombre d'entrées")
    bits = models.PositiveSmallIntegerField("bits par entrée")
    data = models.BinaryField("bits (non compressés)")
    allocated = models.PositiveIntegerField("entrées attribuées", default=0)
    # Indexes are handed out as (multiplier × n + offset) mod size, a permutation: a
    # credential's index tells nothing of when it was issued (herd privacy).
    multiplier = models.PositiveIntegerField("multiplicateur")
    offset = models.PositiveIntegerField("décalage")
    # A bitstring revocation list and its suspension twin share their indexes.
    twin = models.OneToOneField(
        "self",
        verbose_name="liste de suspension jumelle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revocation_list",
    )
    changed_at = models.DateTimeField("modifiée le")
    # The signed document served at the list's URL, rebuilt when the bits change.
    signed = models.TextField("document signé", blank=True, editable=False)
    signed_at = models.DateTimeField("signé le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "liste de statuts"
        verbose_name_plural = "listes de statuts"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allocated__lte=models.F("size")),
                name="status_list_not_overfull",
                violation_error_message="La liste de statuts est pleine.",
            ),
        ]

    def __str__(self):
        return f"{self.get_format_display()} {self.public_id} ({self.purpose})"


class IssuedFormat(models.TextChoices):
    SD_JWT_VC = "dc+sd-jwt", "SD-JWT VC"
    OPEN_BADGE = "open-badge-3", "Open Badges 3.0"


class IssuanceChannel(models.TextChoices):
    DOWNLOAD = "download", "Téléchargement"
    WALLET = "wallet", "Portefeuille (OpenID4VCI)"
    DOCUMENT = "document", "Joint à un document PDF"


class IssuanceState(models.TextChoices):
    VALID = "valid", "Valide"
    SUSPENDED = "suspended", "Suspendue"
    REVOKED = "revoked", "Révoquée"


class Issuance(models.Model):
    """One credential issued from one record version."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    record_type = models.CharField("type d'entrée", max_length=60)  # "records.Training"
    record_public_id = models.UUIDField("entrée (version)")
    record_lineage = models.UUIDField("lignée de l'entrée")
    record_version = models.PositiveIntegerField("version de l'entrée")
    format = models.CharField("format", max_length=14, choices=IssuedFormat.choices)
    channel = models.CharField("canal", max_length=10, choices=IssuanceChannel.choices)
    status_list = models.ForeignKey(
        StatusList, verbose_name="liste de statuts", on_delete=models.PROTECT, related_name="+"
    )
    status_index = models.PositiveIntegerField("index dans la liste")
    kid = models.CharField("clé de signature (kid)", max_length=80)
    holder_key_thumbprint = models.CharField(
        "empreinte de la clé du portefeuille", max_length=64, blank=True
    )
    issued_at = models.DateTimeField("émise le")
    expires_at = models.DateTimeField("expire le", null=True, blank=True)
    state = models.CharField(
        "état", max_length=10, choices=IssuanceState.choices, default=IssuanceState.VALID
    )
    state_changed_at = models.DateTimeField("état changé le", null=True, blank=True)
    state_reason = models.CharField("motif", max_length=255, blank=True)

    class Meta:
        verbose_name = "attestation émise"
        verbose_name_plural = "attestations émises"
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["record_type", "record_lineage"], name="issuance_record"),
            models.Index(fields=["person", "-issued_at"], name="issuance_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"],
                name="issuance_status_index_once",
                violation_error_message="Cet index de statut est déjà attribué.",
            ),
        ]

    def __str__(self):
        return f"{self.get_format_display()} {self.public_id}"


class CredentialOffer(models.Model):
    """An OpenID4VCI pre-authorized code offer for one record, then the access token it
    was exchanged for. Codes and tokens are stored hashed and used once."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.CASCADE, related_name="+"
    )
    record_type = models.CharField("type d'entrée", max_length=60)
    record_public_id = models.UUIDField("entrée (version)")
    configuration_id = models.CharField("configuration d'attestation", max_length=80)
    code_hash = models.CharField("empreinte du code", max_length=64, unique=True)
    tx_code_hash = models.CharField("empreinte du code de transaction", max_length=64, blank=True)
    tx_code_failures = models.PositiveSmallIntegerField("codes de transaction erronés", default=0)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    code_used_at = models.DateTimeField("code utilisé le", null=True, blank=True)
    token_hash = models.CharField(
        "empreinte du jeton d'accès", max_length=64, unique=True, null=True, blank=True
    )
    token_expires_at = models.DateTimeField("jeton valable jusqu'au", null=True, blank=True)
    token_used_at = models.DateTimeField("jeton utilisé le", null=True, blank=True)
    issuance = models.OneToOneField(
        Issuance,
        verbose_name="attestation émise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offer",
    )

    class Meta:
        verbose_name = "offre d'attestation (OpenID4VCI)"
        verbose_name_plural = "offres d'attestation (OpenID4VCI)"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Offre {self.public_id}"

    @property
    def state(self) -> str:
        """received, expired (or burnt) or pending."""
        from django.utils import timezone

        if self.issuance_id:
            return "received"
        now = timezone.now()
        if self.code_used_at and not self.token_hash:
            return "expired"
        if self.token_expires_at and self.token_expires_at <= now:
            return "expired"
        if not self.code_used_at and self.expires_at <= now:
            return "expired"
        return "pending"


class ProofNonce(models.Model):
    """A c_nonce from the nonce endpoint: a wallet signs it in its key proof, once."""

    nonce_hash = models.CharField("empreinte", max_length=64, unique=True)
    expires_at = models.DateTimeField("expire le")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "nonce de preuve (OpenID4VCI)"
        verbose_name_plural = "nonces de preuve (OpenID4VCI)"

    def __str__(self):
        return f"Nonce {self.pk}"


class PresentationRequester(models.TextChoices):
    VERIFIER = "verifier", "Vérificateur public"
    SHARE_LINK = "share_link", "Destinataire d'un lien de partage"


class PresentationStatus(models.TextChoices):
    PENDING = "pending", "En attente du portefeuille"
    VERIFIED = "verified", "Présentation vérifiée"
    REFUSED = "refused", "Présentation refusée"
    DECLINED = "declined", "Refusée par le titulaire"


class PresentationRequest(models.Model):
    """An OpenID4VP request shown as a QR code to a holder, and its one answer.

    Kept only as long as needed: the nonce and state the wallet must echo, what was asked
    (credential type, claims), and once answered, the checks and the asked claims that
    were disclosed (never the presentation itself). `purge_presentation_requests` deletes
    rows past their expiry or retention."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    requester = models.CharField("demandeur", max_length=12, choices=PresentationRequester.choices)
    share_link = models.ForeignKey(
        "sharing.ShareLink",
        verbose_name="lien de partage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    credential_kind = models.CharField("type d'attestation demandé", max_length=20)
    claims = models.JSONField("informations demandées")  # claim names, required first
    required_count = models.PositiveSmallIntegerField("informations obligatoires")
    # A share link's recipient asks for one shared entry: its title pins the query.
    entry_title = models.CharField("intitulé attendu", max_length=255, blank=True)
    nonce = models.CharField("nonce", max_length=64)
    oauth_state = models.CharField("state", max_length=64)
    status = models.CharField(
        "état",
        max_length=10,
        choices=PresentationStatus.choices,
        default=PresentationStatus.PENDING,
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    fetched_at = models.DateTimeField("lue par le portefeuille le", null=True, blank=True)
    answered_at = models.DateTimeField("réponse reçue le", null=True, blank=True)
    result = models.JSONField("vérifications", null=True, blank=True)

    class Meta:
        verbose_name = "demande de présentation (OpenID4VP)"
        verbose_name_plural = "demandes de présentation (OpenID4VP)"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="presentation_expires")]

    def __str__(self):
        return f"Demande de présentation {self.public_id}"
