"""The catalogue's pages: public search and training page, the holder's files (apply,
FranceConnect+ step-up, the development payment page), the providers' portal; tested
from the attacker's side too (anonymous, another holder, another organisation)."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from passeport.catalog import files, payments
from passeport.catalog.enums import FileState, PaymentState
from passeport.catalog.models import Payment, Training, TrainingFile
from passeport.catalog.workdays import add_working_days
from passeport.cpf import ledger
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from tests.catalog.helpers import (
    PROVIDER_ACTOR,
    SYSTEM,
    holder_actor,
    offer,
    provider,
    validated_file,
)
from tests.cpf.helpers import account_with
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    org = provider(name="Organisme Démo")
    training, _action, session = offer(org, title="Développeur web", price_cents=100_000)
    return org, training, session


@pytest.fixture
def holder():
    user = UserFactory(holder=True)
    account_with(user.person, 300_000)
    return user


def _fc_plus(client):
    session = client.session
    session["identity_provider"] = "franceconnect_plus"
    session.save()


def test_anyone_searches_and_reads_a_training_page(client, catalogue):
    _, training, _ = catalogue
    response = client.get(reverse("public:catalog_search"), {"q": "developpeur"})
    assert response.status_code == 200
    assert "Développeur web" in response.content.decode()
    page = client.get(
        reverse("public:catalog_training", args=[training.public_id])
    ).content.decode()
    assert "Certifié Qualiopi" in page
    assert "Se connecter pour voir ce qu" in page


def test_a_holder_sees_what_it_would_cost_them(client, catalogue, holder):
    client.force_login(holder)
    _, training, _ = catalogue
    page = client.get(reverse("public:catalog_search")).content.decode()
    assert "vous payez 103,20" in page
    page = client.get(
        reverse("public:catalog_training", args=[training.public_id])
    ).content.decode()
    assert "Vos droits CPF : 896,80" in page
    assert "Demander mon inscription" in page


def test_apply_then_accept_needs_franceconnect_plus_then_pays_on_the_payment_page(
    client, catalogue, holder, django_capture_on_commit_callbacks
):
    _, _, session = catalogue
    client.force_login(holder)
    response = client.post(reverse("holder:training_file_apply", args=[session.public_id]))
    file = TrainingFile.objects.get(person=holder.person)
    assert response.url == reverse("holder:training_file", args=[file.public_id])
    start = add_working_days(timezone.localdate(), 11)
    files.validate(
        file,
        actor=PROVIDER_ACTOR,
        today=timezone.localdate(),
        price_cents=100_000,
        start_date=start,
        end_date=start + datetime.timedelta(days=10),
        hours=35,
    )
    detail = client.get(reverse("holder:training_file", args=[file.public_id])).content.decode()
    assert "Me reconnecter avec FranceConnect+" in detail
    assert (
        client.post(reverse("holder:training_file_accept", args=[file.public_id])).status_code
        == 403
    )

    _fc_plus(client)
    response = client.post(reverse("holder:training_file_accept", args=[file.public_id]))
    assert response.url.startswith(reverse("devpay:page"))
    hosted = client.get(response.url)
    assert "Payer 103,20" in hosted.content.decode()
    form = {k: v[0] for k, v in parse_qs(urlparse(response.url).query).items()}
    back = client.post(reverse("devpay:page"), {**form, "outcome": "pay"})
    assert back.url.startswith(
        reverse("holder:training_file_payment_return", args=[file.public_id])
    )
    client.get(back.url)  # the signed return, after the notification: idempotent
    file.refresh_from_db()
    assert file.state == FileState.ACCEPTED
    assert Payment.objects.get(file=file).state == PaymentState.PAID
    account = ledger.account_of(holder.person)
    assert ledger.balances(account).reserved == 89_680
    # The notification delivered again changes nothing.
    result = parse_qs(urlparse(back.url).query)
    again = client.post(
        reverse("public:catalog_payment_notification"), {k: v[0] for k, v in result.items()}
    )
    assert again.status_code == 200
    assert ledger.balances(account).reserved == 89_680
    assert file.transitions.filter(to_state=FileState.ACCEPTED).count() == 1


def test_a_refused_card_or_a_timeout_leaves_the_proposal_open(client, catalogue, holder):
    _, _, session = catalogue
    file = validated_file(holder.person, session)
    client.force_login(holder)
    _fc_plus(client)
    for outcome, state in (("refuse", PaymentState.REFUSED), ("timeout", PaymentState.PENDING)):
        response = client.post(reverse("holder:training_file_accept", args=[file.public_id]))
        form = {k: v[0] for k, v in parse_qs(urlparse(response.url).query).items()}
        client.get(client.post(reverse("devpay:page"), {**form, "outcome": outcome}).url)
        assert Payment.objects.get(public_id=form["payment"]).state == state
    file.refresh_from_db()
    assert file.state == FileState.VALIDATED
    assert payments.expire_pending(timezone.now() + datetime.timedelta(hours=1)) == 1
    late = payments.complete(form["payment"], "paid", "LATE")  # paid after it expired
    assert late.state == PaymentState.REFUNDED
    file.refresh_from_db()
    assert file.state == FileState.VALIDATED


def test_forged_payment_results_are_refused(client, catalogue, holder):
    _, _, session = catalogue
    file = validated_file(holder.person, session)
    payment = payments.start(file, 10_320)
    forged = {
        "payment": str(payment.public_id),
        "status": "paid",
        "reference": "X",
        "sig": "0" * 64,
    }
    assert client.post(reverse("public:catalog_payment_notification"), forged).status_code == 400
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_a_holder_never_reaches_another_holders_file(client, catalogue, holder):
    _, _, session = catalogue
    file = validated_file(holder.person, session)
    other = UserFactory(holder=True)
    client.force_login(other)
    _fc_plus(client)
    assert client.get(reverse("holder:training_file", args=[file.public_id])).status_code == 404
    assert (
        client.post(reverse("holder:training_file_accept", args=[file.public_id])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("holder:training_file_end", args=[file.public_id, "annuler"]),
            {"reason": "holder_personal"},
        ).status_code
        == 404
    )


def test_the_provider_portal_creates_an_offer_and_answers_a_request(client, catalogue, holder):
    org, _, session = catalogue
    member = UserFactory()
    Membership.objects.create(user=member, organisation=org, role=MembershipRole.ADMIN)
    client.force_login(member)
    response = client.post(
        reverse("pro:catalog_training_new", args=[org.public_id]),
        {
            "provider_ref": "NEW",
            "title": "Comptabilité",
            "objectives": "Tenir des comptes.",
            "rome_codes": "M1203",
        },
    )
    assert response.status_code == 302
    assert Training.objects.filter(provider=org, provider_ref="NEW").exists()
    refused = client.post(
        reverse("pro:catalog_training_new", args=[org.public_id]),
        {"provider_ref": "BAD", "title": "X", "objectives": "Y", "certification_code": "RNCP1"},
    )
    assert "RNCP1 est inconnue du répertoire" in refused.content.decode()

    file = files.apply(
        holder.person, session, actor=holder_actor(holder.person), today=timezone.localdate()
    )
    listing = client.get(reverse("pro:catalog_files", args=[org.public_id])).content.decode()
    assert f"À traiter avant le {file.act_before:%d/%m/%Y}" in listing
    start = add_working_days(timezone.localdate(), 11)
    client.post(
        reverse("pro:catalog_file_act", args=[org.public_id, file.public_id, "validate"]),
        {
            "proposal-price": "950,00",
            "proposal-start_date": start.isoformat(),
            "proposal-end_date": (start + datetime.timedelta(days=5)).isoformat(),
            "proposal-hours": "35",
        },
    )
    file.refresh_from_db()
    assert (file.state, file.price_cents) == (FileState.VALIDATED, 95_000)


def test_other_organisations_and_holders_do_not_reach_a_providers_portal(client, catalogue, holder):
    org, _, session = catalogue
    file = validated_file(holder.person, session)
    stranger = UserFactory()
    Membership.objects.create(
        user=stranger,
        organisation=OrganisationFactory(training_provider=True),
        role=MembershipRole.ADMIN,
    )
    for user in (stranger, holder):
        client.force_login(user)
        assert client.get(reverse("pro:catalog_files", args=[org.public_id])).status_code == 404
        assert (
            client.post(
                reverse("pro:catalog_file_act", args=[org.public_id, file.public_id, "refuse"]),
                {"refuse-reason": "provider_full"},
            ).status_code
            == 404
        )
    client.logout()
    response = client.get(reverse("pro:catalog_files", args=[org.public_id]))
    assert response.status_code == 302  # to the login page
    file.refresh_from_db()
    assert file.state == FileState.VALIDATED


def test_the_providers_board_counts_and_sums_accepted_files(client, catalogue, holder):
    org, _, session = catalogue
    file = validated_file(holder.person, session)
    files.accept(
        file, actor=holder_actor(holder.person), today=timezone.localdate(), paid_cents=10_320
    )
    member = UserFactory()
    Membership.objects.create(user=member, organisation=org, role=MembershipRole.MEMBER)
    client.force_login(member)
    page = client.get(reverse("pro:catalog_board", args=[org.public_id])).content.decode()
    assert "Dossiers acceptés par mois : nombre et montant" in page
    assert "1\u202f000,00" in page and "Accepté : 1" in page


def test_every_page_renders_at_every_step(client, catalogue, holder):
    """Unknown template variables fail the tests: each page is read in each state."""
    org, training, session = catalogue
    member = UserFactory()
    Membership.objects.create(user=member, organisation=org, role=MembershipRole.MEMBER)
    file = validated_file(holder.person, session)
    file = files.accept(
        file, actor=holder_actor(holder.person), today=timezone.localdate(), paid_cents=10_320
    )
    start = file.start_date
    steps = [
        lambda f: f,
        lambda f: files.declare_entry(f, actor=PROVIDER_ACTOR, entered_on=start, today=start),
        lambda f: files.declare_exit(
            f, actor=PROVIDER_ACTOR, exited_on=start, reason="exit_completed", today=start
        ),
        lambda f: files.declare_service_done(
            f,
            actor=PROVIDER_ACTOR,
            completion_percent=100,
            absence_hours=0,
            certification_obtained=None,
            today=start,
        ),
        lambda f: files.validate_service_done(f, actor=SYSTEM),
    ]
    for step in steps:
        file = step(file)
        client.force_login(member)
        for name, args in (
            ("pro:catalog_file", [org.public_id, file.public_id]),
            ("pro:catalog_files", [org.public_id]),
            ("pro:catalog_board", [org.public_id]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 200, name
        client.force_login(holder)
        assert client.get(reverse("holder:training_file", args=[file.public_id])).status_code == 200
        assert client.get(reverse("holder:training_files")).status_code == 200
    client.force_login(member)
    for name, args in (
        ("pro:catalog_offers", [org.public_id]),
        ("pro:catalog_training", [org.public_id, training.public_id]),
        ("pro:catalog_training_edit", [org.public_id, training.public_id]),
        ("pro:catalog_upload", [org.public_id]),
        ("pro:catalog_export", [org.public_id]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert file.state == FileState.SERVICE_DONE_VALIDATED and file.record_id
