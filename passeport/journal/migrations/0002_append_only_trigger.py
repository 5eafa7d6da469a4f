"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the journal, so that
not even raw SQL through the application's connection can rewrite history. (TRUNCATE,
a table owner's privilege, is left to operators and to the test runner.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION journal_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'Le journal n''accepte ni modification ni suppression (entrée '
            || OLD.seq || ').',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_entry_append_only
    BEFORE UPDATE OR DELETE ON journal_journalentry
    FOR EACH ROW EXECUTE FUNCTION journal_entry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS journal_entry_append_only ON journal_journalentry;
DROP FUNCTION IF EXISTS journal_entry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
