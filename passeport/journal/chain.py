"""Hash computations of the journal chain, shared by appending and verifying."""

import hashlib
import json
from json.encoder import c_make_encoder, encode_basestring

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64
_sha256 = hashlib.sha256


# What `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
# cls=DjangoJSONEncoder)` builds on each call, built once (an encoder keeps no state
# between calls to `encode`).
_ENCODER = DjangoJSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_ENCODE = _ENCODER.encode
if c_make_encoder is not None:
    # `encode` builds a new C encoder on every call (its circular-reference markers are
    # per call), which was half the cost of hashing a journal entry. This one is built
    # once with the same arguments (`JSONEncoder.iterencode`), without markers: what is
    # hashed here is built by our code, never circular.
    _C_ENCODER = c_make_encoder(
        None,
        _ENCODER.default,
        encode_basestring,
        None,
        _ENCODER.key_separator,
        _ENCODER.item_separator,
        _ENCODER.sort_keys,
        _ENCODER.skipkeys,
        _ENCODER.allow_nan,
    )

    def _ENCODE(value) -> str:  # replaces the bound method above
        if type(value) is str:
            return encode_basestring(value)
        return "".join(_C_ENCODER(value, 0))


def canonical_json(value) -> str:
    return _ENCODE(value)


def normalize_payload(payload: dict) -> dict:
    """What the payload will read as once stored in a JSON column (dates become text)."""
    return json.loads(canonical_json(payload))


def digest(value) -> str:
    return _sha256(_ENCODE(value).encode()).hexdigest()


def encoded_digest(value) -> tuple[str, str]:
    """The canonical JSON text of `value` and its digest (the text can be stored as is)."""
    text = _ENCODE(value)
    return text, _sha256(text.encode()).hexdigest()


def entry_hash(
    *,
    seq,
    occurred_at,
    actor_kind,
    actor_id,
    actor_label,
    action,
    object_type,
    object_id,
    person_id,
    payload_digest,
    previous_hash,
) -> str:
    return _sha256(
        _ENCODE(
            [
                seq,
                occurred_at.isoformat(),
                actor_kind,
                actor_id,
                actor_label,
                action,
                object_type,
                object_id,
                person_id,
                payload_digest,
                previous_hash,
            ]
        ).encode()
    ).hexdigest()
