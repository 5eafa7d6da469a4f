"""Step 8: from the attacker's side. Every holder view refuses anonymous visitors (login),
professionals (403), and another holder's entries (404, real identifiers)."""

import pytest

from passeport.records import corrections
from passeport.records.models import DeclaredItem, EmploymentPeriod
from tests.factories import UserFactory
from tests.www.holder.passports import passport

pytestmark = pytest.mark.django_db

PAGES = [
    "/mon-espace/",
    "/mon-espace/declarer/",
    "/mon-espace/declarer/langue/",
    "/mon-espace/declarer/competence/recherche/?q=soudure",
    "/mon-espace/mes-donnees/",
    "/mon-espace/mes-donnees/mon-passeport.json",
    "/mon-espace/mes-donnees/mon-passeport.zip",
    "/mon-espace/prevention/",
]
POSTS = ["/mon-espace/publication/", "/mon-espace/prevention/", "/mon-espace/declarer/langue/"]


def entry_urls(user):
    period = EmploymentPeriod.objects.get(person=user.person)
    item = DeclaredItem.objects.get(person=user.person)
    base = f"/mon-espace/entrees/emploi/{period.public_id}/"
    declared = f"/mon-espace/entrees/declaration/{item.public_id}/"
    return {
        "get": [base, declared, f"{declared}modifier/", f"{declared}supprimer/"],
        "post": [
            f"{base}signaler/",
            f"{declared}modifier/",
            f"{declared}supprimer/",
        ],
    }


@pytest.fixture
def victim():
    user = UserFactory(holder=True)
    passport(user.person)
    return user


def test_anonymous_visitors_are_sent_to_login(client, victim):
    urls = entry_urls(victim)
    for path in PAGES + urls["get"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/identity/connexion/"), path
    for path in POSTS + urls["post"]:
        assert client.post(path, {"message": "x"}).status_code == 302, path


def test_professionals_are_refused(client, victim):
    client.force_login(UserFactory())
    urls = entry_urls(victim)
    for path in PAGES + urls["get"]:
        assert client.get(path).status_code == 403, path
    for path in POSTS + urls["post"]:
        assert client.post(path, {"message": "x"}).status_code == 403, path


def test_another_holders_entries_are_not_found(holder_client, holder, victim):
    passport(holder.person)
    urls = entry_urls(victim)
    for path in urls["get"]:
        assert holder_client.get(path).status_code == 404, path
    for path in urls["post"]:
        response = holder_client.post(path, {"message": "x", "confirm": "on", "title": "x"})
        assert response.status_code == 404, path
    period = EmploymentPeriod.objects.get(person=victim.person)
    item = DeclaredItem.objects.get(person=victim.person)
    # Publication with another holder's identifiers: nothing happens.
    response = holder_client.post(
        "/mon-espace/publication/", {"toggle": f"emploi:{period.public_id}"}
    )
    assert response.status_code == 404
    holder_client.post(
        "/mon-espace/publication/",
        {"entries": [f"declaration:{item.public_id}"], "action": "publish"},
    )
    item.refresh_from_db()
    period.refresh_from_db()
    assert not item.is_published and not period.is_published
    assert not corrections.requests_for(period).exists()
    # Another holder's employer is not one the holder may consent to.
    response = holder_client.post(
        "/mon-espace/prevention/", {"employer": str(period.employer.public_id)}
    )
    assert response.status_code == 404


def test_guaranteed_entries_cannot_be_edited_or_deleted(holder_client, holder):
    passport(holder.person)
    period = EmploymentPeriod.objects.get(person=holder.person)
    for suffix in ("modifier/", "supprimer/"):
        path = f"/mon-espace/entrees/emploi/{period.public_id}/{suffix}"
        assert holder_client.get(path).status_code == 403
        assert holder_client.post(path, {"confirm": "on", "job_title": "x"}).status_code == 403
    period.refresh_from_db()
    assert period.status == "active" and period.version == 1
