"""The holder's side of prevention declarations: every declaration about them with its
verification and history (organisations named, not their members), cancelled ones
included, and the professionals' reads of their prevention data."""

import datetime
import html as html_lib

import pytest

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.prevention import lifecycle
from passeport.prevention.enums import DeclarantRole
from tests.factories import UserFactory
from tests.prevention.lifecycle_builders import (  # noqa: F401 (fixtures)
    adf,
    declare,
    employer_fixture,
    employer_user_fixture,
    old_end,
    persons_fixture,
    provider_fixture,
    provider_user_fixture,
    recent_end,
    referentials_fixture,
)

pytestmark = pytest.mark.django_db
URL = "/mon-espace/prevention/"


@pytest.fixture
def holder(persons):
    return UserFactory(holder=True, person=persons[0])


@pytest.fixture
def story(referentials, provider, employer, persons, provider_user, employer_user):
    """A provider's declaration reviewed by the employer then corrected; an employer's
    own declaration; a cancelled one; another holder's."""
    (reviewed,) = declare(provider, [adf(persons[0], employer)])
    lifecycle.request_correction(
        reviewed, organisation=employer, user=employer_user, message="Date de fin erronée"
    )
    lifecycle.correct_line(
        reviewed,
        changes={"DATE_FIN_VALIDITE": recent_end() + datetime.timedelta(days=730)},
        reason="Validité de deux ans",
        actor=lifecycle.member_actor(provider_user, provider),
    )
    (own,) = declare(
        employer,
        [
            adf(
                persons[0],
                employer,
                end=old_end(),
                declaration_id="INTERNE",
                NOM_FORMATION="Travail en hauteur",
            )
        ],
        role=DeclarantRole.EMPLOYER,
    )
    (cancelled,) = declare(
        provider, [adf(persons[0], declaration_id="ANNULEE", NOM_FORMATION="Gestes et postures")]
    )
    lifecycle.cancel_line(
        cancelled, reason="Stagiaire absent", actor=Actor.for_organisation(provider)
    )
    (other,) = declare(
        provider, [adf(persons[1], declaration_id="AUTRE", NOM_FORMATION="Amiante SS4")]
    )
    return {"reviewed": reviewed, "own": own, "cancelled": cancelled, "other": other}


def get(client, url):
    response = client.get(url)
    return response, html_lib.unescape(response.content.decode())


def test_every_declaration_about_the_holder(client, holder, story, provider, employer):
    client.force_login(holder)
    response, html = get(client, URL)
    assert response.status_code == 200
    assert "Les déclarations me concernant" in html
    assert "Sauveteur secouriste du travail (SST)" in html
    assert "Travail en hauteur" in html and "Employeur, le" in html
    assert "Gestes et postures" in html and "Annulée" in html
    assert "Amiante SS4" not in html  # another holder's
    assert "À vérifier par l'employeur" in html  # the corrected line is pending again
    assert "Voir les changements" in html


def test_history_of_a_corrected_declaration_names_organisations(
    client, holder, story, provider, employer, provider_user, employer_user
):
    client.force_login(holder)
    line = story["reviewed"]
    response, html = get(client, f"{URL}declarations/{line.public_id}/")
    assert response.status_code == 200
    assert "Version 2" in html and "Version 1" in html
    assert "Validité de deux ans" in html
    assert "Déclaration initiale" in html
    assert "Correction demandée par l'employeur" in html
    assert employer.name in html and provider.name in html
    # Organisations, not their members; the employer's message stays between them.
    assert provider_user.last_name not in html and employer_user.last_name not in html
    assert "Date de fin erronée" not in html


def test_cancelled_declaration_history(client, holder, story):
    client.force_login(holder)
    _response, html = get(client, f"{URL}declarations/{story['cancelled'].public_id}/")
    assert "Ligne annulée" in html and "Stagiaire absent" in html


def test_another_holders_declaration_is_a_404(client, holder, story):
    client.force_login(holder)
    response = client.get(f"{URL}declarations/{story['other'].public_id}/")
    assert response.status_code == 404


def test_professional_and_anonymous_are_refused(client, story, provider_user):
    target = f"{URL}declarations/{story['reviewed'].public_id}/"
    assert client.get(target).status_code == 302
    client.force_login(provider_user)
    assert client.get(target).status_code == 403


def test_professionals_reads_of_prevention_data_are_listed(client, holder, employer_user):
    person = holder.person
    actor = Actor.for_user(employer_user)
    journal.log_person_data_read(person, actor, "Tableau de suivi des formations de prévention (X)")
    journal.log_person_data_read(person, actor, "signalement d'erreur : emploi")  # not prevention
    journal.log_person_data_read(person, Actor.for_user(holder), "Formations de prévention")
    client.force_login(holder)
    _response, html = get(client, URL)
    section = html[html.index("Consultations de mes formations de prévention") :]
    assert "Tableau de suivi des formations de prévention (X)" in section
    assert "signalement d'erreur : emploi" not in section
    assert section.count("<tr><td>") == 1
    assert "/mon-espace/mes-donnees/" in section


def test_own_initiative_training_link(client, holder, story):
    client.force_login(holder)
    _, html = get(client, URL)
    assert "Ajouter une formation suivie de ma propre initiative" in html
    assert 'href="/mon-espace/declarer/prevention/"' in html
