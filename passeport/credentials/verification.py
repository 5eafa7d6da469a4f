"""Checking what this service issued: SD-JWT VC (and presentations) and Open Badges 3.0.

Each function answers a `Verdict`: a list of checks in plain French, valid only when
all hold. The issuer must be one of our published keys (any age: a rotation does not
invalidate what was signed before, but a date outside the key's signing period does);
the status comes from our own status lists, read from the database.

One module on purpose, though slightly longer than the house's ~400 lines: both formats
share the checks of key, period and status, and answer the same verdicts.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from django.utils import timezone
from jwcrypto.common import JWException
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS
from sd_jwt.verifier import SDJWTVerifier

from . import claims, jsonld, keys, statuslists
from .models import IssuerKey, KeyAlgorithm, StatusListFormat
from .verdict import Verdict

# Clock skew tolerated between our servers and a holder's device.
SKEW = datetime.timedelta(minutes=5)
KB_MAX_AGE = datetime.timedelta(minutes=10)


def _day(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def _last_day(end: datetime.datetime) -> str:
    """The last day of a validity ending at `end` (an end at midnight ends the day before)."""
    return _day(end - datetime.timedelta(seconds=1))


def _b64json(part: str) -> dict:
    value = json.loads(statuslists.b64url_decode(part))
    if not isinstance(value, dict):
        raise ValueError
    return value


def _key_detail(key: IssuerKey) -> str:
    algorithm = "Ed25519" if key.algorithm == KeyAlgorithm.EDDSA else "P-256"
    detail = f"Clé {algorithm} « {key.kid} » publiée depuis le {_day(key.not_before)}"
    if key.not_after:
        detail += f", retirée le {_day(key.not_after)}"
    return detail


def _check_issuer(verdict: Verdict, key: IssuerKey | None, signed_at, label_kid: str) -> bool:
    if key is None:
        return verdict.add(
            "issuer",
            "Émis par ce service",
            False,
            f"La clé « {label_kid or 'sans identifiant'} » n'est pas une clé de ce service : "
            "document émis par un tiers.",
        )
    verdict.key_id = key.kid
    if signed_at is not None and (
        signed_at < key.not_before - SKEW or (key.not_after and signed_at > key.not_after + SKEW)
    ):
        return verdict.add(
            "issuer",
            "Émis par ce service",
            False,
            f"{_key_detail(key)} : la date d'émission ({_day(signed_at)}) est hors de sa "
            "période de signature.",
        )
    return verdict.add("issuer", "Émis par ce service", True, _key_detail(key))


def status_list_id(url: str) -> uuid.UUID | None:
    """The public id of one of our status lists named by `url` (not read: `lookup` reads
    the entry itself), or None."""
    if not isinstance(url, str) or not url.startswith(keys.issuer_url() + "/"):
        return None
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name != "credentials:status_list":
        return None
    return match.kwargs["public_id"]


def _expiry(verdict: Verdict, not_after, not_before, now) -> None:
    if not_before is not None and not_before > now + SKEW:
        verdict.add(
            "expiry", "Non expiré", False, f"Valable seulement à partir du {_day(not_before)}."
        )
    elif not_after is not None and not_after <= now:
        verdict.add(
            "expiry", "Non expiré", False, f"Expiré : valable jusqu'au {_last_day(not_after)}."
        )
    elif not_after is not None:
        verdict.add("expiry", "Non expiré", True, f"Valable jusqu'au {_last_day(not_after)}.")
    else:
        verdict.add("expiry", "Non expiré", True, "Sans date de fin de validité.")


def _timestamp(value) -> datetime.datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, datetime.UTC)
    return None


# --- SD-JWT VC -------------------------------------------------------------------------


def _collect_digests(value, found: list[str]) -> None:
    if isinstance(value, dict):
        found.extend(d for d in value.get("_sd", []) if isinstance(d, str))
        if len(value) == 1 and isinstance(value.get("..."), str):
            found.append(value["..."])
        for item in value.values():
            _collect_digests(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_digests(item, found)


def _verify_key_binding(verdict, kb_jwt, payload, presented, expected_aud, nonce, now) -> None:
    label = "Présenté par son titulaire"
    holder_jwk = (payload.get("cnf") or {}).get("jwk")
    if not kb_jwt:
        if expected_aud or nonce:
            verdict.add("holder_binding", label, False, "Aucune preuve de détention (KB-JWT).")
        return
    if not holder_jwk:
        verdict.add("holder_binding", label, False, "L'attestation n'est liée à aucune clé.")
        return
    try:
        header = _b64json(kb_jwt.split(".")[0])
        jws = JWS()
        jws.deserialize(kb_jwt)
        jws.verify(JWK(**holder_jwk), alg=header.get("alg"))
        kb = json.loads(jws.payload)
    except (JWException, ValueError, TypeError, KeyError):
        verdict.add("holder_binding", label, False, "Preuve de détention invalide (signature).")
        return
    expected_hash = statuslists.b64url(hashlib.sha256(presented.encode("ascii")).digest())
    issued = _timestamp(kb.get("iat"))
    problems = []
    if header.get("typ") != "kb+jwt":
        problems.append("type d'en-tête inattendu")
    if kb.get("sd_hash") != expected_hash:
        problems.append("elle ne porte pas sur cette présentation")
    if issued is None or abs(now - issued) > KB_MAX_AGE:
        problems.append("elle n'est pas récente")
    if expected_aud and kb.get("aud") != expected_aud:
        problems.append("destinataire inattendu")
    if nonce and kb.get("nonce") != nonce:
        problems.append("nonce inattendu")
    if problems:
        verdict.add(
            "holder_binding",
            label,
            False,
            "Preuve de détention refusée : " + ", ".join(problems) + ".",
        )
    else:
        verdict.add(
            "holder_binding", label, True, "Preuve de détention signée par la clé du portefeuille."
        )


def verify_sd_jwt(text: str, *, expected_aud=None, nonce=None, at=None) -> Verdict:
    verdict = Verdict(kind="sd-jwt-vc")
    now = at or timezone.now()
    text = (text or "").strip()
    parts = text.split("~")
    if len(parts) < 2 or text.count(".") < 2:
        verdict.add(
            "format",
            "Format SD-JWT VC",
            False,
            "Ce texte n'est pas un SD-JWT (jeton~divulgations~).",
        )
        return verdict
    issuer_jwt, disclosures, kb_jwt = parts[0], parts[1:-1], parts[-1]
    try:
        header = _b64json(issuer_jwt.split(".")[0])
        unverified = _b64json(issuer_jwt.split(".")[1])
    except (ValueError, IndexError):
        verdict.add("format", "Format SD-JWT VC", False, "En-tête ou contenu illisible.")
        return verdict
    if header.get("typ") != "dc+sd-jwt":
        verdict.add(
            "format",
            "Format SD-JWT VC",
            False,
            f"Type « {header.get('typ')} » inattendu (dc+sd-jwt).",
        )
        return verdict
    verdict.add("format", "Format SD-JWT VC", True, "Jeton dc+sd-jwt.")

    key = keys.find_key(header.get("kid", ""))
    signed_at = _timestamp(unverified.get("iat"))
    if not _check_issuer(verdict, key, signed_at, header.get("kid", "")):
        return verdict
    if unverified.get("iss") != keys.issuer_url():
        verdict.add(
            "issuer", "Émis par ce service", False, "L'émetteur déclaré (iss) n'est pas ce service."
        )
        return verdict

    # Signature and disclosures: the reference implementation checks the signature and
    # replaces digests by the disclosed values; it does not refuse a disclosure no digest
    # refers to, nor check dates, status or key binding: done below.
    try:
        verifier = SDJWTVerifier(
            "~".join([issuer_jwt, *disclosures, ""]),
            lambda issuer, header_: keys.public_jwk(key),
        )
        disclosed_payload = verifier.get_verified_payload()
    except (JWException, ValueError, TypeError, KeyError) as error:
        if isinstance(error, JWException):
            detail = "Signature invalide : le contenu a été modifié, ou signé par une autre clé."
        else:
            detail = f"Divulgation invalide : {error}."
        verdict.add("integrity", "Non modifié", False, detail)
        return verdict
    if header.get("alg") != key.algorithm:
        verdict.add("integrity", "Non modifié", False, "Algorithme de signature inattendu.")
        return verdict
    payload = verifier._sd_jwt_payload
    referenced: list[str] = []
    _collect_digests(payload, referenced)
    unreferenced = set(verifier._hash_to_disclosure) - set(referenced)
    if unreferenced:
        verdict.add(
            "integrity",
            "Non modifié",
            False,
            "Une information ajoutée n'est pas couverte par la signature.",
        )
        return verdict
    verdict.add("integrity", "Non modifié", True, f"Signature {key.algorithm} valide.")

    hidden = {"iss", "iat", "exp", "nbf", "vct", "status", "cnf", "_sd_alg"}
    verdict.claims = {k: v for k, v in disclosed_payload.items() if k not in hidden}
    verdict.disclosed = sorted(verdict.claims)
    kind = next((k for k in claims.KINDS.values() if k.vct == payload.get("vct")), None)
    verdict.add(
        "disclosures",
        "Informations dévoilées",
        kind is not None,
        (f"{kind.name} : " if kind else "Type d'attestation inconnu. ")
        + f"{len(verdict.disclosed)} information(s) dévoilée(s), "
        "toutes couvertes par la signature.",
    )

    reference = (payload.get("status") or {}).get("status_list") or {}
    list_id = status_list_id(reference.get("uri"))
    index = reference.get("idx")
    entry = statuslists.lookup([list_id], index).get(list_id) if list_id else None
    if entry is None or entry.status_list.format != StatusListFormat.TOKEN:
        verdict.add(
            "status", "Non révoqué ni suspendu", False, "Liste de statuts inconnue de ce service."
        )
    else:
        _status_check(
            verdict,
            {statuslists.TOKEN_INVALID: "revoked", statuslists.TOKEN_SUSPENDED: "suspended"}.get(
                entry.value, "valid" if entry.value == 0 else "unknown"
            ),
        )

    _expiry(verdict, _timestamp(payload.get("exp")), _timestamp(payload.get("nbf")), now)
    _verify_key_binding(
        verdict, kb_jwt, payload, "~".join([issuer_jwt, *disclosures, ""]), expected_aud, nonce, now
    )
    return verdict


def _status_check(verdict: Verdict, state: str) -> None:
    label = "Non révoqué ni suspendu"
    messages = {
        "valid": (True, "Statut vérifié dans la liste de statuts publiée par ce service."),
        "revoked": (
            False,
            "Révoqué : l'entrée d'origine a été corrigée ou annulée, ou le titulaire l'a révoqué.",
        ),
        "suspended": (False, "Suspendu par ce service."),
        "unknown": (False, "Index absent de la liste de statuts."),
    }
    ok, detail = messages[state]
    verdict.add("status", label, ok, detail)


# --- Open Badges 3.0 -------------------------------------------------------------------


def _xsd_datetime(value) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def verify_open_badge(document: dict | str, *, at=None) -> Verdict:
    verdict = Verdict(kind="open-badge-3")
    now = at or timezone.now()
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except ValueError:
            document = None
    types = document.get("type", []) if isinstance(document, dict) else []
    if not isinstance(document, dict) or "OpenBadgeCredential" not in types:
        verdict.add(
            "format",
            "Format Open Badges 3.0",
            False,
            "Ce document n'est pas un OpenBadgeCredential.",
        )
        return verdict
    verdict.add(
        "format", "Format Open Badges 3.0", True, "Credential W3C VC 2.0, OpenBadgeCredential."
    )

    try:
        proof = jsonld.proof_of(document)
    except jsonld.JsonLdRefused as error:
        verdict.add("integrity", "Non modifié", False, error.message)
        return verdict
    method = proof.get("verificationMethod", "")
    did = keys.issuer_did()
    kid = (
        method.removeprefix(did + "#")
        if isinstance(method, str) and method.startswith(did + "#")
        else ""
    )
    key = keys.find_key(kid)
    if key is not None and key.algorithm != KeyAlgorithm.EDDSA:
        key = None
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not _check_issuer(verdict, key, _xsd_datetime(proof.get("created")), kid or str(method)):
        return verdict
    if issuer_id != did:
        verdict.add(
            "issuer", "Émis par ce service", False, "L'émetteur déclaré n'est pas ce service."
        )
        return verdict

    try:
        ok = jsonld.verify(document, public_key=keys.public_jwk(key).get_op_key("verify"))
    except jsonld.JsonLdRefused as error:
        verdict.add("integrity", "Non modifié", False, error.message)
        return verdict
    if not ok:
        verdict.add(
            "integrity",
            "Non modifié",
            False,
            "Signature invalide : le contenu a été modifié, ou signé par une autre clé.",
        )
        return verdict
    verdict.add(
        "integrity", "Non modifié", True, "Preuve eddsa-rdfc-2022 valide (contextes épinglés)."
    )

    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {} if isinstance(subject, dict) else {}
    verdict.claims = {
        "name": document.get("name"),
        "achievement": achievement.get("name"),
        "achievementType": achievement.get("achievementType"),
        "validFrom": document.get("validFrom"),
        "validUntil": document.get("validUntil"),
    }
    verdict.claims = {k: v for k, v in verdict.claims.items() if v}
    verdict.disclosed = sorted(verdict.claims)

    entries = document.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    state = "unknown" if not entries else "valid"
    references = []
    for entry in entries:
        entry = entry if isinstance(entry, dict) else {}
        try:
            index = int(entry.get("statusListIndex"))
        except (TypeError, ValueError):
            index = -1
        references.append((status_list_id(entry.get("statusListCredential")), index, entry))
    # One query per distinct index (ours: both lists share it), not one per list.
    found = {}
    for index in {index for _, index, _ in references}:
        ids = [list_id for list_id, i, _ in references if i == index and list_id]
        found |= {(k, index): v for k, v in statuslists.lookup(ids, index).items()}
    for list_id, index, entry in references:
        current = found.get((list_id, index))
        if (
            current is None
            or current.status_list.format != StatusListFormat.BITSTRING
            or current.status_list.purpose != entry.get("statusPurpose")
            or current.value is None
        ):
            state = "unknown"
            break
        if current.value:
            state = "revoked" if current.status_list.purpose == "revocation" else "suspended"
            if state == "revoked":
                break
    _status_check(verdict, state)
    _expiry(
        verdict,
        _xsd_datetime(document.get("validUntil")),
        _xsd_datetime(document.get("validFrom")),
        now,
    )
    return verdict


def thumbprint(jwk: dict) -> str:
    """RFC 7638 thumbprint of a public JWK (what Issuance.holder_key_thumbprint holds)."""
    return JWK(**jwk).thumbprint()
