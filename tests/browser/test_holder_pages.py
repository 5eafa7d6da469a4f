"""The holder's pages in a real browser: no axe-core violation on any of them, the htmx
filters update the list and announce the count, and the phone layout works."""

import re

import pytest
from playwright.sync_api import expect

from passeport.records.models import DeclaredItem, EmploymentPeriod
from passeport.referentials.models import RomeSkill
from passeport.referentials.text import normalize
from tests.factories import UserFactory
from tests.www.holder.passports import passport

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def holder():
    user = UserFactory(holder=True, first_name="Angela", last_name="Dubois")
    passport(user.person, years=5)
    for ogr, label in {"100001": "Réaliser une soudure à l'arc", "100002": "Souder"}.items():
        RomeSkill.objects.create(
            ogr=ogr, label=label, kind="savoir_faire", search_text=normalize(label)
        )
    return user


def test_every_holder_page_is_accessible(logged_in, live_server, holder, axe):
    page = logged_in(holder)
    period = EmploymentPeriod.objects.filter(person=holder.person).first()
    item = DeclaredItem.objects.filter(person=holder.person).first()
    pages = {
        "passeport": "/mon-espace/",
        "passeport-filtre": "/mon-espace/?kind=emploi&assurance=guaranteed&q=boulang",
        "entree-garantie": f"/mon-espace/entrees/emploi/{period.public_id}/",
        "entree-declaree": f"/mon-espace/entrees/declaration/{item.public_id}/",
        "modifier": f"/mon-espace/entrees/declaration/{item.public_id}/modifier/",
        "supprimer": f"/mon-espace/entrees/declaration/{item.public_id}/supprimer/",
        "ajouter": "/mon-espace/declarer/",
        "ajouter-experience": "/mon-espace/declarer/experience/",
        "ajouter-diplome": "/mon-espace/declarer/diplome/",
        "ajouter-competence": "/mon-espace/declarer/competence/",
        "ajouter-prevention": "/mon-espace/declarer/prevention/",
        "mes-donnees": "/mon-espace/mes-donnees/",
        "prevention": "/mon-espace/prevention/",
    }
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        axe(page, name)


def test_htmx_filters_and_skill_picker(logged_in, live_server, holder, axe):
    page = logged_in(holder)
    page.goto(live_server.url + "/mon-espace/")
    status = page.locator("#timeline-status")
    expect(status).to_contain_text("30 entrées")
    # DSFR checkboxes are drawn on their label: click it, as a user does.
    page.locator("label[for=filtre_kind_0]").click()
    expect(status).to_have_text("5 entrées correspondant à vos filtres.")
    expect(page).to_have_url(re.compile(r"kind=emploi"))
    page.locator("#filtre_q").fill("boulangère 3")
    expect(status).to_have_text("1 entrée correspondant à vos filtres.")
    expect(page.locator("#timeline-list h3")).to_have_text(["Boulangère 3"])
    # The control keeps focus while the list changes.
    expect(page.locator("#filtre_q")).to_be_focused()
    axe(page, "passeport-htmx")

    page.goto(live_server.url + "/mon-espace/declarer/competence/")
    page.locator("#declaration_q").fill("soud")
    expect(page.locator("#skill-status")).to_have_text("2 compétences trouvées pour « soud ».")
    page.locator("label", has_text=re.compile(r"^\s*Souder\s*$")).click()
    page.get_by_role("button", name="Ajouter à mon passeport").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("1 élément ajouté")
    assert DeclaredItem.objects.filter(person=holder.person, rome_skills=["100002"]).exists()


def test_phone_layout(logged_in, live_server, holder, axe):
    page = logged_in(holder, width=390, height=844)
    page.goto(live_server.url + "/mon-espace/")
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe(page, "passeport-telephone")
    page.goto(live_server.url + "/mon-espace/prevention/")
    axe(page, "prevention-telephone")
