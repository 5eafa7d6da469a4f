"""The declarant's side of the error reports: members of the declarant organisation read,
answer and close them; every view of a request is a journaled read of the holder's data.
From the attacker's side first."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passeport.identity.permissions import can_handle_correction_requests
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.organisations.models import Membership
from passeport.records import corrections
from passeport.records import services as records
from passeport.records.models.corrections import CorrectionRequest, CorrectionStatus
from tests.factories import EmploymentPeriodFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    organisation = OrganisationFactory(name="Boulangerie Durand")
    admin = UserFactory(first_name="Claire", last_name="Durand", email="claire@durand.example")
    member = UserFactory(first_name="Paul", last_name="Martin", email="paul@durand.example")
    Membership.objects.create(user=admin, organisation=organisation, role="admin")
    Membership.objects.create(user=member, organisation=organisation, role="member")
    return organisation, admin, member


@pytest.fixture
def holder():
    holder = UserFactory(holder=True)
    person = holder.person
    person.first_names, person.birth_name = "Lucie Marie", "Fabre"
    person.save()
    return holder


@pytest.fixture
def period(org, holder):
    organisation = org[0]
    return EmploymentPeriodFactory(
        person=holder.person,
        employer=organisation,
        declarant=organisation,
        job_title="Vendeuse",
    )


@pytest.fixture
def report(period, holder):
    return corrections.request_correction(
        period, actor=Actor.for_user(holder), message="Je suis partie en mai, pas en juin."
    )


def list_url(organisation):
    return f"/pro/organisations/{organisation.public_id}/signalements/"


def page_url(organisation, report, suffix=""):
    return f"{list_url(organisation)}{report.public_id}/{suffix}"


def entry_url(period):
    return f"/mon-espace/entrees/emploi/{period.public_id}/"


def test_permission(org):
    from django.contrib.auth.models import AnonymousUser

    organisation, admin, member = org
    assert can_handle_correction_requests(admin, organisation)
    assert can_handle_correction_requests(member, organisation)
    outsider = UserFactory()
    Membership.objects.create(user=outsider, organisation=OrganisationFactory(), role="admin")
    for attacker in (outsider, UserFactory(), UserFactory(holder=True), AnonymousUser()):
        assert not can_handle_correction_requests(attacker, organisation)


def test_anonymous_visitors_are_sent_to_the_login_page(client, org, report):
    organisation = org[0]
    for url in (list_url(organisation), page_url(organisation, report)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/connexion/" in response["Location"]
    assert (
        client.post(page_url(organisation, report, "repondre/"), {"text": "x"}).status_code == 302
    )
    assert client.post(page_url(organisation, report, "clore/")).status_code == 302
    assert CorrectionRequest.objects.get().status == CorrectionStatus.OPEN


def test_holders_and_non_members_are_refused(client, org, report, holder):
    organisation = org[0]
    outsider = UserFactory()
    Membership.objects.create(user=outsider, organisation=OrganisationFactory(), role="admin")
    for attacker in (holder, UserFactory(holder=True), UserFactory(), outsider):
        client.force_login(attacker)
        assert client.get(list_url(organisation)).status_code == 403
        assert client.get(page_url(organisation, report)).status_code == 403
        answer = client.post(page_url(organisation, report, "repondre/"), {"text": "Vu."})
        assert answer.status_code == 403
        assert client.post(page_url(organisation, report, "clore/")).status_code == 403
    assert CorrectionRequest.objects.get().status == CorrectionStatus.OPEN
    assert not JournalEntry.objects.filter(action="person.read").exists()


def test_a_member_of_another_organisation_gets_a_404_through_their_own(client, org, report):
    other = OrganisationFactory()
    other_member = UserFactory()
    Membership.objects.create(user=other_member, organisation=other, role="admin")
    client.force_login(other_member)
    assert "Fabre" not in client.get(list_url(other)).content.decode()
    assert client.get(page_url(other, report)).status_code == 404
    assert client.post(page_url(other, report, "repondre/"), {"text": "x"}).status_code == 404
    assert client.post(page_url(other, report, "clore/")).status_code == 404
    assert CorrectionRequest.objects.get().status == CorrectionStatus.OPEN
    assert not JournalEntry.objects.filter(action="person.read").exists()


def test_the_list_orders_filters_and_shows_no_personal_data(client, org, holder, report):
    organisation, _admin, member = org
    answered = corrections.request_correction(
        EmploymentPeriodFactory(person=holder.person, declarant=organisation),
        actor=Actor.for_user(holder),
        message="Mauvais intitulé.",
    )
    corrections.answer(answered, actor=Actor.system("test"), text="Corrigé.")
    closed = corrections.request_correction(
        EmploymentPeriodFactory(person=holder.person, declarant=organisation),
        actor=Actor.for_user(holder),
        message="Mauvaise date.",
    )
    corrections.close(closed, actor=Actor.system("test"))
    # Another organisation's request is not listed.
    corrections.request_correction(
        EmploymentPeriodFactory(declarant=OrganisationFactory()),
        actor=Actor.system("test"),
        message="Ailleurs.",
    )
    client.force_login(member)  # members, not only administrators
    html = client.get(list_url(organisation)).content.decode()
    positions = [html.index(str(r.public_id)) for r in (report, answered, closed)]
    assert positions == sorted(positions)  # open, answered, closed
    assert html.count("Voir le signalement") == 3
    assert "Fabre" not in html and "partie en mai" not in html
    assert not JournalEntry.objects.filter(action="person.read").exists()
    only_answered = client.get(list_url(organisation), {"etat": "answered"}).content.decode()
    assert str(answered.public_id) in only_answered
    assert str(report.public_id) not in only_answered
    assert str(closed.public_id) not in only_answered
    # An unknown state: the whole list.
    assert client.get(list_url(organisation), {"etat": "x"}).status_code == 200


def test_the_request_page_is_a_journaled_read_shown_to_the_holder(client, org, holder, report):
    organisation, admin, _member = org
    client.force_login(admin)
    html = client.get(page_url(organisation, report)).content.decode()
    assert "Lucie Fabre" in html
    assert "Marie" not in html
    assert holder.person.reveal_nir() not in html
    assert "Expérience professionnelle" in html and "Vendeuse" in html
    assert "1 mars 2015" in html  # the start date
    assert "Je suis partie en mai, pas en juin." in html
    assert "Envoyer la réponse" in html and "Clore le signalement" in html
    client.get(page_url(organisation, report))
    reads = JournalEntry.objects.filter(action="person.read", person_id=holder.person.pk)
    assert reads.count() == 2  # each view
    assert reads.first().payload == {"what": "signalement d'erreur : expérience professionnelle"}

    client.force_login(holder)
    access = client.get("/mon-espace/mes-donnees/").content.decode()
    assert "Claire Durand (professionnel)" in access
    assert "Consultation de vos données : signalement d&#x27;erreur : expérience" in access


def test_a_member_answers_then_closes_and_the_holder_sees_it(client, org, holder, report, period):
    organisation, _admin, member = org
    client.force_login(member)
    empty = client.post(page_url(organisation, report, "repondre/"), {"text": "  "})
    assert empty.status_code == 400
    assert "La réponse est obligatoire." in empty.content.decode()
    response = client.post(
        page_url(organisation, report, "repondre/"),
        {"text": "Corrigé dans la DSN de juillet."},
        follow=True,
    )
    html = response.content.decode()
    assert "Votre réponse a été transmise au titulaire." in html
    assert "Envoyer la réponse" not in html  # answered: no second answer
    report.refresh_from_db()
    assert report.status == CorrectionStatus.ANSWERED
    assert report.answer == "Corrigé dans la DSN de juillet."
    assert JournalEntry.objects.filter(action="correction.answered").count() == 1
    again = client.post(
        page_url(organisation, report, "repondre/"), {"text": "Encore"}, follow=True
    )
    assert "ne peut pas devenir" in again.content.decode()

    client.force_login(holder)
    entry = client.get(entry_url(period)).content.decode()
    assert "Réponse reçue" in entry
    assert "Corrigé dans la DSN de juillet." in entry
    assert "Paul Martin, Boulangerie Durand" in entry

    client.force_login(member)
    response = client.post(
        page_url(organisation, report, "clore/"), {"note": "Bonne continuation."}, follow=True
    )
    html = response.content.decode()
    assert "Le signalement est clos." in html
    assert "Bonne continuation." in html and "Clore le signalement" not in html
    report.refresh_from_db()
    assert report.status == CorrectionStatus.CLOSED
    assert report.transitions.last().note == "Bonne continuation."
    assert JournalEntry.objects.filter(action="correction.closed").count() == 1

    client.force_login(holder)
    holder_page = client.get(entry_url(period)).content.decode()
    assert "Clos" in holder_page and "Bonne continuation." in holder_page  # the final word


def test_an_open_request_can_be_closed_without_a_word(client, org, report):
    organisation, admin, _member = org
    client.force_login(admin)
    client.post(page_url(organisation, report, "clore/"))
    report.refresh_from_db()
    assert report.status == CorrectionStatus.CLOSED


def test_the_page_tells_a_newer_version_exists(client, org, report, period):
    organisation, admin, _member = org
    records.revise(period, actor=Actor.system("dsn"), reason="Correction", job_title="Cheffe")
    client.force_login(admin)
    html = client.get(page_url(organisation, report)).content.decode()
    assert "Vendeuse" in html  # the version reported
    assert "une version plus récente existe : version 2" in html


def test_dashboard_counts_open_requests_in_one_query(client, org, holder, report):
    _organisation, admin, _member = org
    client.force_login(admin)
    html = client.get("/pro/").content.decode()
    assert "Signalements d'erreur (1 en attente de réponse)" in html
    with CaptureQueriesContext(connection) as one:
        client.get("/pro/")
    for _ in range(3):
        other = OrganisationFactory()
        Membership.objects.create(user=admin, organisation=other, role="member")
        corrections.request_correction(
            EmploymentPeriodFactory(person=holder.person, declarant=other),
            actor=Actor.for_user(holder),
            message="Erreur.",
        )
    with CaptureQueriesContext(connection) as four:
        html = client.get("/pro/").content.decode()
    assert len(four) == len(one)
    assert html.count("(1 en attente de réponse)") == 4


def test_administrators_are_emailed_after_commit(
    org, holder, period, django_capture_on_commit_callbacks
):
    organisation, _admin, _member = org
    second = UserFactory(email="Lea@Durand.example")
    Membership.objects.create(user=second, organisation=organisation, role="admin")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = corrections.request_correction(
            period, actor=Actor.for_user(holder), message="Je suis partie en mai."
        )
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["claire@durand.example", "lea@durand.example"]
    message = mail.outbox[0]
    assert len(message.to) == 1  # administrators do not see each other's address
    assert message.subject == (
        "Un titulaire signale une erreur dans une déclaration de Boulangerie Durand"
    )
    assert f"http://127.0.0.1:8000{page_url(organisation, report)}" in message.body
    assert "expérience professionnelle" in message.body
    # Nothing about the holder travels in the e-mail.
    for private in ("Fabre", "Lucie", "partie en mai", holder.person.reveal_nir()):
        assert private not in message.body and private not in message.alternatives[0][0]


def test_no_email_when_the_request_is_rolled_back(
    holder, period, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                corrections.request_correction(
                    period, actor=Actor.for_user(holder), message="Erreur."
                )
                raise RuntimeError
        except RuntimeError:
            pass
    assert mail.outbox == []
