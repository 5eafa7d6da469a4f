"""Status lists: where each issued credential's validity bit lives, published signed.

Two formats, each a public contract (URL and layout pinned by tests/credentials):
- IETF Token Status List (draft-ietf-oauth-status-list) for SD-JWT VC: a JWT
  `typ: statuslist+jwt` whose `status_list.lst` is the zlib-compressed (RFC 1950), then
  base64url, array of 2-bit values, entry 0 in the least significant bits of byte 0;
  0 valid, 1 invalid (revoked), 2 suspended. Built here with jwcrypto: the
  `token-status-list` package serialises its JWT wrongly.
- W3C Bitstring Status List v1.0 for Open Badges 3.0: a BitstringStatusListCredential
  whose `encodedList` is multibase base64url (`u`) of the GZIP-compressed bitstring,
  entry 0 the most significant bit of byte 0; one list per purpose (revocation, and its
  suspension twin sharing the same indexes), signed eddsa-rdfc-2022.

Each list has at least 131,072 entries (the W3C minimum, for herd privacy), indexes are
given once and never reused, and lists are never deleted.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import json
import math
import secrets
import zlib

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from jwcrypto.jws import JWS

from . import jsonld, keys
from .models import KeyAlgorithm, StatusList, StatusListFormat, StatusPurpose

MIN_SIZE = 131_072
TOKEN_BITS = 2
TOKEN_VALID, TOKEN_INVALID, TOKEN_SUSPENDED = 0, 1, 2

TOKEN_MEDIA_TYPE = "application/statuslist+jwt"  # noqa: S105 (a media type)
BITSTRING_MEDIA_TYPE = "application/vc+ld+json"


def list_size() -> int:
    return max(MIN_SIZE, int(getattr(settings, "CREDENTIALS_STATUS_LIST_SIZE", MIN_SIZE)))


def ttl_seconds() -> int:
    return int(getattr(settings, "CREDENTIALS_STATUS_LIST_TTL", 300))


def url(status_list: StatusList) -> str:
    path = reverse("credentials:status_list", args=[status_list.public_id])
    return keys.issuer_url() + path


# --- Allocation ------------------------------------------------------------------------


def _new_list(fmt: str, purpose: str, bits: int) -> StatusList:
    size = list_size()
    # An odd multiplier is coprime with a power-of-two size; any with other sizes.
    while True:
        multiplier = secrets.randbelow(size - 1) + 1
        if math.gcd(multiplier, size) == 1:
            break
    return StatusList.objects.create(
        format=fmt,
        purpose=purpose,
        size=size,
        bits=bits,
        data=bytes(size * bits // 8),
        multiplier=multiplier,
        offset=secrets.randbelow(size),
        changed_at=timezone.now(),
    )


@transaction.atomic
def allocate(fmt: str) -> tuple[StatusList, int]:
    """A fresh index in the current list of `fmt` (a new list when it is full)."""
    purpose = StatusPurpose.STATUS if fmt == StatusListFormat.TOKEN else StatusPurpose.REVOCATION
    while True:
        current = (
            # Not the bits (32 KB or more): allocating an index never reads them.
            StatusList.objects.filter(format=fmt, purpose=purpose, allocated__lt=F("size"))
            .defer("data")
            .order_by("created_at", "pk")
            .first()
        )
        if current is None:
            current = _new_list(fmt, purpose, TOKEN_BITS if fmt == StatusListFormat.TOKEN else 1)
            if fmt == StatusListFormat.BITSTRING:
                current.twin = _new_list(fmt, StatusPurpose.SUSPENSION, 1)
                current.save(update_fields=["twin"])
        # The UPDATE takes the row lock (PostgreSQL); SQLite serialises writers anyway.
        if StatusList.objects.filter(pk=current.pk, allocated__lt=F("size")).update(
            allocated=F("allocated") + 1
        ):
            break
    current.refresh_from_db(fields=["allocated"])
    n = current.allocated - 1
    return current, (current.multiplier * n + current.offset) % current.size


# --- Bits ------------------------------------------------------------------------------


def _position(status_list: StatusList, index: int) -> tuple[int, int, int]:
    """(byte, shift, mask) of entry `index`."""
    if not 0 <= index < status_list.size:
        raise IndexError(index)
    bits = status_list.bits
    if status_list.format == StatusListFormat.TOKEN:
        start = index * bits
        return start // 8, start % 8, (1 << bits) - 1
    return index // 8, 7 - index % 8, 1


def read(data: bytes, status_list: StatusList, index: int) -> int:
    byte, shift, mask = _position(status_list, index)
    return (data[byte] >> shift) & mask


def get(status_list: StatusList, index: int) -> int:
    return read(bytes(status_list.data), status_list, index)


@transaction.atomic
def set_value(status_list: StatusList, index: int, value: int) -> None:
    row = StatusList.objects.select_for_update().get(pk=status_list.pk)
    data = bytearray(row.data)
    byte, shift, mask = _position(row, index)
    data[byte] = (data[byte] & ~(mask << shift) & 0xFF) | ((value & mask) << shift)
    row.data = bytes(data)
    row.changed_at = timezone.now()
    row.save(update_fields=["data", "changed_at"])


# --- Encodings -------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_lst(data: bytes) -> str:
    return b64url(zlib.compress(data, 9))


def bitstring_encoded(data: bytes) -> str:
    # mtime=0: the same bits give the same bytes (stable caching).
    return "u" + b64url(gzip.compress(data, compresslevel=9, mtime=0))


def decode_token_lst(lst: str) -> bytes:
    return zlib.decompress(b64url_decode(lst))


def decode_bitstring(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList : multibase base64url (préfixe « u ») attendu.")
    return gzip.decompress(b64url_decode(encoded[1:]))


# --- Signed documents ------------------------------------------------------------------


def _token_jwt(status_list: StatusList, now: datetime.datetime) -> str:
    signer = keys.signing_key(getattr(settings, "CREDENTIALS_SD_JWT_ALG", KeyAlgorithm.ES256))
    iat = int(now.timestamp())
    payload = {
        "sub": url(status_list),
        "iat": iat,
        # A day: verifiers may keep it that long; `ttl` asks them to refresh sooner.
        "exp": iat + 86_400,
        "ttl": ttl_seconds(),
        "status_list": {"bits": status_list.bits, "lst": token_lst(bytes(status_list.data))},
    }
    jws = JWS(json.dumps(payload, separators=(",", ":")))
    header = {"alg": signer.algorithm, "kid": signer.kid, "typ": "statuslist+jwt"}
    jws.add_signature(signer.jwk, alg=signer.algorithm, protected=json.dumps(header))
    return jws.serialize(compact=True)


def _bitstring_credential(status_list: StatusList, now: datetime.datetime) -> str:
    signer = keys.signing_key(KeyAlgorithm.EDDSA)
    list_url = url(status_list)
    document = {
        "@context": [jsonld.VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_did(),
        "validFrom": _xsd(now),
        "validUntil": _xsd(now + datetime.timedelta(days=1)),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": bitstring_encoded(bytes(status_list.data)),
        },
    }
    signed = jsonld.sign(
        document,
        private_key=signer.private_key,
        verification_method=keys.verification_method_id(signer.kid),
        created=_xsd(now),
    )
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def _xsd(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def signed_document(status_list: StatusList) -> tuple[str, str]:
    """(media type, the signed list) as served: re-signed only when the bits changed or
    the last signature is older than half its validity."""
    now = timezone.now()
    fresh = (
        status_list.signed
        and status_list.signed_at
        and status_list.signed_at >= status_list.changed_at
        and now - status_list.signed_at < datetime.timedelta(hours=12)
    )
    if not fresh:
        build = (
            _token_jwt if status_list.format == StatusListFormat.TOKEN else _bitstring_credential
        )
        status_list.signed, status_list.signed_at = build(status_list, now), now
        StatusList.objects.filter(pk=status_list.pk, changed_at=status_list.changed_at).update(
            signed=status_list.signed, signed_at=now
        )
    media_type = (
        TOKEN_MEDIA_TYPE if status_list.format == StatusListFormat.TOKEN else BITSTRING_MEDIA_TYPE
    )
    return media_type, status_list.signed
