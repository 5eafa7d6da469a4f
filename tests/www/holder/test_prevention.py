"""Step 6: the prevention page — validity, what expires soon, consent per employer."""

import datetime

import pytest
from django.utils import timezone

from passeport.consent.models import ConsentScope, PreventionConsent
from passeport.journal.models import JournalEntry
from passeport.records.models import PreventionTraining
from tests.factories import EmploymentPeriodFactory, OrganisationFactory, PreventionTrainingFactory

pytestmark = pytest.mark.django_db
URL = "/mon-espace/prevention/"


@pytest.fixture
def setup(holder):
    today = timezone.localdate()
    person = holder.person
    PreventionTrainingFactory(
        person=person, title="SST", valid_until=today + datetime.timedelta(days=30)
    )
    PreventionTrainingFactory(
        person=person,
        title="CACES R489",
        valid_until=today + datetime.timedelta(days=400),
    )
    PreventionTrainingFactory(
        person=person,
        title="Habilitation électrique",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 1, 2),
        valid_from=datetime.date(2020, 1, 2),
        valid_until=datetime.date(2023, 1, 2),
    )
    PreventionTrainingFactory(person=person, title="Travail en hauteur", valid_until=None)
    first = EmploymentPeriodFactory(person=person, employer__name="Bâtiments Durand").employer
    second = EmploymentPeriodFactory(person=person, employer__name="Logistique Petit").employer
    return first, second


def test_validity_and_what_expires_soon(holder_client, setup):
    html = holder_client.get(URL).content.decode()
    assert "À renouveler" in html
    assert "SST : expire le" in html
    assert "Habilitation électrique : expirée depuis le 2 janvier 2023" in html
    assert 'fr-badge--warning">Expire bientôt' in html
    assert 'fr-badge--error">Expirée depuis le 02/01/2023' in html
    assert "Valide sans date de fin" in html
    assert html.index("Habilitation électrique") < html.index("CACES R489")  # expired first
    assert "Bâtiments Durand" in html and "Logistique Petit" in html
    assert html.count("Aucun employeur") == 4  # nothing shown by default


def test_consent_all_part_none(holder_client, holder, setup):
    first, second = setup
    sst = PreventionTraining.objects.get(title="SST")
    response = holder_client.post(
        URL, {"employer": str(first.public_id), f"e{first.pk}-scope": "all"}
    )
    assert response.status_code == 302
    response = holder_client.post(
        URL,
        {
            "employer": str(second.public_id),
            f"e{second.pk}-scope": "part",
            f"e{second.pk}-lineages": [str(sst.lineage)],
        },
    )
    assert response.status_code == 302
    consent = PreventionConsent.objects.get(employer=second)
    assert consent.scope == ConsentScope.PART and consent.lineages == [str(sst.lineage)]
    assert consent.allows(sst)
    assert not consent.allows(PreventionTraining.objects.get(title="CACES R489"))
    html = holder_client.get(URL).content.decode()
    assert "Bâtiments Durand, Logistique Petit" in html  # SST: both
    assert JournalEntry.objects.filter(action="consent.prevention_updated").count() == 2
    # Changing one's mind, journaled too; the same choice again is not.
    holder_client.post(URL, {"employer": str(first.public_id), f"e{first.pk}-scope": "none"})
    holder_client.post(URL, {"employer": str(first.public_id), f"e{first.pk}-scope": "none"})
    assert PreventionConsent.objects.get(employer=first).scope == ConsentScope.NONE
    assert JournalEntry.objects.filter(action="consent.prevention_updated").count() == 3


def test_part_needs_a_choice(holder_client, setup):
    first, _ = setup
    response = holder_client.post(
        URL, {"employer": str(first.public_id), f"e{first.pk}-scope": "part"}
    )
    assert response.status_code == 400
    assert "Choisissez au moins une formation" in response.content.decode()
    assert not PreventionConsent.objects.exists()


def test_only_the_holders_employers(holder_client, setup):
    stranger = OrganisationFactory()
    response = holder_client.post(
        URL, {"employer": str(stranger.public_id), f"e{stranger.pk}-scope": "all"}
    )
    assert response.status_code == 404


def test_consent_is_asked_of_the_employers_that_matter(holder_client, holder, setup):
    """Current employers, employers named on a training, employers already answered:
    not a past employer of the DSN history who never declared anything."""
    person = holder.person
    past = EmploymentPeriodFactory(
        person=person,
        employer__name="Ancien Employeur 1984",
        start_date=datetime.date(1984, 1, 1),
        end_date=datetime.date(1990, 12, 31),
    ).employer
    named = OrganisationFactory(name="Chantiers Martin")
    PreventionTrainingFactory(person=person, title="AIPR", employer_siret=named.siret)
    page = holder_client.get(URL).content.decode()
    assert "Bâtiments Durand" in page and "Chantiers Martin" in page
    assert "Ancien Employeur 1984" not in page
    response = holder_client.post(
        URL, {"employer": str(past.public_id), f"e{past.pk}-scope": "all"}
    )
    assert response.status_code == 404
