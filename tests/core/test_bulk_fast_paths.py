"""The bulk helpers added for large imports: `field_in`, pooled `uuid4`, pre-encoded JSON
in `bulk_insert`, and `new_instance`'s fallbacks to `Model.__init__`."""

import threading
import uuid

import pytest
from django.db.models.base import DEFERRED

from passeport.core.bulk import bulk_insert, field_in, new_instance, uuid4
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.journal.chain import canonical_json
from passeport.journal.models import JournalEntry
from passeport.organisations.models import Organisation
from passeport.people.models import Person
from passeport.records.models import PreventionTraining
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_field_in_selects_what_in_selects():
    persons = PersonFactory.create_batch(4)
    wanted = [persons[0].nir_hash, persons[2].nir_hash, "0" * 64]
    by_in = set(Person.objects.filter(nir_hash__in=wanted).values_list("pk", flat=True))
    by_any = set(
        Person.objects.filter(field_in(Person, "nir_hash", wanted)).values_list("pk", flat=True)
    )
    assert by_any == by_in == {persons[0].pk, persons[2].pk}
    assert not Person.objects.filter(field_in(Person, "nir_hash", [])).exists()
    public_ids = [persons[1].public_id, uuid.uuid4()]
    assert list(
        Person.objects.filter(field_in(Person, "public_id", public_ids)).values_list(
            "pk", flat=True
        )
    ) == [persons[1].pk]


@pytest.mark.parametrize(
    "names",
    [
        ["Dupont", "O'Brien, Jr", "L\u00e9a {1,2}", "a\\b", ""],
        ["UNIT\x1fSEPARATOR", "Dupont"],  # a value holding the separator: the array form
        [""],
        ["", ""],
    ],
)
def test_field_in_texts_whatever_their_characters(names):
    for name in names:
        OrganisationFactory(name=name)
    OrganisationFactory(name="Autre")
    found = Organisation.objects.filter(field_in(Organisation, "name", names))
    assert sorted(found.values_list("name", flat=True)) == sorted(names)


def test_pooled_uuid4_are_random_version_4_uuids():
    made = [uuid4() for _ in range(10_000)]
    assert all(type(u) is uuid.UUID and u.version == 4 for u in made)
    assert all(u.variant == uuid.RFC_4122 for u in made)
    assert len(set(made)) == len(made)
    assert all(uuid.UUID(str(u)) == u and hash(uuid.UUID(str(u))) == hash(u) for u in made[:50])


def test_pooled_uuid4_from_several_threads_never_repeats():
    seen: list[uuid.UUID] = []

    def take():
        seen.extend(uuid4() for _ in range(5000))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == len(seen) == 20_000


def test_journal_payload_stored_from_its_canonical_text():
    actor = Actor.for_organisation(OrganisationFactory())
    payloads = [{"b": 'é\u2028"\\', "a": [1, None, True], "n": {"z": 1, "y": {}}}, {}]
    entries = journal.append(journal.Event(actor, "essai", payload=p) for p in payloads)
    stored = list(
        JournalEntry.objects.filter(pk__in=JournalEntry.objects.order_by("-seq")[:2].values("pk"))
        .order_by("seq")
        .values_list("payload", flat=True)
    )
    assert stored == payloads == [entry.payload for entry in entries]


def test_bulk_insert_refuses_encoded_values_that_do_not_match_the_objects():
    actor = Actor.for_organisation(OrganisationFactory())
    entry = journal.append([journal.Event(actor, "essai")])[0]
    entry.seq, entry.hash = entry.seq + 10, "f" * 64
    with pytest.raises(ValueError):
        bulk_insert(JournalEntry, [entry], encoded={"payload": [canonical_json({}), "{}"]})


def test_new_instance_falls_back_to_init_when_it_must():
    person = PersonFactory()
    # A deferred value: not set at all, as `__init__` does.
    fast = new_instance(Person, birth_name=DEFERRED)
    assert "birth_name" not in fast.__dict__
    # A relation by name and by id: whatever `__init__` makes of it.
    other = PersonFactory()
    both = new_instance(PreventionTraining, person=person, person_id=other.pk)
    init = PreventionTraining(person=person, person_id=other.pk)
    assert both.person_id == init.person_id
    assert set(both.__dict__) == set(init.__dict__)
    # A related object goes through its descriptor (id and cache).
    record = new_instance(PreventionTraining, person=person)
    assert record.person_id == person.pk and record.person is person
    assert isinstance(record.public_id, uuid.UUID) and record.public_id != record.lineage
