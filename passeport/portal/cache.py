"""The portal's cache: published pages are rendered once, then served from the cache to
visitors who are not logged in; the menus and the page addresses the service links to
are cached the same way.

Every key carries the portal's *generation*, a number kept in the cache and changed by
each publication, unpublication, move or deletion of a page (Wagtail's signals): the next
request finds no entry under the new generation and renders the page again. Nothing is
deleted one key at a time, so a menu change reaches every page at once. With several web
processes, the cache must be shared (`CACHE_URL`), as for the rate limits; otherwise the
other processes see a publication after `PORTAL_CACHE_SECONDS` at most.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from passeport.prevention import catalogue

GENERATION_KEY = "portal:generation"
# Family pages draw their trainings from the catalogue in the code: a change of the
# catalogue (a deployment) changes the keys too.
_CATALOGUE_VERSION = hashlib.sha256(repr(catalogue.KINDS).encode()).hexdigest()[:12]


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        value = cache.get(GENERATION_KEY)
    return f"{value}:{_CATALOGUE_VERSION}"


def invalidate(**_kwargs) -> None:
    """A new generation, once the change is committed (a reader must not cache the old
    page again under the new generation)."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, time.time_ns(), None))


def key(*parts) -> str:
    return ":".join(["portal", generation(), *map(str, parts)])


def cached(name: str, build):
    """`build()` once per generation (menus, page addresses)."""
    cache_key = key(name)
    value = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, value, settings.PORTAL_CACHE_SECONDS)
    return value


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate()


def connect_signals() -> None:
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(invalidate, dispatch_uid="portal-published")
    page_unpublished.connect(invalidate, dispatch_uid="portal-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="portal-moved")
    post_delete.connect(_page_deleted, dispatch_uid="portal-deleted")
    # Who may see a page, and which page is a site's root, change what is served.
    from wagtail.models import PageViewRestriction, Site

    for model in (PageViewRestriction, Site):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"portal-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"portal-{model.__name__}-d")
