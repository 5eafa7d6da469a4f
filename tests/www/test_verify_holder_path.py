"""The whole path over HTTP, no browser: a holder builds a CV, downloads its sealed PDF,
shares a link; a visitor opens the link and verifies the PDF and the link on the public
verifier. Then the attacker's side: another holder, an anonymous visitor."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from passeport.documents.models import Cv, GeneratedDocument
from passeport.journal.models import JournalEntry
from passeport.sharing.models import ShareLink
from tests.documents.fixtures import *  # noqa: F403 (fixtures: holder, published…)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _choices(response):
    return re.findall(r'name="entries" value="([a-z]+:[0-9a-f-]{36})"', response.content.decode())


def build_cv(client):
    page = client.get("/mon-espace/cv/nouveau/")
    assert page.status_code == 200
    values = _choices(page)
    assert len(values) == 6
    response = client.post(
        "/mon-espace/cv/nouveau/",
        {"title": "Boulangère confirmée", "summary": "Cherche un poste.", "entries": values},
    )
    assert response.status_code == 302
    return Cv.objects.get(title="Boulangère confirmée")


def test_holder_builds_downloads_shares_and_a_visitor_verifies(
    client, holder, published, django_capture_on_commit_callbacks
):
    client.force_login(holder)
    cv = build_cv(client)
    detail = client.get(f"/mon-espace/cv/{cv.public_id}/")
    assert detail.status_code == 200
    second = list(cv.items.order_by("position"))[1]
    # Reordering without JavaScript: a plain form post, then a redirect.
    moved = client.post(f"/mon-espace/cv/{cv.public_id}/ordre/", {"move": f"{second.pk}:up"})
    assert moved.status_code == 302
    assert cv.items.order_by("position").first().pk == second.pk
    # With htmx, only the list comes back.
    swapped = client.post(
        f"/mon-espace/cv/{cv.public_id}/ordre/",
        {"move": f"{second.pk}:down"},
        headers={"HX-Request": "true"},
    )
    assert swapped.status_code == 200 and b'id="ordre"' in swapped.content
    assert b"<html" not in swapped.content
    preview = client.get(f"/mon-espace/cv/{cv.public_id}/apercu/")
    assert "Garanti" in preview.content.decode() and "Déclaré" in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/mon-espace/cv/{cv.public_id}/pdf/")
    assert response.status_code == 302
    document = GeneratedDocument.objects.get(cv=cv)
    assert response.url == f"/mon-espace/documents/{document.public_id}/"
    status = client.get(response.url, headers={"HX-Request": "true"})
    assert "Votre PDF scellé est prêt" in status.content.decode()
    download = client.get(f"/mon-espace/documents/{document.public_id}/telecharger/")
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF-")

    response = client.post(
        "/mon-espace/partages/nouveau/",
        {
            "entries": _choices(client.get("/mon-espace/partages/nouveau/"))[:3],
            "expires_on": "2099-01-01",
            "recipient": "Recruteur de la société X",
        },
    )
    assert response.status_code == 400  # beyond a year
    assert "au plus tard" in response.content.decode()
    page = client.get("/mon-espace/partages/nouveau/")
    default_expiry = re.search(r'name="expires_on" value="([0-9-]+)"', page.content.decode())[1]
    response = client.post(
        "/mon-espace/partages/nouveau/",
        {
            "entries": _choices(page)[:3],
            "expires_on": default_expiry,
            "recipient": "Recruteur de la société X",
        },
    )
    assert response.status_code == 302
    link = ShareLink.objects.get(person=holder.person)
    detail = client.get(response.url).content.decode()
    url = re.search(r'id="lien-a-copier" type="text" value="([^"]+)"', detail)[1]
    path = url.split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")
    client.logout()

    # A visitor, no account.
    shared = client.get(path, headers={"User-Agent": "Mozilla/5.0 Firefox/140.0"})
    assert shared.status_code == 200
    assert shared["X-Robots-Tag"].startswith("noindex")
    body = shared.content.decode()
    assert "Recruteur de la société X" in body and "En vigueur" in body
    assert holder.person.reveal_nir() not in body
    link.refresh_from_db()
    assert link.views_count == 1
    reads = JournalEntry.objects.filter(person_id=holder.person.pk, action="person.read")
    assert any("lien de partage" in entry.payload["what"] for entry in reads)

    verdict = client.post("/verifier/", {"pdf": SimpleUploadedFile("cv.pdf", pdf)})
    assert verdict.status_code == 200
    text = verdict.content.decode()
    assert "Vérifié" in text and "Échec" not in text
    assert document.holder_label in text
    verdict = client.post("/verifier/", {"share_link": url})
    assert verdict.status_code == 200 and "Échec" not in verdict.content.decode()
    qr_page = client.get(f"/verifier/{document.public_id}")
    assert qr_page.status_code == 200 and "Échec" not in qr_page.content.decode()

    # The holder sees the opening, and revokes the link: 410 for the visitor.
    client.force_login(holder)
    detail = client.get(f"/mon-espace/partages/{link.public_id}/").content.decode()
    assert "Firefox" in detail and "Ouvertures (1)" in detail
    access_log = client.get("/mon-espace/mes-donnees/").content.decode()
    assert "lecture par un tiers via lien de partage" in access_log
    client.post(f"/mon-espace/partages/{link.public_id}/revoquer/")
    client.logout()
    assert client.get(path).status_code == 410
    refused = client.post("/verifier/", {"share_link": url}).content.decode()
    assert "Refusé" in refused and "révoqué" in refused


@pytest.fixture
def attacker(db):
    return UserFactory(holder=True)


def test_another_holder_cannot_see_download_revoke_or_reorder(
    client, holder, published, attacker, django_capture_on_commit_callbacks
):
    client.force_login(holder)
    cv = build_cv(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/mon-espace/cv/{cv.public_id}/pdf/")
    document = GeneratedDocument.objects.get(cv=cv)
    page = client.get("/mon-espace/partages/nouveau/")
    client.post(
        "/mon-espace/partages/nouveau/",
        {
            "entries": _choices(page)[:2],
            "expires_on": re.search(r'name="expires_on" value="([0-9-]+)"', page.content.decode())[
                1
            ],
        },
    )
    link = ShareLink.objects.get(person=holder.person)
    item = cv.items.first()

    client.force_login(attacker)
    for path in (
        f"/mon-espace/cv/{cv.public_id}/",
        f"/mon-espace/cv/{cv.public_id}/modifier/",
        f"/mon-espace/cv/{cv.public_id}/apercu/",
        f"/mon-espace/cv/{cv.public_id}/supprimer/",
        f"/mon-espace/documents/{document.public_id}/",
        f"/mon-espace/documents/{document.public_id}/telecharger/",
        f"/mon-espace/partages/{link.public_id}/",
    ):
        assert client.get(path).status_code == 404, path
    for path, data in (
        (f"/mon-espace/cv/{cv.public_id}/ordre/", {"move": f"{item.pk}:down"}),
        (f"/mon-espace/cv/{cv.public_id}/pdf/", {}),
        (f"/mon-espace/cv/{cv.public_id}/supprimer/", {}),
        (f"/mon-espace/documents/{document.public_id}/revoquer/", {}),
        (f"/mon-espace/partages/{link.public_id}/revoquer/", {}),
    ):
        assert client.post(path, data).status_code == 404, path
    # The attacker's own CV cannot take the victim's entries.
    victim_choice = _choices(page)[0]
    response = client.post("/mon-espace/cv/nouveau/", {"title": "Volé", "entries": [victim_choice]})
    assert response.status_code == 400
    assert not Cv.objects.filter(person=attacker.person).exists()
    document.refresh_from_db()
    link.refresh_from_db()
    assert document.revoked_at is None and link.revoked_at is None
    assert cv.items.order_by("position").first().pk == item.pk


def test_anonymous_visitors_cannot_reach_holder_pages(client, holder, published):
    client.force_login(holder)
    cv = build_cv(client)
    client.logout()
    for path in (
        "/mon-espace/cv/",
        "/mon-espace/cv/nouveau/",
        f"/mon-espace/cv/{cv.public_id}/",
        "/mon-espace/partages/",
        "/mon-espace/partages/nouveau/",
        "/mon-espace/attestations/prevention/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/identity/" in response.url, path
    response = client.post(f"/mon-espace/cv/{cv.public_id}/pdf/")
    assert response.status_code == 302 and not GeneratedDocument.objects.exists()


def test_a_professional_cannot_use_the_holder_pages(client):
    client.force_login(UserFactory())
    assert client.get("/mon-espace/cv/").status_code == 403
    assert client.get("/mon-espace/partages/").status_code == 403
