import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/", "Votre parcours professionnel"),
        ("/mentions-legales/", "Mentions légales"),
        ("/donnees-personnelles/", "Données personnelles"),
        ("/accessibilite/", "Déclaration d'accessibilité"),
    ],
)
def test_public_pages_are_french_and_dsfr(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="fr"' in body
    assert heading in body
    assert "fr-header" in body and "fr-footer" in body
    assert 'href="/accessibilite/"' in body  # footer links wired


def test_home_presents_every_public(client):
    body = client.get("/").content.decode()
    for public in ("Titulaires", "Employeurs", "Organismes de formation", "Certificateurs"):
        assert public in body


def test_404_page_is_french(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_500_page_renders_without_context():
    html = render_to_string("500.html")
    assert "Erreur inattendue" in html


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_login_required_by_default(client):
    response = client.get("/admin/")
    assert response.status_code == 302


def test_unknown_template_variable_in_our_templates_fails(client, settings):
    from django.template import engines

    template = engines["django"].from_string("{{ nope }}")
    # A string template has no origin under passeport/: tolerated.
    assert template.render({}) == ""
    with pytest.raises(AssertionError, match="Variable de gabarit inconnue"):
        render_to_string("public/home.html", {"publics": [{"title": "x"}]})
