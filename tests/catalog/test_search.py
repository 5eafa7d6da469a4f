"""Search: French full text (accents, plurals; PostgreSQL's French stemming in
production, FTS5 prefixes on SQLite), filters, ranking, pagination, next sessions."""

import datetime

import pytest
from django.utils import timezone

from passeport.catalog import search
from passeport.catalog.enums import Modality

from .helpers import commune, fiche, offer, provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    org = provider(name="Académie du Numérique")
    fiche(certifier=org)
    web, _, _ = offer(
        org,
        ref="WEB",
        title="Développeur web et mobile",
        code="RNCP37827",
        objectives="Développer des applications web sécurisées.",
        price_cents=500_000,
        codes={"rome": ["M1805"]},
    )
    commune("13055", "Marseille", "13", "93")
    cook, _, _ = offer(
        provider(),
        ref="CUI",
        title="Cuisinier en restauration collective",
        objectives="Préparer des repas équilibrés.",
        price_cents=150_000,
        commune_code="13055",
    )
    remote, _, _ = offer(
        provider(),
        ref="ANG",
        title="Anglais professionnel",
        objectives="Communiquer en anglais au travail ; préparer le TOEIC.",
        price_cents=90_000,
        modality=Modality.REMOTE,
        commune_code="",
        start=timezone.localdate() + datetime.timedelta(days=60),
    )
    return {"web": web, "cook": cook, "remote": remote}


def _titles(filters):
    page = search.search(filters, timezone.localdate())
    return [result.training.title for result in page.object_list]


def test_text_is_found_without_accents_and_in_the_plural(catalogue):
    assert _titles(search.Filters(text="developpeur")) == ["Développeur web et mobile"]
    assert _titles(search.Filters(text="applications sécurisées")) == ["Développeur web et mobile"]
    assert _titles(search.Filters(text="cuisiniers")) == ["Cuisinier en restauration collective"]
    assert _titles(search.Filters(text="plomberie")) == []


def test_the_provider_and_the_certification_are_searchable(catalogue):
    assert _titles(search.Filters(text="académie numérique")) == ["Développeur web et mobile"]


def test_filters(catalogue):
    assert _titles(search.Filters(certification="rncp37827")) == ["Développeur web et mobile"]
    assert _titles(search.Filters(rome="M1805")) == ["Développeur web et mobile"]
    assert _titles(search.Filters(department="13")) == ["Cuisinier en restauration collective"]
    assert _titles(search.Filters(region="84")) == ["Développeur web et mobile"]
    assert _titles(search.Filters(remote=True)) == ["Anglais professionnel"]
    assert _titles(search.Filters(max_price_cents=100_000)) == ["Anglais professionnel"]
    later = timezone.localdate() + datetime.timedelta(days=45)
    assert _titles(search.Filters(start_from=later)) == ["Anglais professionnel"]
    assert _titles(search.Filters(level=5)) == ["Développeur web et mobile"]


def test_results_are_ranked_and_carry_their_next_sessions(catalogue):
    offer(
        provider(),
        ref="X",
        title="Gestion de projet",
        objectives="Piloter un projet web ; outils du web ; méthodes agiles pour le web.",
    )
    page = search.search(search.Filters(text="web"), timezone.localdate())
    results = page.object_list
    assert {r.training.title for r in results} == {"Développeur web et mobile", "Gestion de projet"}
    assert results[0].training.rank >= results[1].training.rank
    assert results[0].sessions and results[0].min_price_cents > 0


def test_sessions_of_a_provider_no_longer_qualiopi_are_hidden(catalogue):
    org = catalogue["cook"].provider
    org.qualiopi_valid_until = timezone.localdate() + datetime.timedelta(days=1)
    org.save()
    assert "Cuisinier en restauration collective" not in _titles(search.Filters())


def test_pagination(catalogue):
    page = search.search(search.Filters(), timezone.localdate(), page_number=2, per_page=2)
    assert page.paginator.count == 3 and len(page.object_list) == 1


def test_the_page_carries_its_total_in_one_query(catalogue, django_assert_num_queries):
    # The page with its total (COUNT(*) OVER ()), then the next sessions: no count of its
    # own repeating the search.
    with django_assert_num_queries(2):
        page = search.search(search.Filters(text="web"), timezone.localdate(), per_page=2)
    assert page.paginator.count == 1 and page.paginator.num_pages == 1
    empty = search.search(search.Filters(text="introuvable"), timezone.localdate())
    assert empty.paginator.count == 0 and list(empty.object_list) == []


def test_a_page_past_the_end_shows_the_last_one(catalogue):
    page = search.search(search.Filters(), timezone.localdate(), page_number=99, per_page=2)
    assert (page.number, page.paginator.count, len(page.object_list)) == (2, 3, 1)
    for bad in ("abc", None, "-3", "0"):
        first = search.search(search.Filters(), timezone.localdate(), page_number=bad, per_page=2)
        assert first.number == 1 and len(first.object_list) == 2


def test_hostile_text_is_harmless(catalogue):
    assert _titles(search.Filters(text='" OR * NEAR( -- \\ ')) == []
    assert _titles(search.Filters(text="a" * 5000)) == []


def test_other_providers_are_unaffected_by_reindexing(catalogue):
    search.index_trainings([catalogue["web"].pk])
    search.index_trainings([catalogue["web"].pk])
    assert _titles(search.Filters(text="développeur")) == ["Développeur web et mobile"]
