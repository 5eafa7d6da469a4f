"""Appending to many ledgers in one transaction: the annual run and funders' credit
orders. The same discipline as `ledger.post`, for a batch: every account concerned is
locked in key order (concurrent writers never wait on each other in a cycle), its last
movement read under the lock, the new movements numbered from it, written in one insert
and journaled in one append. One account may receive several movements of the batch."""

from django.db import connection
from django.utils import timezone

from passeport.core.bulk import bulk_insert, field_in
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.journal.chain import encoded_digest

from .ledger import Balances, Entry, build_movement, movement_event
from .models import BALANCE_FIELDS, CpfAccount, Movement


def latest_balances(ids: list[int], *, lock: bool) -> dict[int, Balances]:
    """The balances after each account's last movement (accounts without one are absent),
    the accounts locked first when `lock`."""
    if not ids:
        return {}
    if lock:
        list(
            CpfAccount.objects.select_for_update()
            .filter(field_in(CpfAccount, "id", ids))
            .order_by("pk")
            .values_list("pk")
        )
    columns = ", ".join(f"m.{name}" for name in BALANCE_FIELDS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One index probe per account (backward on account + seq).
            cursor.execute(
                f"SELECT a.id, m.seq, {columns} FROM unnest(%s::bigint[]) AS a(id) "  # noqa: S608
                "CROSS JOIN LATERAL (SELECT * FROM cpf_movement WHERE account_id = a.id "
                "ORDER BY seq DESC LIMIT 1) AS m",
                [ids],
            )
            rows = cursor.fetchall()
        else:
            rows = []
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT m.account_id, m.seq, {columns} FROM cpf_movement m "  # noqa: S608
                    f"WHERE m.account_id IN ({marks}) AND m.seq = (SELECT MAX(seq) "
                    "FROM cpf_movement WHERE account_id = m.account_id)",
                    chunk,
                )
                rows.extend(cursor.fetchall())
    return {row[0]: Balances.from_row(row[2:], row[1]) for row in rows}


def accounts_of(person_ids: list[int]) -> tuple[dict[int, tuple], set[int]]:
    """Each person's account (pk, public_id), opening the missing ones — a person who
    opened theirs meanwhile keeps it (conflicts ignored) — and the persons whose account
    was opened here (their opening is journaled with their first movement)."""
    unique = list(dict.fromkeys(person_ids))
    found = {
        pid: (pk, public_id)
        for pid, pk, public_id in CpfAccount.objects.filter(
            field_in(CpfAccount, "person_id", unique)
        ).values_list("person_id", "pk", "public_id")
    }
    missing = [pid for pid in unique if pid not in found]
    if missing:
        now = timezone.now()
        CpfAccount.objects.bulk_create(
            [CpfAccount(person_id=pid, opened_at=now) for pid in missing],
            ignore_conflicts=True,
            batch_size=500,
        )
        for pid, pk, public_id in CpfAccount.objects.filter(
            field_in(CpfAccount, "person_id", missing)
        ).values_list("person_id", "pk", "public_id"):
            found[pid] = (pk, public_id)
    return found, set(missing)


def post_many(items: list[tuple[int, Entry]], *, actor: Actor) -> list[Movement]:
    """Appends each (person id, entry), in order, to the person's account (opened when
    missing), in the caller's transaction. Refused whole (`LedgerError`) when one entry
    would make a balance negative."""
    if not items:
        return []
    accounts, opened = accounts_of([pid for pid, _entry in items])
    current = latest_balances(sorted(pk for pk, _public_id in accounts.values()), lock=True)
    day = timezone.localdate()
    movements, texts, digests, journaled = [], [], [], set()
    events = []
    for pid, entry in items:
        account_id, public_id = accounts[pid]
        after = current.get(account_id, Balances()).apply(
            entry.part, entry.amount, entry.reserved_change
        )
        current[account_id] = after
        movement = build_movement(account_id, entry, after, day)
        # Encoded once: stored as is, and its digest pinned by the journal.
        text, details_digest = encoded_digest(entry.details)
        movements.append(movement)
        texts.append(text)
        digests.append(details_digest)
        first = pid in opened and pid not in journaled
        journaled.add(pid)
        events.append((movement, public_id, pid, details_digest, first))
    bulk_insert(Movement, movements, encoded={"details": texts})
    journal.append(
        movement_event(movement, public_id, pid, actor, details_sha256=digest, account_opened=first)
        for movement, public_id, pid, digest, first in events
    )
    return movements
