"""Step 3: what the holder declares, edits (a new version) and deletes (cancelled)."""

import datetime

import pytest

from passeport.journal.models import JournalEntry
from passeport.records.enums import Assurance, RecordStatus, SourceKind
from passeport.records.models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    Engagement,
    PreventionTraining,
    Training,
)
from passeport.referentials.models import RomeSkill
from passeport.referentials.text import normalize

pytestmark = pytest.mark.django_db


def declare(client, slug, data):
    return client.post(f"/mon-espace/declarer/{slug}/", data)


@pytest.mark.parametrize(
    ("slug", "data", "model", "expected"),
    [
        (
            "experience",
            {
                "job_title": "Serveuse",
                "employer_name": "Café de Lyon",
                "contract_nature": "02",
                "start_date": "2001-06-01",
                "end_date": "2001-09-30",
            },
            EmploymentPeriod,
            {"job_title": "Serveuse", "contract_nature": "02"},
        ),
        (
            "engagement",
            {
                "engagement_kind": "volunteering",
                "organisation_name": "Restos du cœur",
                "role": "Distribution",
                "start_date": "2019-01-01",
                "hours": "120",
            },
            Engagement,
            {"engagement_kind": "volunteering", "hours": 120},
        ),
        (
            "diplome",
            {
                "title": "CAP Boulanger",
                "certification_kind": "RNCP",
                "code": "rncp 37 204",
                "level": "3",
                "certifier_name": "Ministère de l'Éducation nationale",
                "awarded_on": "1999-06-30",
            },
            Certification,
            {"code": "RNCP37204", "level": 3, "certifier_id": None},
        ),
        (
            "diplome-etranger",
            {
                "title": "Licenciatura en Derecho",
                "organisation_name": "Universidad de Salamanca",
                "country": "Espagne",
                "start_date": "2005-07-01",
            },
            DeclaredItem,
            {"item_kind": "foreign_diploma", "details": {"country": "Espagne"}},
        ),
        (
            "formation",
            {"title": "Excel avancé", "start_date": "2020-02-01", "hours": "14"},
            Training,
            {"hours": 14, "provider_id": None},
        ),
        (
            "prevention",
            {
                "title": "Habilitation électrique B1V",
                "declaration_kind": "JDR",
                "end_date": "2024-01-10",
                "valid_from": "2024-01-10",
                "valid_until": "2027-01-10",
            },
            PreventionTraining,
            {"declaration_kind": "JDR", "valid_until": datetime.date(2027, 1, 10)},
        ),
        (
            "langue",
            {"title": "Italien", "language_level": "C1"},
            DeclaredItem,
            {"item_kind": "language", "language_level": "C1"},
        ),
        (
            "permis",
            {"category": "CE", "start_date": "2010-05-05"},
            DeclaredItem,
            {"item_kind": "driving_licence", "title": "Permis CE"},
        ),
        (
            "carte-pro",
            {"title": "Carte d'identification professionnelle BTP", "end_date": "2030-01-01"},
            DeclaredItem,
            {"item_kind": "professional_card"},
        ),
        (
            "autre-experience",
            {"title": "Graphiste indépendante", "start_date": "2012-01-01"},
            DeclaredItem,
            {"item_kind": "experience"},
        ),
    ],
)
def test_declare_each_kind(holder_client, holder, slug, data, model, expected):
    assert holder_client.get(f"/mon-espace/declarer/{slug}/").status_code == 200
    response = declare(holder_client, slug, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    record = model.objects.get(person=holder.person)
    assert record.source_kind == SourceKind.HOLDER
    assert record.assurance == Assurance.DECLARED
    assert record.publication == "private"
    for name, value in expected.items():
        assert getattr(record, name) == value, name
    assert JournalEntry.objects.filter(action="record.stored", person_id=holder.person.pk)
    html = holder_client.get(response["Location"]).content.decode()
    assert "Donnée déclarée" in html


def test_form_errors_are_shown(holder_client, holder):
    response = declare(
        holder_client,
        "experience",
        {"job_title": "", "employer_name": "X", "start_date": "2020-01-01", "end_date": "2019"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "fr-input-group--error" in html
    assert not EmploymentPeriod.objects.exists()
    response = declare(
        holder_client,
        "diplome",
        {"title": "X", "certification_kind": "RS", "code": "RNCP12", "awarded_on": "2020-01-01"},
    )
    assert "Le code attendu commence par RS suivi de chiffres." in response.content.decode()


def test_unknown_form_is_404(holder_client):
    assert holder_client.get("/mon-espace/declarer/nimporte/").status_code == 404


def test_choose_lists_every_form(holder_client):
    html = holder_client.get("/mon-espace/declarer/").content.decode()
    for slug in ("experience", "diplome-etranger", "competence", "langue", "permis", "carte-pro"):
        assert f'href="/mon-espace/declarer/{slug}/"' in html


@pytest.fixture
def skills():
    labels = {
        "100001": "Réaliser une soudure à l'arc",
        "100002": "Contrôler une soudure",
        "100003": "Accueillir une clientèle",
    }
    return [
        RomeSkill.objects.create(
            ogr=ogr, label=label, kind="savoir_faire", search_text=normalize(label)
        )
        for ogr, label in labels.items()
    ]


def test_skills_search_then_pick_with_htmx(holder_client, holder, skills):
    response = holder_client.get(
        "/mon-espace/declarer/competence/recherche/",
        {"q": "soudure", "rome_skills": ["100003"]},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "2 compétences trouvées pour « soudure »." in html
    assert 'hx-swap-oob="innerHTML"' in html
    # The ticked skill stays ticked, the results follow.
    assert 'value="100003"' in html and "checked" in html
    assert "Réaliser une soudure à l&#x27;arc" in html and "Contrôler une soudure" in html
    response = declare(
        holder_client, "competence", {"rome_skills": ["100001", "100003"], "free_text": "Pétrir"}
    )
    assert response.status_code == 302
    items = DeclaredItem.objects.filter(person=holder.person).order_by("title")
    assert [(i.title, i.rome_skills) for i in items] == [
        ("Accueillir une clientèle", ["100003"]),
        ("Pétrir", []),
        ("Réaliser une soudure à l'arc", ["100001"]),
    ]


def test_skills_search_without_javascript(holder_client, holder, skills):
    response = declare(holder_client, "competence", {"q": "accueil", "action": "search"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 compétence trouvée pour « accueil »." in html
    assert 'value="100003"' in html
    assert not DeclaredItem.objects.exists()
    # An unknown code is refused.
    response = declare(holder_client, "competence", {"rome_skills": ["999999"]})
    assert response.status_code == 400
    assert not DeclaredItem.objects.exists()
    response = declare(holder_client, "competence", {})
    assert "Choisissez au moins une compétence" in response.content.decode()


def test_edit_makes_a_new_version(holder_client, holder):
    declare(holder_client, "langue", {"title": "Italien", "language_level": "B1"})
    item = DeclaredItem.objects.get()
    path = f"/mon-espace/entrees/declaration/{item.public_id}/modifier/"
    html = holder_client.get(path).content.decode()
    assert 'value="Italien"' in html
    response = holder_client.post(path, {"title": "Italien", "language_level": "C1"})
    assert response.status_code == 302
    item.refresh_from_db()
    new = DeclaredItem.objects.get(status=RecordStatus.ACTIVE)
    assert item.status == RecordStatus.SUPERSEDED
    assert (new.lineage, new.version, new.language_level) == (item.lineage, 2, "C1")
    assert response["Location"] == f"/mon-espace/entrees/declaration/{new.public_id}/"
    # The superseded version is no longer editable.
    assert holder_client.get(path).status_code == 403


def test_edit_an_experience(holder_client, holder):
    declare(
        holder_client,
        "experience",
        {"job_title": "Serveuse", "employer_name": "Café", "start_date": "2001-06-01"},
    )
    period = EmploymentPeriod.objects.get()
    path = f"/mon-espace/entrees/emploi/{period.public_id}/modifier/"
    assert 'value="2001-06-01"' in holder_client.get(path).content.decode()
    response = holder_client.post(
        path,
        {
            "job_title": "Serveuse",
            "employer_name": "Café",
            "start_date": "2001-06-01",
            "end_date": "2001-05-01",
        },
    )
    assert response.status_code == 400
    assert "La date de fin suit la date de début." in response.content.decode()


def test_delete_cancels(holder_client, holder):
    declare(holder_client, "langue", {"title": "Italien", "language_level": "B1"})
    item = DeclaredItem.objects.get()
    path = f"/mon-espace/entrees/declaration/{item.public_id}/supprimer/"
    assert holder_client.get(path).status_code == 200
    assert holder_client.post(path, {}).status_code == 400  # not confirmed
    assert holder_client.post(path, {"confirm": "on"}).status_code == 302
    item.refresh_from_db()
    assert item.status == RecordStatus.CANCELLED
    assert JournalEntry.objects.filter(action="record.cancelled").count() == 1
    response = holder_client.get("/mon-espace/")
    assert "« Langue : Italien » a été supprimée de votre passeport." in response.content.decode()
    assert response.context["count"] == 0
