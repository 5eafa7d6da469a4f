"""LHEO 2.3 export valid against the XSD, import back (idempotent by the provider's
identifiers), French errors with line and element; CSV import of sessions."""

import datetime

import pytest
from lxml import etree

from passeport.catalog import lheo, sessions_csv
from passeport.catalog.lheo_export import export_offer
from passeport.catalog.models import Action, Session, Training

from .helpers import fiche, offer, provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    made = provider()
    fiche(certifier=made)
    offer(made, ref="WEB", code="RNCP37827", codes={"formacode": ["31054"], "rome": ["M1805"]})
    offer(made, ref="ANG", title="Anglais", modality="remote", commune_code="")
    return made


def test_export_is_valid_and_round_trips(org):
    document = export_offer(org)
    tree = etree.fromstring(document).getroottree()
    assert lheo.schema().validate(tree), lheo.schema().error_log
    report = lheo.import_offer(org, document)
    assert report.ok, report.errors
    assert (report.trainings, report.actions, report.sessions) == (2, 2, 2)
    assert (Training.objects.count(), Action.objects.count(), Session.objects.count()) == (2, 2, 2)
    assert export_offer(org) == document
    changed = document.replace(b"<intitule-formation>Anglais<", b"<intitule-formation>Anglais B2<")
    assert lheo.import_offer(org, changed).ok
    assert Training.objects.get(provider_ref="ANG").title == "Anglais B2"
    assert Training.objects.get(provider_ref="WEB").certification_code == "RNCP37827"


def test_another_providers_file_is_refused_formation_by_formation(org):
    document = export_offer(org)
    other = provider()
    report = lheo.import_offer(other, document)
    assert len(report.errors) == 2
    assert "SIRET de l'organisme responsable" in report.errors[0]
    assert report.errors[0].startswith("ligne ")
    assert not Training.objects.filter(provider=other).exists()


def test_schema_errors_are_named_by_line_and_element_in_french(org):
    document = export_offer(org).replace(b"<certifiante>", b"<inconnu>x</inconnu><certifiante>", 1)
    report = lheo.import_offer(org, document)
    assert report.errors and "élément « inconnu » : élément inattendu" in report.errors[0]
    assert report.errors[0].startswith("ligne ")


def test_hostile_files_are_refused_before_costing_anything(org):
    doctype = b'<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY a "aaaa">]><lheo xmlns="http://lheo.gouv.fr/2.3">&a;</lheo>'
    assert "DOCTYPE" in lheo.import_offer(org, doctype).errors[0]
    assert "mal formé" in lheo.import_offer(org, b"<lheo").errors[0]
    assert "trop volumineux" in lheo.import_offer(org, b" " * (lheo.MAX_BYTES + 1)).errors[0]


def test_csv_of_sessions(org):
    start = datetime.date.today() + datetime.timedelta(days=40)
    content = (
        "formation;action;session;debut;fin;etat;places\n"
        f"WEB;WEB-A;S2;{start:%d/%m/%Y};{start + datetime.timedelta(days=9):%d/%m/%Y};ouvert;12\n"
        "WEB;WEB-A;S3;31/02/2027;01/03/2027;ouvert;\n"
        "WEB;NOPE;S4;01/03/2027;01/03/2027;ouvert;\n"
    ).encode()
    report = sessions_csv.import_sessions(org, content)
    assert report.accepted == 1
    assert report.errors == [
        "ligne 3, colonne debut : date inexistante.",
        "ligne 4, colonne action : action « NOPE » de la formation « WEB » inconnue.",
    ]
    assert sessions_csv.import_sessions(org, content).accepted == 1  # idempotent
    assert Session.objects.filter(provider_ref="S2").count() == 1


def test_bulk_actions_on_files_from_a_csv(org):
    from django.utils import timezone

    from passeport.catalog import bulk_files, files
    from passeport.catalog.enums import FileState
    from passeport.catalog.models import TrainingFile
    from passeport.catalog.workdays import add_working_days
    from tests.factories import PersonFactory

    from .helpers import PROVIDER_ACTOR, holder_actor

    session = Session.objects.filter(provider_ref="WEB-S").get()
    today = timezone.localdate()
    made = []
    for _ in range(2):
        person = PersonFactory()
        made.append(files.apply(person, session, actor=holder_actor(person), today=today))
    start = add_working_days(today, 12)
    content = (
        ";".join(bulk_files.COLUMNS) + "\n"
        f"{made[0].reference};valider;;1500,00;{start:%d/%m/%Y};{start:%d/%m/%Y};35;;;;\n"
        f"{made[1].reference};refuser;;;;;;provider_full;;;\n"
        f"{made[1].reference};entree;{today:%d/%m/%Y};;;;;;;;\n"
        "CPF0000000000;valider;;1;;;;;;;\n"
    ).encode()
    report = bulk_files.run(org, content, PROVIDER_ACTOR)
    assert report.done == 2
    assert report.errors[0].startswith("ligne 4 : Un dossier « Refusé par l'organisme »")
    assert report.errors[1] == "ligne 5, colonne dossier : dossier inconnu."
    states = [TrainingFile.objects.get(pk=f.pk).state for f in made]
    assert states == [FileState.VALIDATED, FileState.REFUSED_BY_PROVIDER]
