"""Writing to the journal: one `log_<event>` function per event, all through `append`.

Appends lock the chain head (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
transactions already serialise writers), so concurrent writers extend one chain.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.base import ModelState
from django.utils import timezone

from passeport.core.bulk import bulk_insert

from .actors import Actor
from .chain import GENESIS_HASH, encoded_digest, entry_hash, normalize_payload
from .models import JournalEntry, JournalHead


@dataclass
class Event:
    actor: Actor
    action: str
    object_type: str = ""
    object_id: str = ""
    person_id: int | None = None
    payload: dict = field(default_factory=dict)
    occurred_at: datetime.datetime | None = None
    # Set by builders whose payload is made of texts and integers only (no copy needed
    # before it is hashed and stored; see `_plain_copy`).
    plain: bool = False


def append(events: Iterable[Event]) -> list[JournalEntry]:
    events = list(events)
    if not events:
        return []
    now = timezone.now()
    # No savepoint inside a caller's transaction (two round trips saved per write): a
    # failed append must fail the write it journals anyway, never be caught and skipped.
    with transaction.atomic(savepoint=False):
        head, _ = JournalHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        seq, previous = head.seq, head.hash
        entries, texts = [], []
        for event in events:
            seq += 1
            payload = event.payload if event.plain else _plain_copy(event.payload)
            if payload is None:
                payload = normalize_payload(event.payload)
            # The canonical text is hashed, then stored as is (not encoded again).
            text, payload_digest = encoded_digest(payload)
            texts.append(text)
            occurred_at = event.occurred_at or now
            actor = event.actor
            values = {
                "seq": seq,
                "occurred_at": occurred_at,
                "actor_kind": actor.kind,
                "actor_id": actor.identifier,
                "actor_label": actor.label,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "person_id": event.person_id,
                "payload_digest": payload_digest,
                "previous_hash": previous,
            }
            previous = entry_hash(**values)
            values["payload"] = payload
            values["hash"] = previous
            entries.append(_new_entry(values))
        bulk_insert(JournalEntry, entries, encoded={"payload": texts})
        JournalHead.objects.filter(pk=1).update(seq=seq, hash=previous)
    return entries


def _new_entry(values: dict) -> JournalEntry:
    """`JournalEntry(**values)` without `Model.__init__` (its cost shows on 100,000
    entries): every concrete field is set, as `__init__` would set it (no signal is
    connected to the journal's model)."""
    entry = JournalEntry.__new__(JournalEntry)
    entry.id = None
    entry.__dict__.update(values)
    entry._state = ModelState()
    return entry


def _plain_copy(payload: dict) -> dict | None:
    """What `normalize_payload` returns (keys sorted), without the JSON round trip, for a
    payload of strings, integers, booleans and None (nested dicts too); None otherwise."""
    copy = {}
    for key in sorted(payload) if all(type(key) is str for key in payload) else ():
        value = payload[key]
        kind = type(value)
        if kind is dict:
            value = _plain_copy(value)
            if value is None:
                return None
        elif kind is not str and kind is not int and kind is not bool and value is not None:
            return None
        copy[key] = value
    return copy if len(copy) == len(payload) else None


def log(event: Event) -> JournalEntry:
    return append([event])[0]


# --- Events -----------------------------------------------------------------------------


def log_person_created(person, actor: Actor) -> JournalEntry:
    return log(Event(actor, "person.created", "people.Person", str(person.public_id), person.pk))


def log_cpf_account_activated(person, actor: Actor) -> JournalEntry:
    return log(
        Event(actor, "person.cpf_activated", "people.Person", str(person.public_id), person.pk)
    )


def record_event(action: str, record, actor: Actor, **extra) -> Event:
    """The event for a write of a passport record; its payload pins the record's content."""
    version = record.version
    return Event(
        actor=actor,
        action=action,
        object_type=record._meta.label,
        object_id=str(record.public_id),
        person_id=record.person_id,
        payload={
            "lineage": str(record.lineage),
            "version": version,
            "content_sha256": record.content_digest(),
            **extra,
        },
        # Texts and an integer, unless `extra` says otherwise (a bulk import's events).
        plain=not extra and type(version) is int,
    )


def log_record_stored(record, actor: Actor) -> JournalEntry:
    return log(record_event("record.stored", record, actor))


def log_record_revised(record, previous, actor: Actor, reason: str) -> JournalEntry:
    return log(
        record_event(
            "record.revised", record, actor, supersedes=str(previous.public_id), reason=reason
        )
    )


def log_record_cancelled(record, actor: Actor, reason: str) -> JournalEntry:
    return log(record_event("record.cancelled", record, actor, reason=reason))


def log_records_published(records, actor: Actor, published: bool) -> list[JournalEntry]:
    action = "record.published" if published else "record.withdrawn"
    return append(record_event(action, record, actor) for record in records)


def log_person_data_read(person, actor: Actor, what: str) -> JournalEntry:
    """A read of a person's data by someone other than the person (access log)."""
    return log(
        Event(
            actor,
            "person.read",
            "people.Person",
            str(person.public_id),
            person.pk,
            payload={"what": what},
        )
    )


def log_referentials_loaded(actor: Actor, source: str, counts: dict) -> JournalEntry:
    return log(Event(actor, "referentials.loaded", payload={"source": source, "rows": counts}))
