"""The installable app: manifest, service worker at the root, offline page; the holder's
pages kept offline carry an opaque key of their own account only."""

import json

from django.test import Client

from tests.factories import UserFactory


def test_manifest_has_what_installation_needs(db):
    response = Client().get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] and data["short_name"] and data["start_url"] == "/mon-espace/"
    assert data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    from django.contrib.staticfiles import finders

    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_every_page_links_our_manifest(db):
    html = Client().get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "dsfr/dist/favicon/manifest.webmanifest" not in html
    assert "passeport/pwa.js" in html


def test_service_worker_is_served_from_the_root(db):
    response = Client().get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert '"/hors-ligne/"' in body and '"/mon-espace/"' in body
    assert "no-cache" in response["Cache-Control"]
    assert Client().get("/hors-ligne/").status_code == 200


def test_holder_pages_kept_offline_name_their_holder_only(db):
    first, second = UserFactory(holder=True), UserFactory(holder=True)
    keys = []
    for user in (first, second):
        client = Client()
        client.force_login(user)
        for path in ("/mon-espace/", "/mon-espace/qr-codes/"):
            response = client.get(path)
            assert response.status_code == 200, path
            keys.append(response["X-Passeport-Holder"])
    assert keys[0] == keys[1] != keys[2] == keys[3]
    # Opaque: neither the account's identifiers nor the person's.
    assert str(first.public_id) not in keys[0] and str(first.pk) != keys[0]
    # Other holder pages are not kept.
    client = Client()
    client.force_login(first)
    assert "X-Passeport-Holder" not in client.get("/mon-espace/prevention/")
