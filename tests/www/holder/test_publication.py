"""Step 4: private by default; published and withdrawn one by one or in bulk."""

import pytest

from passeport.journal.models import JournalEntry
from passeport.records.models import Certification, DeclaredItem, EmploymentPeriod

pytestmark = pytest.mark.django_db
URL = "/mon-espace/publication/"


def test_everything_is_private_by_default(holder_client, entries):
    html = holder_client.get("/mon-espace/").content.decode()
    assert html.count(">Privée</p>") == 6 and ">Publiée</p>" not in html


def test_toggle_one(holder_client, holder, entries):
    period = EmploymentPeriod.objects.get(person=holder.person)
    response = holder_client.post(
        URL, {"toggle": f"emploi:{period.public_id}", "next": "/mon-espace/?kind=emploi"}
    )
    assert response.status_code == 302 and response["Location"] == "/mon-espace/?kind=emploi"
    period.refresh_from_db()
    assert period.is_published and period.published_at
    assert JournalEntry.objects.filter(action="record.published").count() == 1
    html = holder_client.get("/mon-espace/?kind=emploi").content.decode()
    assert "1 entrée publiée." in html and ">Publiée</p>" in html
    holder_client.post(URL, {"toggle": f"emploi:{period.public_id}"})
    period.refresh_from_db()
    assert not period.is_published
    assert JournalEntry.objects.filter(action="record.withdrawn").count() == 1


def test_bulk(holder_client, holder, entries):
    period = EmploymentPeriod.objects.get(person=holder.person)
    item = DeclaredItem.objects.get(person=holder.person)
    cert = Certification.objects.get(person=holder.person)
    chosen = [f"emploi:{period.public_id}", f"declaration:{item.public_id}", "emploi:pas-un-uuid"]
    holder_client.post(URL, {"entries": chosen, "action": "publish"})
    assert EmploymentPeriod.objects.get(pk=period.pk).is_published
    assert DeclaredItem.objects.get(pk=item.pk).is_published
    assert not Certification.objects.get(pk=cert.pk).is_published
    response = holder_client.post(URL, {"entries": chosen, "action": "withdraw"}, follow=True)
    assert "2 entrées rendues privées." in response.content.decode()
    assert not EmploymentPeriod.objects.get(pk=period.pk).is_published


def test_nothing_ticked_or_no_action(holder_client, entries):
    response = holder_client.post(URL, {"action": "publish"}, follow=True)
    assert "Cochez au moins une entrée." in response.content.decode()
    response = holder_client.post(URL, {"entries": ["emploi:x"]}, follow=True)
    assert "Choisissez « Publier » ou « Rendre privé »." in response.content.decode()


def test_next_must_stay_on_the_site(holder_client, holder, entries):
    period = EmploymentPeriod.objects.get(person=holder.person)
    response = holder_client.post(
        URL, {"toggle": f"emploi:{period.public_id}", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/mon-espace/"


def test_superseded_versions_cannot_be_published(holder_client, holder):
    holder_client.post("/mon-espace/declarer/langue/", {"title": "Grec", "language_level": "A1"})
    item = DeclaredItem.objects.get()
    holder_client.post(
        f"/mon-espace/entrees/declaration/{item.public_id}/modifier/",
        {"title": "Grec", "language_level": "A2"},
    )
    response = holder_client.post(URL, {"toggle": f"declaration:{item.public_id}"})
    assert response.status_code == 404


def test_select_all_ticks_every_entry_of_the_page_without_a_script(holder_client, entries):
    """ "Tout sélectionner" is a link: the page (or, with htmx, the list) comes back with every
    box ticked, the filters kept; "Tout désélectionner" takes them off."""
    import re

    html = holder_client.get("/mon-espace/?kind=emploi").content.decode()
    link = re.search(r'href="\?([^"]*selection=toutes)"', html).group(1).replace("&amp;", "&")
    unticked = re.findall(r'<input type="checkbox" id="choix-[^>]*>', html)
    assert "kind=emploi" in link and unticked and not any(" checked" in b for b in unticked)

    ticked = holder_client.get(f"/mon-espace/?{link}").content.decode()
    boxes = re.findall(r'<input type="checkbox" id="choix-[^>]*>', ticked)
    assert boxes and all(" checked" in box for box in boxes)
    assert "Tout désélectionner" in ticked

    partial = holder_client.get(f"/mon-espace/?{link}", headers={"HX-Request": "true"})
    assert partial.content.decode().count(" checked>") == len(boxes)
