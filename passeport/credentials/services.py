"""Issuing verifiable credentials from guaranteed records, and revoking them.

Every issuance allocates its own status-list index, is remembered (`Issuance`: record
lineage and version, format, kid, index, holder key thumbprint) and journaled. A
correction or cancellation of the record revokes what was issued from the old version
(`revoke_for_record`, called from the records' post_save signal in `signals.py`); the
new version is issuable anew.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import json
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.issuer import SDJWTIssuer

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.records.enums import Assurance, RecordStatus

from . import claims, jsonld, keys, statuslists
from .models import (
    Issuance,
    IssuanceChannel,
    IssuanceState,
    IssuedFormat,
    KeyAlgorithm,
    StatusList,
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


def _journal(action: str, issuance: Issuance, actor: Actor, **extra):
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
                credentials.append(_open_badge(request.record, kind, issuance, signer))
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


def subject_id(person) -> str:
    """The holder in Open Badges: a pseudonymous URN per person (never the NIR), the same
    across credentials so that a reader can tell they name one holder."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"credentials-subject:{person.public_id}".encode(), "sha256"
    ).digest()
    return f"urn:uuid:{uuid.UUID(bytes=digest[:16], version=4)}"


def _name_identifier(person) -> dict:
    """The holder's name as a salted hash (Open Badges IdentityObject): whoever knows the
    name can check it, nobody can read it."""
    salt = secrets.token_hex(8)
    name = f"{person.first_names} {person.birth_name}".strip()
    return {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": True,
        "identityHash": "sha256$" + hashlib.sha256(f"{name}{salt}".encode()).hexdigest(),
        "salt": salt,
    }


def _xsd(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status_entries(status_list: StatusList, index: int) -> list[dict]:
    entries = []
    for purpose_list in (status_list, status_list.twin):
        list_url = statuslists.url(purpose_list)
        entries.append(
            {
                "id": f"{list_url}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose_list.purpose,
                "statusListIndex": str(index),
                "statusListCredential": list_url,
            }
        )
    return entries


def open_badge_document(record, kind, issuance: Issuance, status_list: StatusList) -> dict:
    achievement_type, name, description, extra_subject = kind.achievement(record)
    achievement = {
        "id": claims.achievement_id(kind, record),
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": name,
        "description": description,
        "criteria": {"narrative": description},
    }
    if getattr(record, "code", ""):
        achievement["humanCode"] = record.code
    creator = claims.organisation_profile(record)
    if creator:
        achievement["creator"] = creator
    subject = {
        "id": subject_id(record.person),
        "type": ["AchievementSubject"],
        "identifier": [_name_identifier(record.person)],
        "achievement": achievement,
        **extra_subject,
    }
    start = getattr(record, "start_date", None) or getattr(record, "awarded_on", None)
    end = getattr(record, "end_date", None)
    if start:
        subject["activityStartDate"] = start.isoformat()
    if end:
        subject["activityEndDate"] = end.isoformat()
    document = {
        "@context": [jsonld.VC_V2, jsonld.OB_V3],
        "id": f"urn:uuid:{issuance.public_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {
            "id": keys.issuer_did(),
            "type": ["Profile"],
            "name": getattr(settings, "CREDENTIALS_ISSUER_NAME", "Passeport de compétences"),
            "url": keys.issuer_url() + "/",
        },
        "validFrom": _xsd(issuance.issued_at),
        "credentialSubject": subject,
        "credentialStatus": _status_entries(status_list, issuance.status_index),
    }
    if issuance.expires_at:
        document["validUntil"] = _xsd(issuance.expires_at)
    return document


def issue_open_badge(
    record, *, actor: Actor, channel: str = IssuanceChannel.DOWNLOAD
) -> tuple[Issuance, dict]:
    """An Open Badges 3.0 credential of `record` with an eddsa-rdfc-2022 proof; refused
    (jsonld.JsonLdRefused) if any term is not defined by the pinned contexts."""
    return issue_many([Request(record, IssuedFormat.OPEN_BADGE, channel)], actor=actor)[0]


def _open_badge(record, kind, issuance: Issuance, signer: keys.SigningKey) -> dict:
    document = open_badge_document(record, kind, issuance, issuance.status_list)
    return jsonld.sign(
        document,
        private_key=signer.private_key,
        verification_method=keys.verification_method_id(signer.kid),
        created=_xsd(issuance.issued_at),
    )


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


# --- Status ----------------------------------------------------------------------------


def _set_state(issuance: Issuance, state: str, actor: Actor, reason: str) -> None:
    status_list = issuance.status_list
    if issuance.format == IssuedFormat.SD_JWT_VC:
        value = {
            IssuanceState.VALID: statuslists.TOKEN_VALID,
            IssuanceState.REVOKED: statuslists.TOKEN_INVALID,
            IssuanceState.SUSPENDED: statuslists.TOKEN_SUSPENDED,
        }[state]
        statuslists.set_value(status_list, issuance.status_index, value)
    else:
        revoked = state == IssuanceState.REVOKED
        suspended = state == IssuanceState.SUSPENDED
        statuslists.set_value(status_list, issuance.status_index, int(revoked))
        statuslists.set_value(status_list.twin, issuance.status_index, int(suspended))
    issuance.state, issuance.state_changed_at, issuance.state_reason = (
        state,
        timezone.now(),
        reason[:255],
    )
    issuance.save(update_fields=["state", "state_changed_at", "state_reason"])
    _journal(f"credential.{state}", issuance, actor, reason=reason)


@transaction.atomic
def revoke(issuance: Issuance, *, actor: Actor, reason: str) -> bool:
    """Revokes for good (False when it already was)."""
    issuance = Issuance.objects.select_related("status_list__twin").get(pk=issuance.pk)
    if issuance.state == IssuanceState.REVOKED:
        return False
    _set_state(issuance, IssuanceState.REVOKED, actor, reason)
    return True


@transaction.atomic
def suspend(issuance: Issuance, *, actor: Actor, reason: str) -> bool:
    issuance = Issuance.objects.select_related("status_list__twin").get(pk=issuance.pk)
    if issuance.state != IssuanceState.VALID:
        return False
    _set_state(issuance, IssuanceState.SUSPENDED, actor, reason)
    return True


@transaction.atomic
def reinstate(issuance: Issuance, *, actor: Actor, reason: str) -> bool:
    """Lifts a suspension (a revocation is final)."""
    issuance = Issuance.objects.select_related("status_list__twin").get(pk=issuance.pk)
    if issuance.state != IssuanceState.SUSPENDED:
        return False
    _set_state(issuance, IssuanceState.VALID, actor, reason)
    return True


REVOKED_BY_RECORD = "L'entrée d'origine a été corrigée ou annulée"


@transaction.atomic
def revoke_for_record(record, *, actor: Actor | None = None, reason: str = "") -> int:
    """Revokes every credential issued from this version of `record`; returns how many."""
    return revoke_all(
        Issuance.objects.filter(
            record_type=record._meta.label,
            record_lineage=record.lineage,
            record_version=record.version,
        ),
        actor=actor or Actor.system("credentials"),
        reason=reason or REVOKED_BY_RECORD,
    )


@transaction.atomic
def revoke_all(issuances, *, actor: Actor, reason: str) -> int:
    """Revokes every valid or suspended issuance of the queryset; returns how many."""
    count = 0
    for issuance in issuances.select_related("status_list__twin").filter(
        state__in=[IssuanceState.VALID, IssuanceState.SUSPENDED]
    ):
        _set_state(issuance, IssuanceState.REVOKED, actor, reason)
        count += 1
    return count


def issued_for(person, *, record=None):
    """The holder's issuances, newest first (of one record's lineage when given)."""
    queryset = Issuance.objects.filter(person=person)
    if record is not None:
        queryset = queryset.filter(record_type=record._meta.label, record_lineage=record.lineage)
    return queryset.order_by("-issued_at", "-pk")
