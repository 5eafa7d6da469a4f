"""The funder's space, from the funder's side and from the attacker's side."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from passeport.funding.enums import ConventionStatus, CreditKind, RuleStatus
from passeport.funding.models import CreditOrder, Envelope, Rule
from passeport.funding.orders import confirm_payment
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories_funding import ConventionFactory, transfer_reference

pytestmark = pytest.mark.django_db


def member_of(organisation, role="admin"):
    user = UserFactory()
    organisation.memberships.create(user=user, role=role)
    return user


@pytest.fixture
def funder():
    return ConventionFactory(funder__name="Région Démo").funder


@pytest.fixture
def funder_client(client, funder):
    client.force_login(member_of(funder))
    return client


def test_attackers_are_refused(client, funder):
    home = reverse("pro:funder_home", args=[funder.public_id])
    new_order = reverse("pro:funder_order_new", args=[funder.public_id])
    board = reverse("pro:funder_board", args=[funder.public_id])
    # anonymous: to the login page
    assert client.get(home).status_code == 302
    # another funder's member: the space does not exist for them
    client.force_login(member_of(ConventionFactory().funder))
    assert client.get(home).status_code == 404
    assert client.get(board).status_code == 404
    # a holder
    client.force_login(UserFactory(holder=True))
    assert client.get(home).status_code in (403, 404)
    # a member of a non-funder organisation: its own space, refused
    employer = OrganisationFactory()
    client.force_login(member_of(employer))
    assert client.get(reverse("pro:funder_home", args=[employer.public_id])).status_code == 403
    # a funder whose convention is not approved: may look, may not act
    waiting = ConventionFactory(status=ConventionStatus.SUBMITTED).funder
    client.force_login(member_of(waiting))
    assert client.get(reverse("pro:funder_home", args=[waiting.public_id])).status_code == 200
    assert client.get(reverse("pro:funder_order_new", args=[waiting.public_id])).status_code == 403
    assert client.get(new_order).status_code == 404


def test_order_by_file_with_corrected_file_then_holder_sees_it(funder_client, funder, client):
    person, other = PersonFactory(), PersonFactory()
    content = (
        "nir;nom_naissance;montant_centimes\n"
        f"{person.reveal_nir()};{person.birth_name};300000\n"
        f"{other.reveal_nir()};Faux;300000\n"
    ).encode()
    page = funder_client.post(
        reverse("pro:funder_order_new", args=[funder.public_id]),
        {
            "external_id": "CORR-2026",
            "kind": CreditKind.CORRECTIVE,
            "transfer_reference": transfer_reference(funder),
            "certification": "RNCP12345 RS1234",
            "file": SimpleUploadedFile("commande.csv", content),
        },
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ligne 3, nom de naissance" in text
    assert other.reveal_nir() not in text  # the NIR never on a page
    token = page.context["token"]
    corrected = funder_client.get(
        reverse("pro:funder_order_corrected", args=[funder.public_id, token])
    )
    assert corrected.status_code == 200 and b"Faux" in corrected.content
    intruder = ConventionFactory().funder
    funder_client.force_login(member_of(intruder))
    assert (
        funder_client.get(
            reverse("pro:funder_order_corrected", args=[intruder.public_id, token])
        ).status_code
        == 404
    )
    order = CreditOrder.objects.get(external_id="CORR-2026")
    confirm_payment(order, actor=Actor.system("tests"))
    client.force_login(UserFactory(holder=True, person=person))
    rights = client.get(reverse("holder:rights")).content.decode()
    assert "Région Démo" in rights and "3\u202f000,00" in rights and "RNCP12345" in rights


def test_order_detail_journals_reads(funder_client, funder):
    person = PersonFactory()
    funder_client.post(
        reverse("pro:funder_order_new", args=[funder.public_id]),
        {
            "external_id": "V-1",
            "kind": CreditKind.VOLUNTARY,
            "transfer_reference": transfer_reference(funder),
            "nir": person.reveal_nir(),
            "birth_name": person.birth_name,
            "amount": "500",
        },
    )
    order = CreditOrder.objects.get(external_id="V-1")
    assert order.total_cents == 50_000
    before = JournalEntry.objects.filter(action="person.read").count()
    page = funder_client.get(reverse("pro:funder_order", args=[funder.public_id, order.public_id]))
    assert page.status_code == 200 and "500,00" in page.content.decode()
    assert JournalEntry.objects.filter(action="person.read").count() == before + 1


def test_rule_written_simulated_published(funder_client, funder):
    funder_client.post(
        reverse("pro:funder_envelope_new", args=[funder.public_id]),
        {"name": "Budget 2026", "budget": "100000", "alert_percent": "80"},
    )
    envelope = Envelope.objects.get(funder=funder)
    assert envelope.budget_cents == 10_000_000
    funder_client.post(
        reverse("pro:funder_rule_new", args=[funder.public_id]),
        {
            "name": "Numérique francilien",
            "envelope": envelope.pk,
            "starts_on": "2026-01-01",
            "fixed": "800",
            "region": "11",
            "certification": "RNCP12345",
        },
    )
    rule = Rule.objects.get(funder=funder)
    assert rule.status == RuleStatus.DRAFT and rule.fixed_cents == 80_000
    url = reverse("pro:funder_rule", args=[funder.public_id, rule.public_id])
    shown = funder_client.get(url).content.decode()
    assert "Région de résidence : 11" in shown and "800,00" in shown
    simulation = {
        "age": "30",
        "region_code": "11",
        "price": "2000",
        "rights": "500",
        "certification_code": "RNCP12345",
        "modality": "in_person",
    }
    page = funder_client.post(url, simulation)
    assert "Région Démo prend en charge 800,00" in page.content.decode()
    page = funder_client.post(url, {**simulation, "region_code": "84"})
    assert "ne s&#x27;applique pas" in page.content.decode()
    funder_client.post(
        reverse("pro:funder_rule_move", args=[funder.public_id, rule.public_id]),
        {"to_status": "published", "note": ""},
    )
    rule.refresh_from_db()
    assert rule.status == RuleStatus.PUBLISHED and rule.published_at


def test_board_and_exports(funder_client, funder):
    page = funder_client.get(reverse("pro:funder_board", args=[funder.public_id]))
    assert page.status_code == 200
    csv = funder_client.get(reverse("pro:funder_export", args=[funder.public_id, "csv"]))
    assert csv.content.decode().startswith("mois;engage_centimes")
    xlsx = funder_client.get(reverse("pro:funder_export", args=[funder.public_id, "xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert (
        funder_client.get(reverse("pro:funder_export", args=[funder.public_id, "pdf"])).status_code
        == 404
    )


def test_home_lists_the_funder_space(funder_client, funder):
    page = funder_client.get(reverse("pro:dashboard"))
    assert reverse("pro:funder_home", args=[funder.public_id]) in page.content.decode()


def test_a_funder_asks_for_its_convention(client):
    from tests.factories_funding import FunderFactory

    funder = FunderFactory()
    client.force_login(member_of(funder))
    home = reverse("pro:funder_home", args=[funder.public_id])
    assert "Demander une convention" in client.get(home).content.decode()
    client.post(reverse("pro:funder_convention", args=[funder.public_id]))
    client.post(reverse("pro:funder_convention", args=[funder.public_id]))  # once only
    convention = funder.funding_conventions.get()
    assert convention.status == ConventionStatus.SUBMITTED
    assert [t.to_status for t in convention.transitions.all()] == ["submitted"]
    page = client.get(home).content.decode()
    assert "Demander une convention" not in page and "en attente de décision" in page
    outsider = OrganisationFactory()
    client.force_login(member_of(outsider))
    assert client.post(reverse("pro:funder_convention", args=[funder.public_id])).status_code == 404


def test_another_funders_rule_is_out_of_reach(funder_client, funder):
    from tests.factories_funding import RuleFactory

    foreign = RuleFactory(funder=ConventionFactory().funder)
    for name in ("pro:funder_rule", "pro:funder_rule_edit"):
        url = reverse(name, args=[funder.public_id, foreign.public_id])
        assert funder_client.get(url).status_code == 404
    move = reverse("pro:funder_rule_move", args=[funder.public_id, foreign.public_id])
    assert funder_client.post(move, {"to_status": "suspended"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "published"
