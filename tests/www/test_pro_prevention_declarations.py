"""The declarant's pages (list, detail, corrections, cancellations) and the employer's
(verification, reprise), each tested from the attacker's side too."""

import datetime
import html as html_lib

import pytest
from django.core import mail
from django.utils import timezone

from passeport.journal.models import JournalEntry
from passeport.prevention import lifecycle
from passeport.prevention.enums import DeclarantRole, LineStatus, ReviewStatus
from passeport.prevention.models import DeclarationLine
from passeport.records.models import PreventionTraining
from tests.factories import OrganisationFactory, UserFactory
from tests.prevention.helpers import member
from tests.prevention.lifecycle_builders import (  # noqa: F401 (fixtures)
    adf,
    declare,
    employer_fixture,
    employer_user_fixture,
    jdr,
    old_end,
    persons_fixture,
    provider_fixture,
    provider_user_fixture,
    recent_end,
    referentials_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(referentials, provider, employer, persons):
    """Two trainees reviewed by the employer, one old (deemed verified), one without
    employer."""
    recent = declare(provider, [adf(p, employer) for p in persons[:2]])
    (old,) = declare(provider, [adf(persons[2], employer, end=old_end(), declaration_id="OLD")])
    (alone,) = declare(provider, [adf(persons[0], declaration_id="SEUL")])
    return {"recent": recent, "old": old, "alone": alone}


def url(organisation, name, *args):
    base = f"/pro/organisations/{organisation.public_id}/prevention/"
    return base + {
        "list": "declarations/liste/",
        "detail": "declarations/{}/",
        "correct": "declarations/{}/corriger/",
        "cancel": "declarations/{}/annuler/",
        "line_correct": "lignes/{}/corriger/",
        "line_cancel": "lignes/{}/annuler/",
        "reviews": "a-verifier/",
        "review": "a-verifier/{}/",
        "reprise": "reprise/",
    }[name].format(*args)


# --- The declarant's list and detail -----------------------------------------------------


def test_list_shows_deadline_late_and_review_counts(client, provider, provider_user, lines):
    client.force_login(provider_user)
    html = html_lib.unescape(client.get(url(provider, "list")).content.decode())
    assert "DECL-1" in html and "OLD" in html and "SEUL" in html
    assert "À déclarer avant le" in html
    declaration = lines["recent"][0].declaration
    assert declaration.declare_before.strftime("%d/%m/%Y") in html
    assert "En retard" in html  # OLD was declared 400 days after the training
    assert "2 à vérifier" in html
    assert "1 réputée vérifiée" in html
    # The list shows no personal data.
    for person in {line.person for line in lines["recent"]}:
        assert person.birth_name not in html
    assert not JournalEntry.objects.filter(action="person.read").exists()


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("delai=late", ["OLD"], ["DECL-1", "SEUL"]),
        ("delai=on_time", ["DECL-1", "SEUL"], ["OLD"]),
        ("verification=pending", ["DECL-1"], ["OLD", "SEUL"]),
        ("verification=deemed_verified", ["OLD"], ["DECL-1", "SEUL"]),
        ("q=seul", ["SEUL"], ["OLD", "DECL-1"]),
        ("type=JDR", [], ["OLD", "DECL-1", "SEUL"]),
    ],
)
def test_list_filters(client, provider, provider_user, lines, query, shown, hidden):
    client.force_login(provider_user)
    html = html_lib.unescape(client.get(url(provider, "list") + "?" + query).content.decode())
    for name in shown:
        assert f">{name}</a>" in html
    for name in hidden:
        assert f">{name}</a>" not in html


def test_cancelled_filter(client, provider, provider_user, lines):
    lifecycle.cancel_declaration(
        lines["alone"].declaration,
        reason="Annulée",
        actor=lifecycle.member_actor(provider_user, provider),
    )
    client.force_login(provider_user)
    html = html_lib.unescape(client.get(url(provider, "list") + "?etat=cancelled").content.decode())
    assert ">SEUL</a>" in html and ">DECL-1</a>" not in html


def test_detail_shows_trainees_without_nir_and_journals_the_read(
    client, provider, provider_user, lines
):
    client.force_login(provider_user)
    declaration = lines["recent"][0].declaration
    response = client.get(url(provider, "detail", declaration.public_id))
    html = html_lib.unescape(response.content.decode())
    for line in lines["recent"]:
        person = line.person
        assert f"{person.birth_name} (né·e en {person.birth_year})" in html
        assert person.reveal_nir()[:13] not in html
        assert line.partner_unique_id in html
    assert "À vérifier par l'employeur" in html
    reads = JournalEntry.objects.filter(action="person.read")
    assert {e.person_id for e in reads} == {line.person_id for line in lines["recent"]}


def test_correct_a_line_through_the_form(client, provider, provider_user, lines):
    client.force_login(provider_user)
    line = lines["recent"][0]
    page = client.get(url(provider, "line_correct", line.public_id))
    assert page.status_code == 200
    until = recent_end() + datetime.timedelta(days=700)
    data = {
        "birth_name": line.birth_name,
        "employer_present": "OUI",
        "employer_siret": line.employer_siret,
        "employer_reference": line.employer_reference,
        "valid_from": line.valid_from.isoformat(),
        "valid_until": until.isoformat(),
        "reason": "Validité de 2 ans",
    }
    response = client.post(url(provider, "line_correct", line.public_id), data)
    assert response.status_code == 302
    latest = PreventionTraining.objects.filter(lineage=line.lineage).order_by("-version").first()
    assert latest.version == 2 and latest.valid_until == until
    html = html_lib.unescape(client.get(response["Location"]).content.decode())
    assert "Correction enregistrée" in html and "Validité de 2 ans" in html


def test_correction_errors_are_put_on_their_field(client, provider, provider_user, lines):
    client.force_login(provider_user)
    line = lines["recent"][0]
    data = {
        "birth_name": "Quelqu'un d'autre",
        "employer_present": "OUI",
        "employer_siret": line.employer_siret,
        "valid_from": line.valid_from.isoformat(),
        "reason": "",
    }
    response = client.post(url(provider, "line_correct", line.public_id), data)
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert "Le motif est obligatoire." in html
    data["reason"] = "Nom corrigé"
    response = client.post(url(provider, "line_correct", line.public_id), data)
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert "Le nom de naissance ne correspond pas" in html
    assert 'href="#birth_name"' in html  # the error summary links to the field
    assert PreventionTraining.objects.filter(lineage=line.lineage).count() == 1


def test_correct_the_training_block_through_the_form(client, provider, provider_user, lines):
    client.force_login(provider_user)
    declaration = lines["recent"][0].declaration
    page = html_lib.unescape(
        client.get(url(provider, "correct", declaration.public_id)).content.decode()
    )
    assert 'value="H2909/H2913/I1304"' in page
    data = {
        "reference": declaration.reference,
        "title": "SST — formation initiale",
        "start_date": declaration.start_date.isoformat(),
        "end_date": declaration.end_date.isoformat(),
        "modality": "PRESENTIEL",
        "transferable_skills": "H2909 / H2913 / I1304",
        "trainer_qualifications": ["PREVENTEUR"],
        "certifying": "NON",
        "formacodes": "42866",
        "nsf_codes": "344t",
        "reason": "Intitulé précisé",
    }
    response = client.post(url(provider, "correct", declaration.public_id), data)
    assert response.status_code == 302, html_lib.unescape(response.content.decode())[:3000]
    for line in lines["recent"]:
        assert (
            PreventionTraining.objects.filter(lineage=line.lineage).order_by("-version")[0].title
            == "SST — formation initiale"
        )
    data["transferable_skills"] = "H2909"
    response = client.post(url(provider, "correct", declaration.public_id), data)
    assert response.status_code == 400
    page = html_lib.unescape(response.content.decode())
    # The form names its field, not the file's column.
    assert "« Compétences transférables (codes ROME) » attend de 3 à 10 codes ROME" in page
    assert "COMPETENCE_TRANSFERABLE" not in page


def test_jdr_training_form_has_the_justificatif_fields(
    client, referentials, provider, provider_user, persons
):
    (line,) = declare(provider, [jdr(persons[0])], kind="JDR")
    client.force_login(provider_user)
    html = html_lib.unescape(
        client.get(url(provider, "correct", line.declaration.public_id)).content.decode()
    )
    assert 'name="jdr_name"' in html and "Habilitation électrique B1V" in html
    html = html_lib.unescape(
        client.get(url(provider, "line_correct", line.public_id)).content.decode()
    )
    assert 'name="mention"' in html
    adf_line = declare(provider, [adf(persons[1])])[0]
    html = html_lib.unescape(
        client.get(url(provider, "line_correct", adf_line.public_id)).content.decode()
    )
    assert 'name="mention"' not in html


def test_cancel_a_line_and_a_declaration(client, provider, provider_user, lines):
    client.force_login(provider_user)
    line = lines["recent"][0]
    response = client.post(url(provider, "line_cancel", line.public_id), {"reason": ""})
    assert response.status_code == 400
    response = client.post(url(provider, "line_cancel", line.public_id), {"reason": "Absent"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == LineStatus.CANCELLED
    declaration = line.declaration
    response = client.post(
        url(provider, "cancel", declaration.public_id), {"reason": "Session annulée"}
    )
    assert response.status_code == 302
    assert not DeclarationLine.objects.filter(
        declaration=declaration, status=LineStatus.ACTIVE
    ).exists()
    html = html_lib.unescape(client.get(response["Location"]).content.decode())
    assert "Session annulée" in html and "Absent" in html
    response = client.post(url(provider, "cancel", declaration.public_id), {"reason": "Encore"})
    assert response.status_code == 400
    assert "déjà annulées" in html_lib.unescape(response.content.decode())


# --- Attackers -----------------------------------------------------------------------------


def test_another_organisation_cannot_see_correct_or_cancel(client, provider, lines):
    intruder_org = OrganisationFactory(training_provider=True)
    client.force_login(member(intruder_org))
    line = lines["recent"][0]
    declaration = line.declaration
    # Its own URLs with the victim's objects: 404.
    for name, arg in [
        ("detail", declaration.public_id),
        ("correct", declaration.public_id),
        ("cancel", declaration.public_id),
        ("line_correct", line.public_id),
        ("line_cancel", line.public_id),
    ]:
        assert client.get(url(intruder_org, name, arg)).status_code == 404
        if name != "detail":
            assert client.post(url(intruder_org, name, arg), {"reason": "x"}).status_code == 404
    # The victim's URLs: 404 too.
    assert client.get(url(provider, "list")).status_code == 404
    assert (
        client.post(url(provider, "line_cancel", line.public_id), {"reason": "x"}).status_code
        == 404
    )
    line.refresh_from_db()
    assert line.status == LineStatus.ACTIVE


def test_holder_and_anonymous(client, provider, lines):
    target = url(provider, "detail", lines["recent"][0].declaration.public_id)
    response = client.get(target)
    assert (response.status_code == 302 and "login" in response["Location"].lower()) or response[
        "Location"
    ].startswith("/identity/")
    client.force_login(UserFactory(holder=True))
    assert client.get(target).status_code == 403
    assert client.get(url(provider, "list")).status_code == 403


# --- The employer's verification -----------------------------------------------------------


def test_employer_sees_what_to_verify_and_confirms(client, employer, employer_user, lines):
    client.force_login(employer_user)
    html = html_lib.unescape(client.get(url(employer, "reviews")).content.decode())
    recent = lines["recent"]
    for line in recent:
        assert line.person.birth_name in html
    assert lines["old"].person.birth_name not in html  # deemed verified: not "to verify"
    assert recent[0].review_deadline.strftime("%d/%m/%Y") in html
    assert "Réputées vérifiées : 1" in html
    html = html_lib.unescape(
        client.get(url(employer, "reviews") + "?etat=deemed_verified").content.decode()
    )
    assert lines["old"].person.birth_name in html
    response = client.post(url(employer, "review", recent[0].public_id), {"action": "confirm"})
    assert response.status_code == 302
    recent[0].refresh_from_db()
    assert recent[0].review_status == ReviewStatus.CONFIRMED
    html = html_lib.unescape(client.get(response["Location"]).content.decode())
    assert "Confirmée par l'employeur" in html


def test_employer_asks_for_a_correction_and_the_provider_sees_it(
    client, provider, provider_user, employer, employer_user, lines, settings
):
    settings.SITE_URL = "https://passeport.example"
    provider_user.email = "of@example.fr"
    provider_user.save()
    client.force_login(employer_user)
    line = lines["recent"][1]
    response = client.post(
        url(employer, "review", line.public_id), {"action": "correction", "message": ""}
    )
    assert response.status_code == 400
    with_message = {"action": "correction", "message": "La formation a eu lieu en mars."}
    with pytest.MonkeyPatch.context():
        response = client.post(url(employer, "review", line.public_id), with_message)
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.review_status == ReviewStatus.CORRECTION_REQUESTED
    client.force_login(provider_user)
    html = html_lib.unescape(
        client.get(url(provider, "detail", line.declaration.public_id)).content.decode()
    )
    assert "Correction demandée par l'employeur" in html
    assert "La formation a eu lieu en mars." in html
    html = html_lib.unescape(client.get(url(provider, "list")).content.decode())
    assert "1 correction demandée" in html


def test_correction_request_mails_the_provider_administrators(
    client,
    provider,
    provider_user,
    employer,
    employer_user,
    lines,
    django_capture_on_commit_callbacks,
):
    provider_user.email = "of@example.fr"
    provider_user.save()
    client.force_login(employer_user)
    line = lines["recent"][1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url(employer, "review", line.public_id),
            {"action": "correction", "message": "Erreur de date"},
        )
    (message,) = mail.outbox
    assert message.to == ["of@example.fr"]
    assert employer.name in message.subject
    assert line.person.birth_name not in message.body
    assert "Erreur de date" not in message.body  # the message stays in the service


def test_review_closed_after_the_deadline(client, employer, employer_user, lines):
    client.force_login(employer_user)
    old = lines["old"]
    html = html_lib.unescape(client.get(url(employer, "review", old.public_id)).content.decode())
    assert "Réputée vérifiée" in html and "Confirmer cette déclaration" not in html
    response = client.post(url(employer, "review", old.public_id), {"action": "confirm"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.review_status == ReviewStatus.PENDING  # stored by the daily command only


def test_an_employer_not_named_cannot_review(client, employer, lines):
    other = OrganisationFactory()
    client.force_login(member(other))
    line = lines["recent"][0]
    assert client.get(url(other, "review", line.public_id)).status_code == 404
    assert (
        client.post(url(other, "review", line.public_id), {"action": "confirm"}).status_code == 404
    )
    assert client.get(url(employer, "reviews")).status_code == 404
    assert (
        client.post(url(employer, "review", line.public_id), {"action": "confirm"}).status_code
        == 404
    )
    html = html_lib.unescape(client.get(url(other, "reviews")).content.decode())
    assert line.person.birth_name not in html
    line.refresh_from_db()
    assert line.review_status == ReviewStatus.PENDING


def test_the_provider_cannot_review_its_own_line(client, provider, provider_user, lines):
    client.force_login(provider_user)
    line = lines["recent"][0]
    # A provider that is not an employer has no review pages.
    assert client.get(url(provider, "review", line.public_id)).status_code == 403


def test_reprise_page(client, referentials, employer, employer_user, provider, persons):
    end = timezone.localdate() - datetime.timedelta(days=200)
    declare(
        employer,
        [adf(persons[0], employer, end=end, declaration_id="REPRISE")],
        role=DeclarantRole.EMPLOYER,
    )
    declare(provider, [adf(persons[0], employer, end=end, declaration_id="TARDIVE")])
    client.force_login(employer_user)
    html = html_lib.unescape(client.get(url(employer, "reprise")).content.decode())
    window = lifecycle.reprise_window(end)
    if window.opens_on <= timezone.localdate():
        assert ">REPRISE</a>" in html
        assert f"{provider.name} (TARDIVE)" in html
    html = html_lib.unescape(
        client.get(url(employer, "reprise") + f"?reference_day={end.isoformat()}").content.decode()
    )
    assert window.opens_on.strftime("%d/%m/%Y") in html
    assert window.closes_on.strftime("%d/%m/%Y") in html


def test_an_organisation_that_neither_trains_nor_employs_has_no_declarations(client):
    certifier = OrganisationFactory(certifier=True)
    client.force_login(member(certifier))
    assert client.get(url(certifier, "list")).status_code == 403


def test_the_web_form_names_its_fields_not_the_file_columns(
    client, referentials, provider, provider_user, persons
):
    """A rule's message on the declaration form names the field's label: no
    « COMPETENCE_TRANSFERABLE attend … », no « FORMATION_CERTIFIANTE est obligatoire » on
    a field marked optional."""
    from passeport.prevention.enums import DeclarationKind
    from passeport.www.pro.prevention.forms import DeclarationForm
    from passeport.www.pro.prevention.messages import in_form_words

    form = DeclarationForm(kind=DeclarationKind.ADF, roles=[DeclarantRole.PROVIDER])
    assert form.fields["certifying"].required
    message = in_form_words(
        "COMPETENCE_TRANSFERABLE attend de 3 à 10 codes ROME (2 reçu(s)).",
        form,
        {"COMPETENCE_TRANSFERABLE": "transferable_skills"},
    )
    label = form.fields["transferable_skills"].label
    assert message == f"« {label} » attend de 3 à 10 codes ROME (2 reçu(s))."
