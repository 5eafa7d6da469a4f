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
import dataclasses
import datetime
import functools
import gzip
import json
import math
import secrets
import uuid
import zlib

from django.conf import settings
from django.db import connection, transaction
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
    return keys.issuer_url() + _path(status_list.public_id)


@functools.lru_cache(maxsize=256)
def _path(public_id) -> str:
    """A list's path, resolved once per list (every credential names its list)."""
    return reverse("credentials:status_list", args=[public_id])


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


# UPDATE … RETURNING, written in SQL because the ORM has no `update().returning()`: taking
# `count` indexes of the oldest list with room is then one statement (one round trip)
# instead of a SELECT, an UPDATE and a re-read. The UPDATE takes the row lock
# (PostgreSQL re-checks `allocated + count <= size` on the locked row; SQLite serialises
# writers); no row means the chosen list filled up meanwhile, or none has room.
_ALLOCATE_SQL = """
UPDATE {table} SET {allocated} = {allocated} + %s
WHERE {id} = (
    SELECT {id} FROM {table}
    WHERE {format} = %s AND {purpose} = %s AND {allocated} + %s <= {size}
    ORDER BY {created_at}, {id} LIMIT 1
) AND {allocated} + %s <= {size}
RETURNING {id}, {public_id}, {allocated}, {multiplier}, {offset}, {size}, {twin_id}
"""


def _allocate_sql() -> str:
    quote = connection.ops.quote_name
    columns = {
        name: quote(StatusList._meta.get_field(name).column)
        for name in (
            "id",
            "public_id",
            "format",
            "purpose",
            "allocated",
            "size",
            "multiplier",
            "offset",
            "created_at",
            "twin",
        )
    }
    columns["twin_id"] = columns.pop("twin")
    return _ALLOCATE_SQL.format(table=quote(StatusList._meta.db_table), **columns)


# A bitstring list's twin (suspension) never changes once created: its public id is
# remembered per process, keyed by the revocation list's public id (a UUID never reused).
_twin_public_ids: dict[uuid.UUID, uuid.UUID] = {}


def _twin(status_list: StatusList) -> StatusList:
    public_id = _twin_public_ids.get(status_list.public_id)
    if public_id is None:
        public_id = StatusList.objects.values_list("public_id", flat=True).get(
            pk=status_list.twin_id
        )
        _twin_public_ids[status_list.public_id] = public_id
    return _partial(
        id=status_list.twin_id,
        public_id=public_id,
        format=status_list.format,
        purpose=StatusPurpose.SUSPENSION,
        size=status_list.size,
        bits=1,
    )


def _partial(**values) -> StatusList:
    """A list read in part: the other fields (the bits above all) stay deferred, read only
    if someone asks."""
    fields = [f.attname for f in StatusList._meta.concrete_fields if f.attname in values]
    return StatusList.from_db(connection.alias, fields, [values[f] for f in fields])


@transaction.atomic(savepoint=False)
def allocate_many(fmt: str, count: int) -> tuple[StatusList, list[int]]:
    """`count` fresh indexes, all in one list of `fmt` (a new list when none has room).

    The list comes back without its bits (never read to allocate), with its twin set for
    a bitstring list (what `url` and the credential's status entries need)."""
    purpose = StatusPurpose.STATUS if fmt == StatusListFormat.TOKEN else StatusPurpose.REVOCATION
    bits = TOKEN_BITS if fmt == StatusListFormat.TOKEN else 1
    sql = _allocate_sql()
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [count, fmt, purpose, count, count])
            row = cursor.fetchone()
        if row is not None:
            break
        if count > list_size():
            raise ValueError(f"{count} index demandés : une liste n'en a que {list_size()}.")
        current = _new_list(fmt, purpose, bits)
        if fmt == StatusListFormat.BITSTRING:
            current.twin = _new_list(fmt, StatusPurpose.SUSPENSION, 1)
            current.save(update_fields=["twin"])
    pk, public_id, allocated, multiplier, offset, size, twin_id = row
    status_list = _partial(
        id=pk,
        public_id=StatusList._meta.get_field("public_id").to_python(public_id),
        format=fmt,
        purpose=purpose,
        size=size,
        bits=bits,
        allocated=allocated,
        multiplier=multiplier,
        offset=offset,
        twin_id=twin_id,
    )
    if twin_id is not None:
        status_list.twin = _twin(status_list)
    return status_list, [
        (multiplier * n + offset) % size for n in range(allocated - count, allocated)
    ]


def allocate(fmt: str) -> tuple[StatusList, int]:
    """A fresh index in the current list of `fmt` (a new list when it is full)."""
    status_list, (index,) = allocate_many(fmt, 1)
    return status_list, index


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


@dataclasses.dataclass(frozen=True)
class Entry:
    """One entry as a verifier needs it: its list (without the bits) and its value, None
    when the index is outside the list."""

    status_list: StatusList
    value: int | None


# Written in SQL: the same query through the ORM (annotate(Substr(…)), values_list) cost
# more to build than to run, about a quarter of an SD-JWT verification's CPU time.
_LOOKUP_SQL = """
SELECT {id}, {public_id}, {format}, {purpose}, {size}, {bits},
    SUBSTR({data}, %s, 1), SUBSTR({data}, %s, 1)
FROM {table} WHERE {public_id} IN ({marks})
"""


def lookup(public_ids, index: int) -> dict[uuid.UUID, Entry]:
    """Entry `index` of each list named (those that exist), read from the database.

    Only the byte holding the entry is read (SUBSTR): a verification needs one entry, and
    reading the whole list (16 KB or more per list) dominated the API's verification of a
    credential. Always the current bits, so a revocation is visible at once; nothing to
    invalidate."""
    public_ids = [public_id for public_id in public_ids if public_id]
    if not isinstance(index, int) or isinstance(index, bool) or index < 0 or not public_ids:
        return {}
    quote = connection.ops.quote_name
    field = StatusList._meta.get_field("public_id")
    sql = _LOOKUP_SQL.format(
        table=quote(StatusList._meta.db_table),
        marks=", ".join(["%s"] * len(public_ids)),
        **{
            name: quote(StatusList._meta.get_field(name).column)
            for name in ("id", "public_id", "format", "purpose", "size", "bits", "data")
        },
    )
    # 1-based positions; a token list's entries are TOKEN_BITS wide, a bitstring's 1.
    params = [index * TOKEN_BITS // 8 + 1, index // 8 + 1]
    params += [field.get_db_prep_value(public_id, connection) for public_id in public_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = {}
    for pk, public_id, fmt, purpose, size, bits, token_byte, bit_byte in rows:
        status_list = _partial(
            id=pk,
            public_id=field.to_python(public_id),
            format=fmt,
            purpose=purpose,
            size=size,
            bits=bits,
        )
        value = None
        byte = bytes(token_byte if fmt == StatusListFormat.TOKEN else bit_byte)
        if index < size and byte:
            _, shift, mask = _position(status_list, index)
            value = byte[0] >> shift & mask
        found[status_list.public_id] = Entry(status_list, value)
    return found


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
