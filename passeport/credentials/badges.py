"""The Open Badges 3.0 document of a record (`OpenBadgeCredential`, VC data model 2.0)
and its eddsa-rdfc-2022 proof; `services.issue_many` allocates and journals."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import uuid

from django.conf import settings

from . import claims, jsonld, keys, statuslists
from .models import Issuance, StatusList


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


def signed(record, kind, issuance: Issuance, signer: keys.SigningKey) -> dict:
    document = open_badge_document(record, kind, issuance, issuance.status_list)
    return jsonld.sign(
        document,
        private_key=signer.private_key,
        verification_method=keys.verification_method_id(signer.kid),
        created=_xsd(issuance.issued_at),
    )
