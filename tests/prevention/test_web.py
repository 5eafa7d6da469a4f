"""The professional pages: the web form, the file import (status, report, corrected file,
templates), mostly from the attacker's side."""

import pytest
from django.urls import reverse

from passeport.prevention.models import Declaration, DeclarationLine, PreventionImport
from passeport.records.models import PreventionTraining
from tests.factories import OrganisationFactory, UserFactory

from .helpers import adf_values, csv_bytes, member, upload

pytestmark = pytest.mark.django_db


def form_data(persons, employer=None, **overrides):
    data = {
        "declaration_id": "WEB-TEST1",
        "role": "provider",
        "reference": "SESSION-WEB",
        "title": "Sauveteur secouriste du travail (SST)",
        "start_date": "2026-03-09",
        "end_date": "2026-03-10",
        "modality": "PRESENTIEL",
        "transferable_skills": "H2909/H2913/I1304",
        "trainer_qualifications": ["PREVENTEUR"],
        "certifying": "NON",
        "formacodes": "42866",
        "nsf_codes": "344t",
        "valid_from": "2026-03-10",
        "valid_until": "",
        "stagiaires-TOTAL_FORMS": str(len(persons) + 1),
        "stagiaires-INITIAL_FORMS": "0",
        "stagiaires-MIN_NUM_FORMS": "0",
        "stagiaires-MAX_NUM_FORMS": "50",
    }
    for i, person in enumerate(persons):
        data[f"stagiaires-{i}-nir"] = person.reveal_nir()[:13]
        data[f"stagiaires-{i}-birth_name"] = person.birth_name
        if employer and i == 0:
            data[f"stagiaires-{i}-employer_siret"] = employer.siret
            data[f"stagiaires-{i}-employer_reference"] = "BC-1"
    data.update(overrides)
    return data


def declare_url(organisation, kind="ADF"):
    return reverse("pro:prevention_declare", args=[organisation.public_id]) + f"?type={kind}"


def test_declare_by_web_form(client, referentials, provider, provider_user, employer, persons):
    client.force_login(provider_user)
    page = client.get(declare_url(provider))
    assert page.status_code == 200
    assert "Stagiaire 3" in page.content.decode()

    response = client.post(declare_url(provider), form_data(persons[:2], employer))

    assert response.status_code == 302, response.content.decode()[:3000]
    declaration = Declaration.objects.get()
    assert declaration.channel == "web" and declaration.created_by == provider_user
    lines = list(DeclarationLine.objects.order_by("partner_unique_id"))
    assert [line.partner_unique_id for line in lines] == ["WEB-TEST1-001", "WEB-TEST1-002"]
    assert lines[0].employer == employer
    record = PreventionTraining.objects.get(lineage=lines[0].lineage)
    assert record.source_reference == "formulaire en ligne"
    # The same form sent twice declares nothing more.
    again = client.post(declare_url(provider), form_data(persons[:2], employer))
    assert again.status_code == 302
    assert DeclarationLine.objects.count() == 2


def test_web_form_says_what_does_not_match_field_by_field(
    client, referentials, provider, provider_user, persons
):
    client.force_login(provider_user)
    data = form_data(persons[:2], **{"stagiaires-1-birth_name": "INCONNU"})
    data["valid_from"] = "2026-03-01"

    response = client.post(declare_url(provider), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Le nom de naissance ne correspond pas" in page
    assert "commence avant la fin de la formation" in page
    assert not DeclarationLine.objects.exists(), "all or nothing on the web form"


def test_add_a_trainee_row_without_javascript(
    client, referentials, provider, provider_user, persons
):
    client.force_login(provider_user)
    data = form_data(persons[:1], add_row="1")
    response = client.post(declare_url(provider), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stagiaire 3" in page and "SESSION-WEB" in page
    assert not DeclarationLine.objects.exists()


def test_trainee_check_htmx(client, referentials, provider, provider_user, persons):
    client.force_login(provider_user)
    url = reverse("pro:prevention_check_trainee", args=[provider.public_id])
    person = persons[0]
    ok = client.post(
        url,
        {
            "prefix": "stagiaires-0",
            "stagiaires-0-nir": person.reveal_nir()[:13],
            "stagiaires-0-birth_name": person.birth_name,
        },
        headers={"HX-Request": "true"},
    )
    assert "reconnus" in ok.content.decode()
    wrong = client.post(
        url,
        {
            "prefix": "stagiaires-0",
            "stagiaires-0-nir": person.reveal_nir()[:13],
            "stagiaires-0-birth_name": "AUTRE",
        },
    )
    assert "ne correspond pas" in wrong.content.decode()
    assert person.reveal_nir()[:13] not in wrong.content.decode()


def test_rome_search_without_javascript(client, referentials, provider, provider_user):
    client.force_login(provider_user)
    page = client.get(declare_url(provider) + "&rome=H2909")
    assert "Codes ROME pour" in page.content.decode()
    assert "Métier H2909" in page.content.decode()


def test_file_import_pages(
    client, referentials, provider, provider_user, persons, django_capture_on_commit_callbacks
):
    client.force_login(provider_user)
    data = csv_bytes([adf_values(persons[0]), adf_values(persons[1], NOM_TITULAIRE="X")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pro:prevention_upload", args=[provider.public_id]),
            {"kind": "ADF", "role": "provider", "file": upload(data)},
        )
    imported = PreventionImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:prevention_import", args=[imported.public_id])

    page = client.get(response["Location"])
    content = page.content.decode()
    assert "1 ligne(s) acceptée(s)" in content
    assert "NOM_TITULAIRE" in content and "<caption>Lignes rejetées" in content
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert fragment.content.decode().startswith('<div id="import-status"')

    corrected = client.get(reverse("pro:prevention_import_corrected", args=[imported.public_id]))
    text = b"".join(corrected.streaming_content).decode()
    assert len(text.splitlines()) == 2 and "|X|" in text
    report = client.get(reverse("pro:prevention_import_report", args=[imported.public_id, "csv"]))
    assert "NOM_TITULAIRE" in report.content.decode()

    home = client.get(reverse("pro:prevention_home", args=[provider.public_id]))
    assert imported.file_name in home.content.decode()


def test_templates_download(client, provider, provider_user):
    client.force_login(provider_user)
    for kind in ("adf", "jdr"):
        for fmt in ("csv", "xlsx"):
            url = reverse("pro:prevention_template", args=[provider.public_id, kind, fmt])
            response = client.get(url)
            assert response.status_code == 200
            assert f"modele-{kind}.{fmt}" in response["Content-Disposition"]


def test_another_organisation_cannot_see_an_import_or_its_report(
    client, referentials, provider, provider_user, persons
):
    client.force_login(provider_user)
    client.post(
        reverse("pro:prevention_upload", args=[provider.public_id]),
        {"kind": "ADF", "role": "provider", "file": upload(csv_bytes([adf_values(persons[0])]))},
    )
    imported = PreventionImport.objects.get()
    urls = [
        reverse("pro:prevention_import", args=[imported.public_id]),
        reverse("pro:prevention_import_report", args=[imported.public_id, "json"]),
        reverse("pro:prevention_import_corrected", args=[imported.public_id]),
        reverse("pro:prevention_home", args=[provider.public_id]),
        declare_url(provider),
    ]
    outsider = member(OrganisationFactory(training_provider=True))
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(UserFactory(holder=True))
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the login page


def test_an_organisation_neither_provider_nor_employer_cannot_declare(
    client, referentials, persons
):
    certifier = OrganisationFactory(certifier=True)
    user = member(certifier)
    client.force_login(user)
    assert client.get(declare_url(certifier)).status_code == 403
    response = client.post(declare_url(certifier), form_data(persons[:1]))
    assert response.status_code == 403
    upload_url = reverse("pro:prevention_upload", args=[certifier.public_id])
    assert client.get(upload_url).status_code == 403
    assert not DeclarationLine.objects.exists()


def test_dashboard_links_to_declarations(client, provider, provider_user):
    client.force_login(provider_user)
    page = client.get(reverse("pro:dashboard")).content.decode()
    assert reverse("pro:prevention_home", args=[provider.public_id]) in page
