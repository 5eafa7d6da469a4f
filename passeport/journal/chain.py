"""Hash computations of the journal chain, shared by appending and verifying."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64
_sha256 = hashlib.sha256


# What `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
# cls=DjangoJSONEncoder)` builds on each call, built once (an encoder keeps no state
# between calls to `encode`).
_ENCODE = DjangoJSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical_json(value) -> str:
    return _ENCODE(value)


def normalize_payload(payload: dict) -> dict:
    """What the payload will read as once stored in a JSON column (dates become text)."""
    return json.loads(canonical_json(payload))


def digest(value) -> str:
    return _sha256(_ENCODE(value).encode()).hexdigest()


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
