"""The holder's space shows only the logged-in holder's own data."""

import pytest

from tests.factories import EmploymentPeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/mon-espace/")
    assert response.status_code == 302
    assert response["Location"].startswith("/identity/connexion/")


def test_professionals_are_refused(client):
    client.force_login(UserFactory())
    assert client.get("/mon-espace/").status_code == 403


def test_a_holder_sees_their_own_records_only(client):
    me, other = UserFactory(holder=True), UserFactory(holder=True)
    EmploymentPeriodFactory(person=me.person)
    EmploymentPeriodFactory.create_batch(3, person=other.person)
    client.force_login(me)
    # Another holder's identifiers in the request change nothing.
    response = client.get(
        "/mon-espace/", {"person": str(other.person.public_id), "user": str(other.public_id)}
    )
    assert response.status_code == 200
    assert response.context["person"] == me.person
    counts = {row["label"]: row["count"] for row in response.context["counts"]}
    assert counts["Périodes d'emploi"] == 1
    assert other.person.birth_name not in response.content.decode()
    assert me.person.reveal_nir() not in response.content.decode()
