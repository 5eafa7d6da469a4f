"""Mon orientation, through the holder's pages."""

import pytest
from django.urls import reverse

from passeport.orientation.enums import JobMatchStatus
from passeport.orientation.models import JobMatch, SavedTarget
from passeport.records.models import DeclaredItem

from .conftest import it_passport

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport(holder):
    return it_passport(holder.person)


def test_home_proposes_the_jobs_held_then_the_holder_confirms(holder_client, holder, passport):
    page = holder_client.get(reverse("holder:orientation_home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Confirmez les métiers que vous avez exercés" in html
    assert "Développeur / Développeuse informatique" in html
    match = JobMatch.objects.get(person=holder.person)
    response = holder_client.post(
        reverse("holder:orientation_job", args=[match.public_id]), {"decision": "confirmed"}
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == JobMatchStatus.CONFIRMED
    html = holder_client.get(reverse("holder:orientation_home")).content.decode()
    assert "Confirmez les métiers" not in html


def test_the_holder_corrects_a_job_with_a_search(holder_client, holder, passport):
    holder_client.get(reverse("holder:orientation_home"))
    match = JobMatch.objects.get(person=holder.person)
    url = reverse("holder:orientation_job", args=[match.public_id])
    page = holder_client.get(url, {"q": "cariste"})
    assert "Cariste" in page.content.decode()
    holder_client.post(url, {"decision": "corrected", "ogr": "11679"})
    match.refresh_from_db()
    assert match.status == JobMatchStatus.CORRECTED and match.appellation.ogr == "11679"


def test_target_search_is_accent_insensitive(holder_client, passport):
    for query in ("developpeuse informatique", "DÉVELOPPEUR INFORMATIQUE"):
        page = holder_client.get(reverse("holder:orientation_search"), {"q": query})
        assert "Développeur / Développeuse informatique" in page.content.decode()


def test_the_gap_page_shows_what_covers_what_and_what_is_missing(holder_client, passport):
    page = holder_client.get(reverse("holder:orientation_gap", args=["14153"]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Ce qui vous manque",
        "Ce que vous avez déjà",
        "Comment ce taux est calculé",
        "Cœur de métier",
        "Compétence du ROME que vous avez déclarée.",
        "Formations qui comblent l'écart",
        "arrivent avec le catalogue",
        "<svg",
    ):
        assert text in html, text
    assert holder_client.get(reverse("holder:orientation_gap", args=["0"])).status_code == 404


def test_i_have_this_skill_declares_it_and_it_counts(holder_client, holder, passport):
    url = reverse("holder:orientation_declare_skill_rome", args=["F1702"])
    response = holder_client.post(url, {"skill": "400261"})
    assert response.status_code == 302
    item = DeclaredItem.objects.filter(person=holder.person, rome_skills=["400261"]).count()
    assert item == 2  # the passport's own declaration, and this one


def test_saved_targets_and_their_comparison(holder_client, holder, passport):
    for data in ({"ogr": "14153"}, {"code": "F1702"}):
        holder_client.post(reverse("holder:orientation_save_target"), data)
    holder_client.post(reverse("holder:orientation_save_target"), {"ogr": "14153"})
    targets = list(SavedTarget.objects.filter(person=holder.person).order_by("pk"))
    assert [t.rome.code for t in targets] == ["M1805", "F1702"]
    home = holder_client.get(reverse("holder:orientation_home")).content.decode()
    assert "Mes métiers visés" in home and "Ouvrier / Ouvrière en voiries" in home
    page = holder_client.get(
        reverse("holder:orientation_compare"),
        {"a": str(targets[0].public_id), "b": str(targets[1].public_id)},
    )
    html = page.content.decode()
    assert "Manques communs aux deux" in html and "Seulement pour" in html
    holder_client.post(reverse("holder:orientation_remove_target", args=[targets[1].public_id]))
    assert SavedTarget.objects.filter(person=holder.person).count() == 1


def test_profile_and_leads_pages(holder_client, passport):
    profile = holder_client.get(reverse("holder:orientation_profile")).content.decode()
    assert "D'où viennent-elles ?" in profile and "RNCP34474" in profile
    leads = holder_client.get(reverse("holder:orientation_leads"))
    assert leads.status_code == 200
