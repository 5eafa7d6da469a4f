"""The employer board reads from a replica when one is configured; the journal of its
reads is written on the primary. The replica mirrors the test database through a second
connection, so what the page shows proves the reads went through it."""

import datetime

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from passeport.journal.models import JournalEntry

D = datetime.timedelta


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_board_reads_the_replica_and_journals_on_the_primary(
    client, settings, employer, make_employee, training
):
    settings.DATABASE_REPLICAS = ["replica"]
    alice = make_employee("all", first_names="Alice", birth_name="Aubert")
    training(alice, valid_until=timezone.localdate() + D(40), title="SST Alice")
    client.force_login(employer.admin)
    url = f"/pro/organisations/{employer.public_id}/prevention/suivi/"

    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        page = client.get(url)

    assert page.status_code == 200 and "SST Alice" in page.content.decode()
    replica_sql = " ".join(query["sql"] for query in replica.captured_queries)
    assert "WITH" in replica_sql and "people_person" in replica_sql  # the board's statements
    primary_sql = " ".join(query["sql"] for query in primary.captured_queries)
    # The journal head is locked and moved on the primary (its entries go by COPY there).
    assert "journal_journalhead" in primary_sql and "WITH" not in primary_sql
    assert JournalEntry.objects.filter(person_id=alice.pk, action="person.read").exists()
