"""Step 5 and 7: downloads of everything held (JSON, CSV in a ZIP), the access log, and
reads by others journaled through `record_read`."""

import csv
import datetime
import io
import json
import zipfile
from unittest import mock

import pytest
from django.utils import timezone

from passeport.identity.journal import log_login
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.people.nir import format_nir
from passeport.records import services as records
from passeport.records.models import EmploymentPeriod
from passeport.www.holder.access import record_read
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_no_nir(text, person):
    nir = person.reveal_nir()
    assert nir not in text and nir[:13] not in text


def test_json_export_has_every_version_with_provenance(holder_client, holder, entries):
    period = EmploymentPeriod.objects.get(person=holder.person)
    records.revise(period, actor=Actor.system("dsn"), reason="Fin", job_title="Cheffe")
    response = holder_client.get("/mon-espace/mes-donnees/mon-passeport.json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert_no_nir(text, holder.person)
    data = json.loads(text)
    assert data["titulaire"]["nom_de_naissance"] == holder.person.birth_name
    assert data["titulaire"]["nir_masque"] == format_nir(holder.person.reveal_nir())
    jobs = data["entrees"]["emploi"]
    assert [(j["version"], j["job_title"], j["etat"]) for j in jobs] == [
        (1, "Boulangère 0", "Remplacée par une version plus récente"),
        (2, "Cheffe", "En vigueur"),
    ]
    assert jobs[0]["provenance"].startswith("Déclaration sociale nominative de votre employeur")
    assert jobs[0]["siret_declarant"] == period.declarant.siret
    assert "person_id" not in jobs[0] and "id" not in jobs[0]
    assert set(data["entrees"]) == {
        "emploi",
        "diplome",
        "formation",
        "prevention",
        "engagement",
        "declaration",
    }


def test_zip_export_has_one_csv_per_kind(holder_client, holder, entries):
    response = holder_client.get("/mon-espace/mes-donnees/mon-passeport.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert names == {
        "titulaire.csv",
        "emploi.csv",
        "diplome.csv",
        "formation.csv",
        "prevention.csv",
        "engagement.csv",
        "declaration.csv",
    }
    for name in names:
        assert_no_nir(archive.read(name).decode("utf-8-sig"), holder.person)
    rows = list(
        csv.DictReader(io.StringIO(archive.read("diplome.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0]["code"] == "RNCP34321"
    assert rows[0]["provenance"] == "Certificateur Université de Lille"
    assert json.loads(rows[0]["blocs"])[0]["code"] == "RNCP34321BC01"


def test_access_log_shows_reads_by_others_and_logins(holder_client, holder, entries):
    employer_user = UserFactory(first_name="Paul", last_name="Martin")
    assert record_read(holder.person, employer_user, "passeport de prévention") is not None
    assert record_read(holder.person, holder, "mon passeport") is None  # the holder's own
    assert record_read(holder.person, Actor.for_user(holder), "mon passeport") is None
    record_read(holder.person, Actor("operator", "op-1", "Agent Caisse des Dépôts"), "fiche")
    log_login(holder, "franceconnect_plus", "eidas2")
    reads = JournalEntry.objects.filter(action="person.read", person_id=holder.person.pk)
    assert reads.count() == 2

    html = holder_client.get("/mon-espace/mes-donnees/").content.decode()
    assert "Paul Martin (professionnel)" in html
    assert "Consultation de vos données : passeport de prévention" in html
    assert "Agent Caisse des Dépôts (opérateur)" in html
    assert "Connexion à votre espace avec FranceConnect+" in html
    assert ">Vous<" in html
    assert format_nir(holder.person.reveal_nir()) in html
    assert_no_nir(html, holder.person)


def test_the_holders_own_pages_are_not_journaled(holder_client, holder, entries):
    before = JournalEntry.objects.count()
    period = EmploymentPeriod.objects.get(person=holder.person)
    holder_client.get("/mon-espace/")
    holder_client.get(f"/mon-espace/entrees/emploi/{period.public_id}/")
    holder_client.get("/mon-espace/mes-donnees/mon-passeport.json")
    assert JournalEntry.objects.count() == before


def test_an_employer_reloading_a_list_appears_once_per_visit(holder_client, holder, entries):
    """The access log groups identical reads of one visit, with their count; a read of
    something else, another reader or a read after a pause starts a new line. The journal
    keeps every read."""
    employer_user = UserFactory(first_name="Paul", last_name="Martin")
    for _ in range(5):
        record_read(holder.person, employer_user, "Tableau de suivi")
    record_read(holder.person, employer_user, "Fiche du salarié")
    record_read(holder.person, UserFactory(first_name="Léa", last_name="Roux"), "Tableau de suivi")
    # The next morning, the same list again: a new visit.
    tomorrow = timezone.now() + datetime.timedelta(hours=15)
    with mock.patch("passeport.journal.services.timezone.now", return_value=tomorrow):
        record_read(holder.person, employer_user, "Tableau de suivi")

    assert (
        JournalEntry.objects.filter(person_id=holder.person.pk, action="person.read").count() == 8
    )
    html = holder_client.get("/mon-espace/mes-donnees/").content.decode()
    assert html.count("Consultation de vos données : Tableau de suivi") == 3
    assert "5 consultations depuis" in html
    assert html.count("Consultation de vos données : Fiche du salarié") == 1
