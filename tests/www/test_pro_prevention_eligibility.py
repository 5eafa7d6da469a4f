"""The eligibility checker's page: one question per step without JavaScript, for
anonymous visitors and professionals, the verdict with its reasons, today's date for
the transition."""

import datetime
import html as html_lib

import pytest
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/prevention/eligibilite/"


def page(client, query=""):
    response = client.get(URL + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


@pytest.fixture
def frozen(monkeypatch):
    """Freezes `timezone.localdate()` (what the view reads) on a given day."""

    def freeze(day):
        original = timezone.localdate

        def localdate(value=None, timezone=None):
            return day if value is None else original(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    return freeze


def test_anonymous_walks_through_to_a_verdict(client):
    html = page(client)
    assert "Qui déclare la formation ?" in html and 'type="radio"' in html
    assert "Question 1 sur 7" in html
    html = page(client, "declarant=provider&etape=declarant")
    assert "prévention des risques professionnels" in html
    assert 'name="declarant" value="provider"' in html  # earlier answers carried along
    html = page(client, "declarant=provider&purpose=yes&subject=cse")
    assert "Non, cette formation n'entre pas dans le passeport de prévention." in html
    assert "L.2315-18" in html and "décret n° 2025-748, art. 4" in html


def test_full_path_to_eligible_jdr(client, frozen):
    frozen(datetime.date(2026, 11, 23))
    query = (
        "declarant=provider&purpose=yes&subject=sst&proof=both&cpf_holder=yes"
        "&transferable=yes&category=1"
    )
    html = page(client, query)
    assert "Oui, cette formation se déclare au passeport de prévention (JDR)." in html
    assert "R.4224-15" in html and "ne déclarez que le justificatif de réussite" in html
    # Each answer can be changed: the link keeps only the earlier answers.
    assert 'href="?declarant=provider&purpose=yes&subject=sst&proof=both"' in html


def test_transition_follows_today(client, frozen):
    query = (
        "declarant=employer&purpose=yes&subject=other&proof=adf&cpf_holder=yes"
        "&transferable=yes&category=4"
    )
    frozen(datetime.date(2026, 9, 30))
    assert "Pas encore : cette formation se déclarera à partir du 1 octobre 2026" in page(
        client, query
    )
    frozen(datetime.date(2026, 10, 1))
    assert "Oui, cette formation se déclare" in page(client, query)


def test_submitting_without_an_answer_says_so(client):
    html = page(client, "declarant=provider&etape=purpose")
    assert "Choisissez une réponse pour continuer." in html
    assert "<title>Erreur" in html


def test_unknown_values_restart_at_that_question(client):
    html = page(client, "declarant=nobody&purpose=yes")
    assert "Qui déclare la formation ?" in html


def test_professionals_reach_it_too(client):
    client.force_login(UserFactory())
    assert "Qui déclare la formation ?" in page(client)
