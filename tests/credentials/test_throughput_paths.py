"""The paths made for throughput keep every guarantee: batches give each credential its own
index, row and journal entry and are all-or-nothing; allocation is one statement and
never hands an index twice; verification reads the current status entry (a revocation is
seen at once) with a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passeport.credentials import revocation, services, statuslists, verification
from passeport.credentials.models import Issuance, IssuedFormat, StatusList, StatusListFormat
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.journal.verification import verify_journal

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def test_allocate_many_gives_distinct_indexes_in_one_list():
    status_list, first = statuslists.allocate_many(StatusListFormat.TOKEN, 40)
    _, second = statuslists.allocate_many(StatusListFormat.TOKEN, 40)
    assert len(set(first) | set(second)) == 80
    assert all(0 <= index < status_list.size for index in first + second)
    assert StatusList.objects.get(pk=status_list.pk).allocated == 80
    # The permutation: consecutive allocations are not consecutive indexes.
    assert first != list(range(first[0], first[0] + 40))


def test_a_batch_larger_than_the_room_left_opens_a_new_list():
    status_list, _ = statuslists.allocate(StatusListFormat.BITSTRING)
    StatusList.objects.filter(pk=status_list.pk).update(allocated=status_list.size - 3)
    fresh, indexes = statuslists.allocate_many(StatusListFormat.BITSTRING, 5)
    assert fresh.pk != status_list.pk and len(set(indexes)) == 5
    assert fresh.twin is not None and fresh.twin.purpose == "suspension"
    # The old list's last 3 entries are still handed out, one at a time.
    again, _ = statuslists.allocate(StatusListFormat.BITSTRING)
    assert again.pk == status_list.pk
    assert StatusList.objects.get(pk=status_list.pk).allocated == status_list.size - 2


def test_allocation_is_one_statement():
    statuslists.allocate(StatusListFormat.TOKEN)  # the list exists
    with CaptureQueriesContext(connection) as queries:
        statuslists.allocate_many(StatusListFormat.TOKEN, 10)
    statements = [q["sql"] for q in queries.captured_queries if "statuslist" in q["sql"]]
    assert len(statements) == 1 and "RETURNING" in statements[0]


def test_issue_many_keeps_one_index_row_and_journal_entry_per_credential(training, certification):
    requests = [
        services.Request(training, IssuedFormat.SD_JWT_VC),
        services.Request(certification, IssuedFormat.OPEN_BADGE),
        services.Request(training, IssuedFormat.OPEN_BADGE),
        services.Request(certification, IssuedFormat.SD_JWT_VC),
    ]
    issued = services.issue_many(requests, actor=ACTOR)
    assert [issuance.format for issuance, _ in issued] == [r.format for r in requests]
    assert len({(i.status_list_id, i.status_index) for i, _ in issued}) == 4
    assert Issuance.objects.count() == 4
    journaled = JournalEntry.objects.filter(action="credential.issued")
    assert sorted(journaled.values_list("object_id", flat=True)) == sorted(
        str(issuance.public_id) for issuance, _ in issued
    )
    assert verify_journal().intact
    for issuance, credential in issued:
        if issuance.format == IssuedFormat.SD_JWT_VC:
            assert verification.verify_sd_jwt(credential).ok
        else:
            assert verification.verify_open_badge(credential).ok


def test_a_batch_is_all_or_nothing(holder, training):
    from tests.credentials.conftest import TrainingFactory

    declared = TrainingFactory(person=holder.person, declared=True)
    with pytest.raises(services.IssuanceError):
        services.issue_many(
            [
                services.Request(training, IssuedFormat.SD_JWT_VC),
                services.Request(declared, IssuedFormat.SD_JWT_VC),
            ],
            actor=ACTOR,
        )
    assert not Issuance.objects.exists()
    assert not JournalEntry.objects.filter(action="credential.issued").exists()


def test_a_batch_costs_the_queries_of_one_credential(training):
    services.credentials_for(training, actor=ACTOR)  # keys and lists exist
    with CaptureQueriesContext(connection) as one:
        services.issue_sd_jwt(training, actor=ACTOR)
    with CaptureQueriesContext(connection) as fifty:
        services.issue_many([services.Request(training, IssuedFormat.SD_JWT_VC)] * 50, actor=ACTOR)
    assert len(fifty) == len(one)


def test_credentials_for_many(holder, training, certification):
    from tests.credentials.conftest import TrainingFactory

    declared = TrainingFactory(person=holder.person, declared=True)
    files = services.credentials_for_many([training, declared, certification], actor=ACTOR)
    assert [len(f) for f in files] == [2, 0, 2]
    assert files[0][0].filename.startswith("formation-")
    assert verification.verify_sd_jwt(files[2][0].content.decode()).ok
    assert verification.verify_open_badge(files[2][1].content.decode()).ok
    assert Issuance.objects.count() == 4


def test_revocation_is_seen_at_once_by_our_verifier(training):
    issuance, credential = services.issue_sd_jwt(training, actor=ACTOR)
    badge_issuance, badge = services.issue_open_badge(training, actor=ACTOR)
    assert verification.verify_sd_jwt(credential).ok
    assert verification.verify_open_badge(badge).ok
    revocation.revoke(issuance, actor=ACTOR, reason="test")
    revocation.suspend(badge_issuance, actor=ACTOR, reason="test")
    assert not verification.verify_sd_jwt(credential).ok
    verdict = verification.verify_open_badge(badge)
    assert "Suspendu" in next(c.detail for c in verdict.checks if c.code == "status")


def test_lookup_reads_one_entry(training):
    issuance, _ = services.issue_sd_jwt(training, actor=ACTOR)
    status_list = issuance.status_list
    revocation.suspend(issuance, actor=ACTOR, reason="test")
    entry = statuslists.lookup([status_list.public_id], issuance.status_index)
    assert entry[status_list.public_id].value == statuslists.TOKEN_SUSPENDED
    neighbour = (issuance.status_index + 1) % status_list.size
    assert statuslists.lookup([status_list.public_id], neighbour)[status_list.public_id].value == 0
    # Outside the list: no value; a negative or non-integer index: nothing found.
    assert (
        statuslists.lookup([status_list.public_id], status_list.size)[status_list.public_id].value
        is None
    )
    assert statuslists.lookup([status_list.public_id], -1) == {}
    assert statuslists.lookup([status_list.public_id], True) == {}


def test_verification_queries_are_bounded(training, django_assert_max_num_queries):
    _, credential = services.issue_sd_jwt(training, actor=ACTOR)
    _, badge = services.issue_open_badge(training, actor=ACTOR)
    # The key, then the status entry (both lists of a badge in one query).
    with django_assert_max_num_queries(2):
        assert verification.verify_sd_jwt(credential).ok
    with django_assert_max_num_queries(2):
        assert verification.verify_open_badge(badge).ok


def test_verify_api_runs_outside_a_request_transaction(client, training):
    from django.core.cache import cache

    cache.clear()  # the per-address rate limit
    _, credential = services.issue_sd_jwt(training, actor=ACTOR)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/verify", {"sd_jwt": credential}, content_type="application/json"
        )
    assert response.status_code == 200 and response.json()["valid"] is True
    # Under ATOMIC_REQUESTS the test's own transaction would show a SAVEPOINT here.
    assert not [q for q in queries.captured_queries if "SAVEPOINT" in q["sql"]]
    assert len(queries) <= 2
    revocation.revoke(
        Issuance.objects.get(format=IssuedFormat.SD_JWT_VC), actor=ACTOR, reason="test"
    )
    response = client.post(
        "/api/v1/verify", {"sd_jwt": credential}, content_type="application/json"
    )
    assert response.json()["valid"] is False
    cache.clear()
