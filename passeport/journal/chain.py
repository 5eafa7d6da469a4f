"""Hash computations of the journal chain, shared by appending and verifying."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64


def canonical_json(value) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    )


def normalize_payload(payload: dict) -> dict:
    """What the payload will read as once stored in a JSON column (dates become text)."""
    return json.loads(canonical_json(payload))


def digest(value) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


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
    return digest(
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
    )
