"""Read replicas: the referential searches (and the employer board: tests/followup) read
from a replica when one is configured; writes and everything else stay on the primary.
The replica here mirrors the test database (a second connection to it)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from passeport.core.replicas import ReplicaRouter, read_alias, replica_reads
from passeport.people.models import Person
from passeport.referentials.models import RomeCode
from passeport.referentials.search import search_rome


def test_without_replicas_everything_reads_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    with replica_reads():
        assert read_alias() == "default"
        assert ReplicaRouter().db_for_read(Person) is None


def test_reads_go_to_the_replica_only_inside_the_block(settings):
    settings.DATABASE_REPLICAS = ["replica"]
    router = ReplicaRouter()
    assert router.db_for_read(Person) is None and read_alias() == "default"
    with replica_reads():
        assert router.db_for_read(Person) == "replica" and read_alias() == "replica"
        assert router.db_for_write(Person) == "default"
    assert router.db_for_read(Person) is None
    assert not router.allow_migrate("replica", "people") and router.allow_migrate("default", "x")


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_searches_read_the_replica(settings):
    settings.DATABASE_REPLICAS = ["replica"]
    RomeCode.objects.create(code="M1805", label="Études et développement informatique", ogr="1")
    RomeCode.objects.filter(code="M1805").update(search_text="etudes et developpement")
    with CaptureQueriesContext(connections["replica"]) as replica:
        results = search_rome("developpement")
    assert [rome.code for rome in results] == ["M1805"]
    assert any("referentials_romecode" in query["sql"] for query in replica.captured_queries)
