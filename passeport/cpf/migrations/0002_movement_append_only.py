"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the ledger's movements
(as on the journal): a balance can change only by appending a movement."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cpf_movement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'Un mouvement du compte CPF ne se modifie ni ne se supprime (compte '
            || OLD.account_id || ', mouvement ' || OLD.seq || ').',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cpf_movement_append_only
    BEFORE UPDATE OR DELETE ON cpf_movement
    FOR EACH ROW EXECUTE FUNCTION cpf_movement_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS cpf_movement_append_only ON cpf_movement;
DROP FUNCTION IF EXISTS cpf_movement_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cpf", "0001_accounts_ledger_declarations")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
