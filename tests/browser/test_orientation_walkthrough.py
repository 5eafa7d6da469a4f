"""The walkthrough of issue #16 in a real browser, on the demo data `make run` seeds: the
test identity « test » (Angela DUBOIS) logs in with FranceConnect, confirms a job she
held, picks a target job, sees what covers what and what is missing with the training
leads, keeps the target, shares it with the demo mission locale; its counsellor logs in
with ProConnect and writes a plan; Angela reads it, sees the read in her access log, and
revokes the access, after which the counsellor sees nothing."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from passeport.orientation.enums import GrantStatus
from passeport.orientation.models import ActionStep, CounsellingGrant
from passeport.referentials.loaders import EXTRACT_DIR
from tests.browser.test_newcomer_path import dev_idp  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = datetime.date.today()


@pytest.fixture
def demo():
    for command, options in (
        ("load_referentials", {"source": EXTRACT_DIR, "no_progress": True}),
        ("seed_demo", {"holders": 8, "seed": 1, "today": TODAY}),
    ):
        call_command(command, stdout=io.StringIO(), stderr=io.StringIO(), **options)


def _login(page, base, button, pattern):
    page.goto(base + "/identity/connexion/")
    page.locator(button).click()
    account = page.get_by_label("Identité de test")
    label = next(
        option for option in account.locator("option").all_inner_texts() if pattern in option
    )
    account.select_option(label=label)
    page.get_by_role("button", name="Continuer vers le service").click()


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()


def test_the_orientation_walkthrough(browser, dev_idp, demo, axe):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="fr-FR")
    page = context.new_page()
    base = dev_idp.url
    try:
        # The holder: FranceConnect, the conditions, « Mon orientation ».
        _login(page, base, "#franceconnect-button", "(test)")
        page.get_by_text("J'ai lu et j'accepte les conditions d'utilisation").click()
        page.get_by_role("button", name="Accepter et ouvrir mon passeport").click()
        page.get_by_role("link", name="Mon orientation").first.click()
        expect(page.get_by_role("heading", level=1, name="Mon orientation")).to_be_visible()
        confirm = page.get_by_role("button", name=re.compile("C'est bien ce métier"))
        if confirm.count():
            confirm.first.click()
            expect(page.locator(".fr-alert--success")).to_contain_text("métier confirmé")

        # A target job: search without accents, the gap, the leads.
        page.get_by_label("Quel métier visez-vous ?").fill("developpeur")
        page.get_by_role("button", name="Rechercher").click()
        page.get_by_role("link", name="Développeur / Développeuse informatique").click()
        for heading in ("Ce qui vous manque", "Ce que vous avez déjà", "Formations qui comblent"):
            expect(page.get_by_role("heading", name=re.compile(heading))).to_be_visible()
        expect(page.get_by_text(re.compile("arrivent avec le catalogue"))).to_be_visible()
        axe(page, "parcours-orientation-ecart")
        page.get_by_role("button", name="Garder ce métier").click()
        expect(page.locator(".fr-alert--success")).to_contain_text("ajouté à vos métiers visés")

        # Share with the demo mission locale.
        page.get_by_role("link", name="Mes conseillers").click()
        page.get_by_label("Organisation qui vous accompagne").select_option(
            label="Mission locale de démonstration"
        )
        page.get_by_text("Mon orientation : compétences, métiers visés et écarts").click()
        page.get_by_role("button", name="Accorder l'accès").click()
        expect(page.locator(".fr-alert--success")).to_contain_text("Accès accordé")
        _logout(page)

        # The counsellor: ProConnect, the dossier, a step of the plan.
        _login(page, base, "#proconnect-button", "Mission locale de démonstration")
        page.get_by_role("link", name="Personnes accompagnées (accès accordés)").click()
        page.get_by_role("link", name=re.compile("Ouvrir le dossier de Angela")).click()
        expect(page.get_by_role("heading", name="Métiers visés")).to_be_visible()
        axe(page, "parcours-orientation-conseiller")
        page.get_by_label("Étape", exact=True).fill("Rencontrer un développeur en poste")
        page.get_by_role("button", name="Ajouter au plan d'action").click()
        expect(page.locator(".fr-alert--success")).to_contain_text("Étape ajoutée")
        _logout(page)

        # The holder reads the plan, sees the read, revokes.
        _login(page, base, "#franceconnect-button", "(test)")
        page.goto(base + "/mon-espace/orientation/conseillers/")
        page.get_by_role("link", name="Mission locale de démonstration").first.click()
        expect(page.get_by_text("Rencontrer un développeur en poste")).to_be_visible()
        expect(
            page.get_by_text(re.compile(r"\(accompagnement\) : passeport")).first
        ).to_be_visible()
        page.get_by_role("button", name="Révoquer cet accès").click()
        expect(page.locator(".fr-alert--success")).to_contain_text("révoqué")
    finally:
        context.close()

    grant = CounsellingGrant.objects.get(person__birth_name="DUBOIS")
    assert grant.status == GrantStatus.REVOKED
    assert ActionStep.objects.filter(grant=grant).count() == 1
