"""The pages: « Mes droits » (history explained, chart and table, constant queries), the
holder's situation, conversion and volunteer hours, the home page block, the public
simulator; the bodies' and public employers' pages, from the attacker's side too."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from passeport.cpf import annual, ledger
from passeport.cpf.enums import CecActivity, CecStatus, MovementKind, MovementSource, Part
from passeport.cpf.models import CecDeclaration, CpfAccount
from passeport.journal.models import JournalEntry
from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

from .helpers import ACTOR, civic_body, monthly_hours, public_employer

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder():
    return UserFactory(holder=True)


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client


def _years_of_history(person, years: int):
    account = ledger.open_account(person, actor=ACTOR)
    employer = OrganisationFactory(name="Boulangerie Martin")
    entries = [
        ledger.Entry(
            kind=MovementKind.ACQUISITION,
            part=Part.RIGHTS,
            amount=20_000,
            source_kind=MovementSource.DSN,
            year=2005 + index,
            occurred_on=datetime.date(2006 + index, 3, 31),
            details={
                "hours": "1820.00",
                "reference_hours": "1607",
                "situation": "standard",
                "annual_cents": 50_000,
                "ceiling_cents": 500_000,
                "gross_cents": 20_000,
                "pro_rata": False,
                "balance_before_cents": 20_000 * index,
                "employers": {employer.siret: "1820.00"},
            },
        )
        for index in range(years)
    ]
    ledger.post(account, entries, actor=ACTOR)
    return account


def test_rights_page_explains_each_movement(holder_client, holder):
    monthly_hours(holder.person, 2024, 400)
    annual.compute_rights(2024)
    response = holder_client.get(reverse("holder:rights"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Droits acquis au titre de 2024" in page
    assert "400 h travaillées" in page and "248,92 €" in page
    assert "<svg" in page and "Solde au 31 décembre de chaque année" in page
    assert "Utilisable maintenant" in page


@pytest.mark.parametrize("years", [1, 20])
def test_rights_page_queries_do_not_grow_with_history(
    holder_client, holder, django_assert_num_queries, years
):
    _years_of_history(holder.person, years)
    # Session, user, the request's savepoint and its release, the person, the sidebar's
    # unread reminders (6); the account, its movements, the organisations' names (3); the
    # portal's menu, read once from the empty cache each test starts with (1).
    # The funder credits (passeport.funding): 1.
    with django_assert_num_queries(11):
        response = holder_client.get(reverse("holder:rights"))
    assert response.content.decode().count("Droits acquis au titre de") == years


def test_home_page_block_and_ceiling_text(holder_client, holder):
    account = _years_of_history(holder.person, 1)
    assert account
    page = holder_client.get(reverse("holder:dashboard")).content.decode()
    assert "Mes droits à la formation" in page and "200,00 €" in page


def test_situation_is_stored_and_journaled(holder_client, holder):
    response = holder_client.post(reverse("holder:rights_situation"), {"low_qualified": "on"})
    assert response.status_code == 302
    account = CpfAccount.objects.get(person=holder.person)
    assert account.low_qualified and not account.disability
    assert JournalEntry.objects.filter(action="cpf.situation_declared").exists()


def test_conversion_simulate_then_confirm(holder_client, holder):
    from passeport.cpf import agents
    from passeport.cpf.enums import Channel

    agents.declare_agent(
        public_employer(),
        holder.person,
        year=2024,
        months=12,
        low_qualified=False,
        channel=Channel.WEB,
        actor=ACTOR,
    )
    url = reverse("holder:rights_convert")
    simulated = holder_client.get(url, {"direction": "hours_to_euros", "amount": "10"})
    page = simulated.content.decode()
    assert "10 h → 150,00 €" in page and "Confirmer la conversion" in page
    confirmed = holder_client.post(
        url,
        {
            "direction": "hours_to_euros",
            "amount": "10",
            "debit": "1000",
            "credit": "15000",
            "confirm": "1",
        },
    )
    assert confirmed.status_code == 302
    balances = ledger.balances(CpfAccount.objects.get(person=holder.person))
    assert (balances.hours, balances.rights) == (1_500, 15_000)
    stale = holder_client.post(
        url,
        {
            "direction": "hours_to_euros",
            "amount": "10",
            "debit": "999",
            "credit": "1",
            "confirm": "1",
        },
    )
    assert "ont changé depuis la simulation" in stale.content.decode()


def test_volunteer_round_trip_through_the_pages(client, holder, monkeypatch):
    today = datetime.date(2026, 3, 15)  # within the window of 2025's hours
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    association = civic_body(CecActivity.ASSOCIATION_LEADER, name="Les Jardins partagés")
    client.force_login(holder)
    response = client.post(
        reverse("holder:volunteer"),
        {"association": association.pk, "year": today.year - 1, "hours": 210, "role": "Présidente"},
    )
    assert response.status_code == 302
    declaration = CecDeclaration.objects.get(person=holder.person)
    assert declaration.status == CecStatus.PENDING
    member = UserFactory()
    Membership.objects.create(user=member, organisation=association, role="admin")
    client.force_login(member)
    home = client.get(reverse("pro:cec_home", args=[association.public_id]))
    assert holder.person.birth_name in home.content.decode()
    assert JournalEntry.objects.filter(action="person.read", person_id=holder.person.pk).exists()
    client.post(
        reverse("pro:cec_decide", args=[association.public_id, declaration.public_id]),
        {"decision": "confirm"},
    )
    declaration.refresh_from_db()
    assert declaration.status == CecStatus.VALIDATED
    client.force_login(holder)
    page = client.get(reverse("holder:rights")).content.decode()
    assert "Compte d&#x27;engagement citoyen" in page and "240,00 €" in page


def test_public_simulator_page(client):
    response = client.get(
        reverse("public:cpf_simulator"), {"year": 2025, "hours": 400, "reference_hours": 1607}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Droits acquis : 248,92 €" in page
    empty = client.get(reverse("public:cpf_simulator"))
    assert empty.status_code == 200 and "Droits acquis :" not in empty.content.decode()


def test_holder_pages_refuse_anonymous_and_professionals(client):
    url = reverse("holder:rights")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_cec_page_from_the_attacker_side(client, holder):
    body = civic_body(CecActivity.VOLUNTEER_FIREFIGHTER)
    url = reverse("pro:cec_home", args=[body.public_id])
    outsider = UserFactory()
    Membership.objects.create(user=outsider, organisation=OrganisationFactory(), role="admin")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(holder)
    assert client.get(url).status_code == 404
    employer = OrganisationFactory()
    member = UserFactory()
    Membership.objects.create(user=member, organisation=employer, role="admin")
    client.force_login(member)
    assert client.get(reverse("pro:cec_home", args=[employer.public_id])).status_code == 403
    assert client.get(reverse("pro:agents_home", args=[employer.public_id])).status_code == 403


def test_cec_form_and_file(client):
    year = timezone.localdate().year - 1
    body = civic_body(CecActivity.VOLUNTEER_FIREFIGHTER, name="SDIS 69")
    member = UserFactory()
    Membership.objects.create(user=member, organisation=body, role="member")
    client.force_login(member)
    url = reverse("pro:cec_home", args=[body.public_id])
    person = PersonFactory()
    low = client.post(
        url,
        {
            "action": "declare",
            "nir": person.reveal_nir(),
            "birth_name": person.birth_name,
            "activity": "volunteer_firefighter",
            "year": year,
            "quantity": 20,
        },
    )
    assert "Seuil non atteint" in low.content.decode()
    other = PersonFactory()
    data = (
        "NIR;NOM_NAISSANCE;ANNEE;ACTIVITE;QUANTITE;ANNEES_ENGAGEMENT;DATE_DEBUT;DATE_FIN;MISSION\n"
        f"{person.reveal_nir()[:13]};{person.birth_name};{year};SAPEUR_POMPIER_VOLONTAIRE;100;;;;Équipier\n"
        f"{other.reveal_nir()[:13]};MAUVAIS;{year};SAPEUR_POMPIER_VOLONTAIRE;100;;;;\n"
        f"{other.reveal_nir()[:13]};{other.birth_name};{year};PLONGEUR;100;;;;\n"
        f"{other.reveal_nir()[:13]};{other.birth_name};{year};SAPEUR_POMPIER_VOLONTAIRE;cent;;;;\n"
    ).encode()
    upload = io.BytesIO(data)
    upload.name = "sdis.csv"
    response = client.post(url, {"action": "upload", "file": upload})
    page = response.content.decode()
    assert "1 ligne(s) acceptée(s), 3 rejetée(s)" in page
    assert "Le nom de naissance ne correspond pas" in page
    assert "Activité inconnue" in page and "Nombre entier attendu" in page
    assert CecDeclaration.objects.get(person=person).status == CecStatus.VALIDATED
    bad_header = io.BytesIO(b"NIR,NOM\n1,2\n")
    bad_header.name = "x.csv"
    refused = client.post(url, {"action": "upload", "file": bad_header})
    assert "Fichier refusé : En-tête attendu" in refused.content.decode()
    assert client.get(reverse("pro:cec_template", args=[body.public_id])).status_code == 200


def test_agents_form_and_file(client):
    employer = public_employer(name="Mairie de Villeurbanne")
    member = UserFactory()
    Membership.objects.create(user=member, organisation=employer, role="member")
    client.force_login(member)
    url = reverse("pro:agents_home", args=[employer.public_id])
    person = PersonFactory()
    year = timezone.localdate().year - 1
    response = client.post(
        url,
        {
            "action": "declare",
            "nir": person.reveal_nir(),
            "birth_name": person.birth_name,
            "year": year,
            "months": 12,
        },
    )
    assert response.status_code == 302
    assert ledger.balances(CpfAccount.objects.get(person=person)).hours == 2_500
    data = (
        "NIR;NOM_NAISSANCE;ANNEE;MOIS_SERVICE;CATEGORIE_C_SANS_NIVEAU_3\n"
        f"{person.reveal_nir()[:13]};{person.birth_name};{year};6;PEUT-ETRE\n"
    ).encode()
    upload = io.BytesIO(data)
    upload.name = "agents.csv"
    page = client.post(url, {"action": "upload", "file": upload}).content.decode()
    assert "OUI ou NON attendu" in page
