"""Issuing verifiable credentials from guaranteed records (revoking them: `revocation.py`).

Every issuance allocates its own status-list index, is remembered (`Issuance`: record
lineage and version, format, kid, index, holder key thumbprint) and journaled. A
correction or cancellation of the record revokes what was issued from the old version
(`revocation.revoke_for_record`, called from the records' post_save signal in
`signals.py`); the new version is issuable anew.
"""

from __future__ import annotations

import dataclasses
import json
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.issuer import SDJWTIssuer

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.records.enums import Assurance, RecordStatus

from . import badges, claims, keys, statuslists
from .models import (
    Issuance,
    IssuanceChannel,
    IssuedFormat,
    KeyAlgorithm,
    StatusListFormat,
)

SD_JWT_MEDIA_TYPE = "application/dc+sd-jwt"
OPEN_BADGE_MEDIA_TYPE = "application/vc+ld+json"


@dataclasses.dataclass(frozen=True)
class IssuedFile:
    """A machine-readable credential ready to attach to a PDF or download."""

    filename: str  # "formation-3f2a9c1e.sd-jwt"
    media_type: str  # "application/dc+sd-jwt", "application/vc+ld+json" or "application/ld+json"
    content: bytes
    format: str  # "dc+sd-jwt" or "open-badge-3" (IssuedFormat)
    issuance_id: int | None = None  # the `Issuance` row, to revoke it with a document


class IssuanceError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sd_jwt_algorithm() -> str:
    return getattr(settings, "CREDENTIALS_SD_JWT_ALG", KeyAlgorithm.ES256)


def refusal(record) -> str | None:
    """Why `record` cannot be issued as a credential (French), or None."""
    if claims.kind_for(record) is None:
        return (
            "Seules les expériences professionnelles, diplômes, formations et formations en "
            "santé et sécurité au travail deviennent des attestations numériques."
        )
    if record.assurance != Assurance.GUARANTEED:
        return "Seule une donnée garantie devient une attestation numérique vérifiable."
    if record.status not in (RecordStatus.ACTIVE, RecordStatus.EXPIRED):
        return "Cette version a été corrigée ou annulée : seule la version en vigueur est émise."
    valid_until = getattr(record, "valid_until", None)
    if valid_until is not None and valid_until < timezone.localdate():
        # Its `exp` would be in the past: every verifier would refuse it at once.
        return (
            f"Cette entrée n'est plus valide depuis le {valid_until:%d/%m/%Y} : une "
            "attestation numérique émise aujourd'hui serait déjà expirée. Le document PDF "
            "qui la mentionne reste disponible."
        )
    return None


def _check(record):
    reason = refusal(record)
    if reason:
        raise IssuanceError(reason)
    return claims.kind_for(record)


def _new_issuance(record, fmt, channel, kid, status_list, index, now, thumbprint="") -> Issuance:
    """The row, unsaved: a batch inserts its rows in one statement."""
    return Issuance(
        person_id=record.person_id,
        record_type=record._meta.label,
        record_public_id=record.public_id,
        record_lineage=record.lineage,
        record_version=record.version,
        format=fmt,
        channel=channel,
        status_list=status_list,
        status_index=index,
        kid=kid,
        holder_key_thumbprint=thumbprint,
        issued_at=now,
        expires_at=claims.expiry(record),
    )


def _event(action: str, issuance: Issuance, actor: Actor, **extra) -> journal.Event:
    return journal.Event(
        actor=actor,
        action=action,
        object_type="credentials.Issuance",
        object_id=str(issuance.public_id),
        person_id=issuance.person_id,
        payload={
            "record_type": issuance.record_type,
            "lineage": str(issuance.record_lineage),
            "version": issuance.record_version,
            "format": issuance.format,
            "channel": issuance.channel,
            "kid": issuance.kid,
            "status_index": issuance.status_index,
            **extra,
        },
    )


def journal_issuance(action: str, issuance: Issuance, actor: Actor, **extra):
    journal.log(_event(action, issuance, actor, **extra))


@dataclasses.dataclass(frozen=True)
class Request:
    """One credential to issue: `record` as `format` (IssuedFormat), through `channel`;
    an SD-JWT VC is bound to `holder_jwk` (a public JWK) when given."""

    record: object
    format: str
    channel: str = IssuanceChannel.DOWNLOAD
    holder_jwk: dict | None = None


def issue_many(requests: list[Request], *, actor: Actor) -> list[tuple[Issuance, str | dict]]:
    """Every credential asked, in one transaction: (issuance, SD-JWT text or signed Open
    Badge) in the order asked. Refused as a whole (IssuanceError, JsonLdRefused) if one is.

    Each credential still has its own status index, its own `Issuance` row and its own
    journal entry; what a batch shares are the round trips: one allocation per format
    (UPDATE … RETURNING), one INSERT of the rows, one journal append (the chain head is
    locked once), one commit. On PostgreSQL round trips, not signatures, bound the rate."""
    kinds = [_check(request.record) for request in requests]
    if not requests:
        return []
    algorithm_of = {
        IssuedFormat.SD_JWT_VC: sd_jwt_algorithm(),
        IssuedFormat.OPEN_BADGE: KeyAlgorithm.EDDSA,
    }
    list_format = {
        IssuedFormat.SD_JWT_VC: StatusListFormat.TOKEN,
        IssuedFormat.OPEN_BADGE: StatusListFormat.BITSTRING,
    }
    signers = keys.signing_keys({algorithm_of[request.format] for request in requests})
    holder_keys = [_holder_key(request.holder_jwk) for request in requests]
    now = timezone.now()
    with transaction.atomic():
        slots: dict[str, list] = {}
        for fmt in dict.fromkeys(request.format for request in requests):
            count = sum(request.format == fmt for request in requests)
            status_list, indexes = statuslists.allocate_many(list_format[fmt], count)
            slots[fmt] = [(status_list, index) for index in reversed(indexes)]
        issuances = []
        for request, holder_key in zip(requests, holder_keys, strict=True):
            status_list, index = slots[request.format].pop()
            signer = signers[algorithm_of[request.format]]
            thumbprint = holder_key.thumbprint() if holder_key is not None else ""
            issuances.append(
                _new_issuance(
                    request.record,
                    request.format,
                    request.channel,
                    signer.kid,
                    status_list,
                    index,
                    now,
                    thumbprint,
                )
            )
        Issuance.objects.bulk_create(issuances)
        credentials = []
        for request, kind, issuance, holder_key in zip(
            requests, kinds, issuances, holder_keys, strict=True
        ):
            signer = signers[algorithm_of[request.format]]
            if request.format == IssuedFormat.SD_JWT_VC:
                credentials.append(_sd_jwt(request.record, kind, issuance, signer, holder_key))
            else:
                credentials.append(badges.signed(request.record, kind, issuance, signer))
        journal.append(_event("credential.issued", issuance, actor) for issuance in issuances)
    return list(zip(issuances, credentials, strict=True))


def _holder_key(holder_jwk: dict | None) -> JWK | None:
    if holder_jwk is None:
        return None
    return JWK(**{k: v for k, v in holder_jwk.items() if k not in {"d", "p", "q"}})


# --- SD-JWT VC -------------------------------------------------------------------------


class _Issuer(SDJWTIssuer):
    """The reference issuer, with decoy digests in the top-level `_sd` only: its own
    option also puts decoys inside `status` and `status_list`, which verifiers and
    wallets read as plain objects."""

    DECOYS = (2, 5)

    def _create_signed_jws(self):
        """The compact JWS signed with the issuer's `cryptography` key (a `SigningKey`):
        jwcrypto's JWS object deep-copies its header registry on each construction, two
        fifths of an SD-JWT's issuance."""
        header = {"alg": self._sign_alg, "typ": self.SD_JWT_HEADER, **self._extra_header_parameters}
        signing_input = (
            f"{statuslists.b64url(json.dumps(header).encode())}."
            f"{statuslists.b64url(json.dumps(self.sd_jwt_payload).encode())}"
        )
        signature = self._issuer_key.sign_jws(signing_input.encode())
        self.serialized_sd_jwt = f"{signing_input}.{statuslists.b64url(signature)}"

    def _assemble_sd_jwt_payload(self):
        super()._assemble_sd_jwt_payload()
        low, high = self.DECOYS
        decoys = [
            self._create_decoy_claim_entry() for _ in range(low + secrets.randbelow(high - low + 1))
        ]
        self.sd_jwt_payload["_sd"] = sorted([*self.sd_jwt_payload.get("_sd", []), *decoys])


def issue_sd_jwt(
    record,
    *,
    actor: Actor,
    holder_jwk: dict | None = None,
    channel: str = IssuanceChannel.DOWNLOAD,
) -> tuple[Issuance, str]:
    """An SD-JWT VC (`typ: dc+sd-jwt`) of `record`, every personal claim selectively
    disclosable with decoys, bound to `holder_jwk` (a public JWK) when given."""
    request = Request(record, IssuedFormat.SD_JWT_VC, channel, holder_jwk)
    return issue_many([request], actor=actor)[0]


def _sd_jwt(record, kind, issuance: Issuance, signer: keys.SigningKey, holder_key) -> str:
    payload = {
        "iss": keys.issuer_url(),
        "iat": int(issuance.issued_at.timestamp()),
        "vct": kind.vct,
        "status": {
            "status_list": {
                "idx": issuance.status_index,
                "uri": statuslists.url(issuance.status_list),
            }
        },
    }
    if issuance.expires_at:
        payload["exp"] = int(issuance.expires_at.timestamp())
    personal = {**claims.holder_claims(record.person), **kind.claims(record)}
    payload.update({SDObj(name): value for name, value in personal.items()})
    issuer = _Issuer(
        payload,
        signer,
        holder_key=holder_key,
        sign_alg=signer.algorithm,
        extra_header_parameters={"typ": "dc+sd-jwt", "kid": signer.kid},
    )
    return issuer.sd_jwt_issuance


# --- Open Badges 3.0 -------------------------------------------------------------------


def issue_open_badge(
    record, *, actor: Actor, channel: str = IssuanceChannel.DOWNLOAD
) -> tuple[Issuance, dict]:
    """An Open Badges 3.0 credential of `record` with an eddsa-rdfc-2022 proof; refused
    (jsonld.JsonLdRefused) if any term is not defined by the pinned contexts."""
    return issue_many([Request(record, IssuedFormat.OPEN_BADGE, channel)], actor=actor)[0]


# --- For documents (PDF attachments) and downloads -------------------------------------


def credentials_for(record, *, actor: Actor, channel=IssuanceChannel.DOCUMENT) -> list[IssuedFile]:
    """Both credentials of a guaranteed record as files; [] when the record is not
    issuable (declared, superseded, another kind)."""
    return credentials_for_many([record], actor=actor, channel=channel)[0]


def credentials_for_many(
    records, *, actor: Actor, channel=IssuanceChannel.DOCUMENT
) -> list[list[IssuedFile]]:
    """`credentials_for` of each record, all issued in one transaction (`issue_many`): a
    document with several entries pays the round trips once."""
    records = list(records)
    issuable = [record for record in records if not refusal(record)]
    issued = iter(
        issue_many(
            [
                Request(record, fmt, channel)
                for record in issuable
                for fmt in (IssuedFormat.SD_JWT_VC, IssuedFormat.OPEN_BADGE)
            ],
            actor=actor,
        )
    )
    files = []
    for record in records:
        if refusal(record):
            files.append([])
            continue
        stem = f"{claims.kind_for(record).slug}-{str(record.public_id)[:8]}"
        (sd_jwt_issuance, sd_jwt), (badge_issuance, badge) = next(issued), next(issued)
        files.append(
            [
                IssuedFile(
                    f"{stem}.sd-jwt",
                    SD_JWT_MEDIA_TYPE,
                    sd_jwt.encode(),
                    IssuedFormat.SD_JWT_VC,
                    sd_jwt_issuance.pk,
                ),
                IssuedFile(
                    f"{stem}.vc.jsonld",
                    OPEN_BADGE_MEDIA_TYPE,
                    json.dumps(badge, ensure_ascii=False, indent=2).encode(),
                    IssuedFormat.OPEN_BADGE,
                    badge_issuance.pk,
                ),
            ]
        )
    return files


def issued_for(person, *, record=None):
    """The holder's issuances, newest first (of one record's lineage when given)."""
    queryset = Issuance.objects.filter(person=person)
    if record is not None:
        queryset = queryset.filter(record_type=record._meta.label, record_lineage=record.lineage)
    return queryset.order_by("-issued_at", "-pk")
