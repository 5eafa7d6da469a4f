"""Serving: published pages from the cache for visitors, rebuilt after a publication;
never a cached page for a logged-in person; accent-insensitive search."""

import pytest
from django.test import Client

from passeport.portal.models import ContentPage, NewsPage
from tests.factories import UserFactory


def test_second_visit_is_served_from_the_cache_without_a_query(portal, django_assert_num_queries):
    client = Client()
    url = ContentPage.objects.get(portal_key="titulaires").url
    assert client.get(url)["X-Portal-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response["X-Portal-Cache"] == "hit"
    assert "Titulaires" in response.content.decode()


def test_a_publication_is_served_at_once(portal, django_capture_on_commit_callbacks):
    client = Client()
    page = ContentPage.objects.get(portal_key="employeurs")
    client.get(page.url)
    page.title = "Employeurs : ce qui change"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    response = client.get(page.url)
    assert response["X-Portal-Cache"] == "miss"
    assert "Employeurs : ce qui change" in response.content.decode()
    # The menus of every other page follow too.
    other = ContentPage.objects.get(portal_key="faq").url
    assert "Employeurs : ce qui change" in client.get(other).content.decode()


def test_a_draft_is_not_shown(portal, django_capture_on_commit_callbacks):
    page = ContentPage.objects.get(portal_key="certificateurs")
    page.title = "Brouillon non relu"
    page.save_revision()
    assert "Brouillon non relu" not in Client().get(page.url).content.decode()


def test_unpublished_page_disappears(portal, django_capture_on_commit_callbacks):
    client = Client()
    page = ContentPage.objects.get(portal_key="financeurs")
    assert client.get(page.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert client.get(page.url).status_code == 404


def test_logged_in_people_are_never_served_a_cached_page(portal):
    url = ContentPage.objects.get(portal_key="titulaires").url
    Client().get(url)
    client = Client()
    client.force_login(UserFactory(holder=True))
    response = client.get(url)
    assert "X-Portal-Cache" not in response
    assert "Se déconnecter" in response.content.decode()


def _titles(query):
    response = Client().get("/portail/recherche/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("query", ["sécurité", "securite", "SÉCURITÉ", "Securité"])
def test_search_ignores_accents_and_case(portal, query):
    html = _titles(query)
    assert "Employeurs" in html
    assert "0 résultat" not in html


def test_search_finds_a_page_published_by_an_operator(portal, django_capture_on_commit_callbacks):
    index = portal.get_children().type(ContentPage).first()
    page = ContentPage(
        title="Échafaudages roulants", slug="echafaudages", intro="Montage sûr.", live=False
    )
    index.add_child(instance=page)
    assert "Échafaudages roulants" not in _titles("echafaudages")  # saved, not yet published
    page.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert "Échafaudages roulants" in _titles("échafaudages")
    assert "Échafaudages roulants" in _titles("ECHAFAUDAGES")


def test_search_without_match_or_query(portal):
    assert "Aucune page ne contient" in _titles("zzzyx")
    assert Client().get("/portail/recherche/").status_code == 200


def test_news_are_listed_newest_first(portal):
    html = Client().get("/portail/actualites/").content.decode()
    titles = [news.title for news in NewsPage.objects.order_by("-date")]
    positions = [html.index(title.replace("'", "&#x27;")) for title in titles]
    assert positions == sorted(positions)
