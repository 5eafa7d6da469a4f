import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry, JournalImmutableError
from passeport.journal.verification import verify_journal

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


def _append(count):
    return journal.append(
        journal.Event(ACTOR, "test.event", "tests.Thing", str(i), payload={"n": i})
        for i in range(count)
    )


def test_entries_are_chained_and_verify_intact():
    entries = _append(5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous_hash == "0" * 64
    for previous, entry in itertools.pairwise(entries):
        assert entry.previous_hash == previous.hash
    result = verify_journal()
    assert result.intact and result.checked == 5
    assert str(result) == "intact (5 entrées vérifiées)"


def test_appends_continue_the_same_chain():
    first = _append(2)
    second = journal.log(journal.Event(ACTOR, "test.other"))
    assert second.seq == 3 and second.previous_hash == first[-1].hash
    assert verify_journal().intact


def test_orm_refuses_update_and_delete():
    entry = _append(1)[0]
    entry.action = "rewritten"
    with pytest.raises(JournalImmutableError):
        entry.save()
    with pytest.raises(JournalImmutableError):
        entry.delete()
    with pytest.raises(JournalImmutableError):
        JournalEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(JournalImmutableError):
        JournalEntry.objects.all().delete()


def _edit_behind_the_orms_back(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # An operator with the table owner's rights can disable the trigger; the
            # chain must still catch what they do.
            cursor.execute("ALTER TABLE journal_journalentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE journal_journalentry ENABLE TRIGGER USER")


def test_verify_names_the_first_edited_entry():
    entries = _append(6)
    _edit_behind_the_orms_back(
        "UPDATE journal_journalentry SET payload = %s WHERE seq = %s", ['{"n": 99}', 4]
    )
    result = verify_journal()
    assert not result.intact
    assert result.broken_seq == 4
    assert "contenu" in result.reason
    with pytest.raises(CommandError, match="rompu à l'entrée n° 4"):
        call_command("verify_journal")
    assert entries  # the chain before entry 4 was checked
    assert result.checked == 3


def test_verify_catches_a_rewritten_field_and_its_recomputed_digest():
    _append(3)
    _edit_behind_the_orms_back(
        "UPDATE journal_journalentry SET actor_label = %s WHERE seq = %s", ["quelqu'un", 2]
    )
    result = verify_journal()
    assert result.broken_seq == 2 and "empreinte" in result.reason


def test_verify_catches_a_deleted_entry_in_the_middle_and_at_the_end():
    _append(4)
    _edit_behind_the_orms_back("DELETE FROM journal_journalentry WHERE seq = %s", [4])
    assert verify_journal().broken_seq == 4
    _edit_behind_the_orms_back("DELETE FROM journal_journalentry WHERE seq = %s", [2])
    result = verify_journal()
    assert result.broken_seq == 3 and "supprimée" in result.reason


def test_verify_journal_command_says_intact(capsys):
    _append(2)
    call_command("verify_journal")
    assert "intact" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger on PostgreSQL only")
def test_postgresql_trigger_refuses_raw_update_and_delete():
    _append(1)
    for sql in (
        "UPDATE journal_journalentry SET action = 'x'",
        "DELETE FROM journal_journalentry",
    ):
        with (
            pytest.raises(DatabaseError, match="ni modification ni suppression"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
