"""The newcomer's path, end to end in a real browser, as the issue states it: home page →
« Se connecter » → FranceConnect → the development provider → the test identity « test »
(Angela DUBOIS) → the conditions → « Mon espace » with a believable passport (a career,
a diploma, a prevention training expiring soon) → declare an experience → publish entries
→ download the data → see the login in the access log. Every page visited is axe-checked.

The relying parties are pointed at the development provider served by the live server
itself, as in tests/identity."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from passeport.journal.actors import Actor
from passeport.records import services as records
from passeport.records.enums import SourceKind
from passeport.records.models import Certification, EmploymentPeriod, PreventionTraining
from passeport.users.models import User
from tests.factories import OrganisationFactory
from tests.identity.helpers import angela_identity, person_for

pytestmark = pytest.mark.django_db(transaction=True)

MODES = {
    "franceconnect": "franceconnect",
    "franceconnect_plus": "franceconnect-plus",
    "proconnect": "proconnect",
}


@pytest.fixture
def dev_idp(live_server, settings):
    """Relying parties pointed at the development provider of the live server."""
    cache.clear()  # rate limits
    settings.OIDC_PROVIDERS = {
        provider: {
            **settings.OIDC_PROVIDERS[provider],
            "discovery_url": f"{live_server.url}/dev-idp/{mode}/.well-known/openid-configuration",
            "client_id": f"passeport-{mode}",
            "client_secret": f"secret-{mode}",
        }
        for provider, mode in MODES.items()
    }
    yield live_server
    cache.clear()


@pytest.fixture
def angela():
    """FranceConnect's test identity « test », with a believable passport: two jobs
    (DSN), a diploma (accrochage), two prevention trainings, one expiring within 90 days."""
    identity = angela_identity()
    person = person_for(identity)
    today = timezone.localdate()
    now = timezone.now()
    bakery = OrganisationFactory(name="Boulangerie Dupain")
    hospital = OrganisationFactory(name="Centre hospitalier de Lens")
    university = OrganisationFactory(certifier=True, name="Université de Lille")
    provider = OrganisationFactory(training_provider=True, name="Formapro Hauts-de-France")

    def job(employer, title, start, end):
        return records.build_record(
            EmploymentPeriod,
            person,
            records.Provenance(SourceKind.DSN, now, employer, f"DSN {start:%Y-%m}"),
            employer=employer,
            employer_name=employer.name,
            siret=employer.siret,
            contract_nature="01",
            job_title=title,
            start_date=start,
            end_date=end,
        )

    def prevention(title, kind, valid_from, valid_until):
        return records.build_record(
            PreventionTraining,
            person,
            records.Provenance(SourceKind.TRAINING_PROVIDER, now, provider, f"{kind} {title}"),
            declaration_kind=kind,
            title=title,
            provider_name=provider.name,
            start_date=valid_from - datetime.timedelta(days=1),
            end_date=valid_from,
            valid_from=valid_from,
            valid_until=valid_until,
        )

    records.store_many(
        [
            job(
                bakery,
                "Vendeuse en boulangerie",
                datetime.date(2004, 9, 1),
                datetime.date(2011, 6, 30),
            ),
            job(hospital, "Agente de service hospitalier", datetime.date(2011, 9, 1), None),
            records.build_record(
                Certification,
                person,
                records.Provenance(SourceKind.ACCROCHAGE, now, university, "passage 2010"),
                certification_kind="RNCP",
                code="RNCP35832",
                title="Titre professionnel agent de service médico-social",
                level=3,
                certifier=university,
                certifier_name=university.name,
                awarded_on=datetime.date(2010, 7, 1),
            ),
            prevention(
                "Sauveteur secouriste du travail",
                "ADF",
                today - datetime.timedelta(days=2 * 365 - 40),
                today + datetime.timedelta(days=40),
            ),
            prevention(
                "Habilitation électrique H0B0",
                "ADF",
                today - datetime.timedelta(days=200),
                today + datetime.timedelta(days=3 * 365),
            ),
        ],
        actor=Actor.system("tests"),
    )
    return identity


def test_a_newcomer_logs_in_reads_declares_publishes_downloads_and_sees_the_log(
    browser, dev_idp, angela, axe, tmp_path
):
    context = browser.new_context(
        viewport={"width": 1280, "height": 1400}, locale="fr-FR", accept_downloads=True
    )
    page = context.new_page()
    try:
        _path(page, dev_idp.url, angela, axe, tmp_path)
    finally:
        context.close()


def _path(page, base, angela, axe, tmp_path):
    # Home page → « Se connecter » → the FranceConnect button.
    page.goto(base + "/")
    axe(page, "parcours-accueil")
    page.get_by_role("link", name="Se connecter").first.click()
    expect(page.get_by_role("heading", level=1, name="Se connecter")).to_be_visible()
    axe(page, "parcours-connexion")
    page.locator("#franceconnect-button").click()

    # The development provider: pick the test identity « test ».
    expect(page).to_have_url(re.compile(r"/dev-idp/franceconnect/"))
    account = page.get_by_label("Identité de test")
    expect(account).to_be_visible()
    axe(page, "parcours-fournisseur")
    label = next(
        option
        for option in account.locator("option").all_inner_texts()
        if option.strip().endswith(f"({angela.identifier})")
    )
    account.select_option(label=label)
    page.get_by_role("button", name="Continuer vers le service").click()

    # First login: the conditions.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Bienvenue, Angela"))
    axe(page, "parcours-conditions")
    page.get_by_text("J'ai lu et j'accepte les conditions d'utilisation").click()
    page.get_by_role("button", name="Accepter et ouvrir mon passeport").click()

    # « Mon espace »: the career, the diploma, the training expiring soon.
    expect(page.get_by_role("heading", level=1, name="Mon passeport")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.get_by_text("Bonjour Angela DUBOIS")).to_be_visible()
    timeline = page.locator("#timeline-list")
    for title in (
        "Agente de service hospitalier",
        "Vendeuse en boulangerie",
        "Titre professionnel agent de service médico-social",
        "Sauveteur secouriste du travail",
        "Habilitation électrique H0B0",
    ):
        expect(timeline.get_by_role("heading", level=3, name=title)).to_be_visible()
    expect(timeline.get_by_text(re.compile(r"Expire bientôt"))).to_have_count(1)
    expect(page.locator("#timeline-status")).to_have_text("5 entrées.")
    axe(page, "parcours-passeport")

    # Declare an experience.
    page.get_by_role("link", name="Ajouter un élément").first.click()
    axe(page, "parcours-ajouter")
    page.get_by_role("link", name="Déclarer une expérience professionnelle").click()
    page.get_by_label("Poste occupé").fill("Aide à domicile")
    page.get_by_label("Employeur").fill("ADMR de Liévin")
    page.get_by_label("Date de début").fill("2002-01-15")
    page.get_by_label("Date de fin").fill("2004-06-30")
    axe(page, "parcours-declarer")
    page.get_by_role("button", name="Ajouter à mon passeport").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("1 élément ajouté")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aide à domicile")

    # Publish entries: the declared experience and the current job.
    page.get_by_role("link", name="Mon passeport").first.click()
    expect(page.locator("#timeline-status")).to_have_text("6 entrées.")
    for title in ("Aide à domicile", "Agente de service hospitalier"):
        page.get_by_text(f"Sélectionner « {title} »").click()
        expect(page.get_by_label(f"Sélectionner « {title} »")).to_be_checked()
    page.get_by_role("button", name="Publier la sélection").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("2 entrées publiées.")
    published = EmploymentPeriod.objects.filter(
        person__birth_name="DUBOIS", published_at__isnull=False
    )
    assert sorted(published.values_list("job_title", flat=True)) == [
        "Agente de service hospitalier",
        "Aide à domicile",
    ]
    axe(page, "parcours-publie")

    # Download the data (JSON): the declared experience is in it.
    page.get_by_role("link", name="Télécharger mes données").click()
    expect(page.get_by_role("heading", level=1, name="Mes données et accès")).to_be_visible()
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("Télécharger au format JSON")).click()
    download = downloading.value
    assert re.fullmatch(r"mon-passeport-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    target = Path(tmp_path) / download.suggested_filename
    download.save_as(target)
    data = json.loads(target.read_text(encoding="utf-8"))
    jobs = {row["job_title"]: row for row in data["entrees"]["emploi"]}
    assert set(jobs) == {
        "Aide à domicile",
        "Agente de service hospitalier",
        "Vendeuse en boulangerie",
    }
    assert jobs["Aide à domicile"]["employer_name"] == "ADMR de Liévin"

    # The access log shows the login through FranceConnect, by the holder.
    log = page.get_by_role("table", name=re.compile("Accès à mes données"))
    login = log.get_by_role("row", name=re.compile("Connexion à votre espace avec FranceConnect"))
    expect(login).to_have_count(1)
    expect(login.get_by_role("cell", name="Vous", exact=True)).to_be_visible()
    axe(page, "parcours-mes-donnees")
    assert User.objects.get().person.birth_name == "DUBOIS"
