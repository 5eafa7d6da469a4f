"""The portal's set-up: the initial pages, once; operators' edits never overwritten; the
six family pages with the catalogue's trainings; the site, groups and moderation."""

from django.test import Client
from wagtail.models import Page, Site, WorkflowPage

from passeport.portal.content import all_specs
from passeport.portal.models import ContentPage, PortalHomePage, RiskFamilyPage
from passeport.portal.setup import setup_portal
from passeport.prevention import catalogue


def test_setup_creates_every_page_once_and_keeps_edits(portal):
    specs = all_specs()
    assert Page.objects.filter(depth__gte=2).count() == len(specs)
    page = ContentPage.objects.get(portal_key="employeurs")
    page.title = "Employeurs : vos obligations"
    page.save_revision().publish()

    report = setup_portal()

    assert report.created == []
    assert len(report.kept) == len(specs)
    assert Page.objects.filter(depth__gte=2).count() == len(specs)
    assert ContentPage.objects.get(portal_key="employeurs").title == "Employeurs : vos obligations"


def test_setup_recreates_a_deleted_page(portal):
    ContentPage.objects.get(portal_key="faq").delete()
    report = setup_portal()
    assert report.created == ["faq"]


def test_portal_is_the_site_root_with_moderation(portal):
    assert Site.objects.get(is_default_site=True).root_page_id == portal.pk
    workflow = WorkflowPage.objects.get(page=portal).workflow
    assert workflow.active
    assert [task.name for task in workflow.tasks] == ["Validation par un modérateur"]
    # Wagtail's own welcome page is gone.
    assert not Page.objects.filter(depth=2).exclude(pk=portal.pk).exists()


def test_one_page_per_risk_family_with_the_catalogue_trainings(portal):
    pages = {page.family: page for page in RiskFamilyPage.objects.live()}
    assert set(pages) == set(catalogue.RiskFamily.values)
    client = Client()
    for family, page in pages.items():
        html = client.get(page.url).content.decode()
        for kind in catalogue.KINDS:
            if family in kind.risk_families:
                assert kind.label.replace("'", "&#x27;") in html, (family, kind.code)
                assert kind.renewal_label in html
            elif not set(kind.risk_families) & {family}:
                assert f'<th scope="row">{kind.label}</th>' not in html


def test_every_initial_page_answers_and_names_its_legal_texts(portal):
    client = Client()
    for page in Page.objects.live().specific().filter(depth__gte=2):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
    for key in ("titulaires", "employeurs", "organismes-de-formation", "certificateurs", "faq"):
        html = client.get(ContentPage.objects.get(portal_key=key).url).content.decode()
        assert "Code du travail" in html or "Décret" in html, key


def test_home_page_tiles_lead_to_pages(portal):
    html = Client().get(PortalHomePage.objects.get().url).content.decode()
    for key in (
        "titulaires",
        "employeurs",
        "organismes-de-formation",
        "certificateurs",
        "financeurs",
    ):
        assert f'href="{ContentPage.objects.get(portal_key=key).url}"' in html
    assert 'href="/prevention/eligibilite/"' in html
    assert 'href="/verifier/"' in html
