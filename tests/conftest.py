"""Guardrails and shared fixtures for the whole suite."""

import datetime

import pytest
from hypothesis import settings as hypothesis_settings

from passeport.journal.actors import Actor

# No per-example deadline: on a loaded machine (CI, parallel workers) Hypothesis's 200 ms
# default fails correct code; speed is measured by `make bench`, never by tests.
hypothesis_settings.register_profile("passeport", deadline=None)
hypothesis_settings.load_profile("passeport")


@pytest.fixture(autouse=True)
def _csrf_token_never_empty(monkeypatch):
    """Fails a test whose rendered `{% csrf_token %}` comes out empty (a form that would
    be refused on submit)."""
    from django.template import defaulttags

    original = defaulttags.CsrfTokenNode.render

    def render(self, context):
        output = original(self, context)
        if not output and context.get("csrf_token") != "NOTPROVIDED":
            raise AssertionError("{% csrf_token %} rendu vide : le formulaire serait refusé.")
        return output

    monkeypatch.setattr(defaulttags.CsrfTokenNode, "render", render)


@pytest.fixture(autouse=True)
def _no_internal_code_shown():
    """Fails a test that rendered a page showing an internal code (an enum value, a
    column or claim name) to a person: see `passeport.core.testing.internal_codes`."""
    from passeport.core.testing import InternalCodes

    InternalCodes.found.clear()
    yield
    found, InternalCodes.found[:] = list(InternalCodes.found), []
    if found:
        lines = "\n".join(f"{path} : {token} … {around} …" for path, token, around in found)
        raise AssertionError(f"Codes internes montrés à une personne :\n{lines}")


@pytest.fixture(autouse=True)
def _empty_queue():
    """Huey's immediate mode keeps delayed retries in memory: none leaks into the next test."""
    yield
    from huey.contrib.djhuey import HUEY

    HUEY.storage.flush_all()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the portal's menus and pages (cached per
    generation, not per database) never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def system_actor():
    return Actor.system("tests")


@pytest.fixture
def today():
    return datetime.date(2026, 11, 23)


@pytest.fixture
def rate_limit_window(monkeypatch):
    """Rate-limit counters from an empty cache, in one fixed window. django-ratelimit
    counts per window of the period (a minute), whose boundary falls at a per-client
    offset: requests of one test that straddled it were counted in two windows, and the
    test failed now and then on a loaded machine."""
    import types

    from django.core.cache import cache
    from django_ratelimit import core

    monkeypatch.setattr(core, "time", types.SimpleNamespace(time=lambda: 1_800_000_000.0))
    cache.clear()
    yield
    cache.clear()
