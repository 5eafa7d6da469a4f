"""The portal's public views: its pages (Wagtail's serving, behind the cache) and its
search. Both public: no login required."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache as django_cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail import views as wagtail_views
from wagtail.models import Page

from passeport.referentials.text import normalize

from . import cache

SEARCH_PAGE_SIZE = 20
QUERY_MAX_LENGTH = 200
# Headers kept with a cached page (the others are set again per response).
_KEPT_HEADERS = ("Content-Type", "Content-Language")


def _cacheable_request(request) -> bool:
    # Logged-in people see their own header (and a form with their CSRF token); previews
    # and query strings are never cached.
    return (
        request.method in ("GET", "HEAD") and not request.GET and not request.user.is_authenticated
    )


# Both only read: outside ATOMIC_REQUESTS, so that a cached page costs no transaction (on
# SQLite, BEGIN IMMEDIATE would take the write lock for each visitor).
@transaction.non_atomic_requests
@login_not_required
def serve(request, path):
    """Wagtail's page serving; a page a visitor who is not logged in asked for is kept in
    the cache until the next publication (see `cache`)."""
    if not _cacheable_request(request):
        return wagtail_views.serve(request, path)
    key = cache.key("page", request.get_host(), path)
    hit = django_cache.get(key)
    if hit is not None:
        content, headers = hit
        response = HttpResponse(content, headers=headers)
        response["X-Portal-Cache"] = "hit"
        return response
    response = wagtail_views.serve(request, path)
    if hasattr(response, "render"):
        response.render()
    if (
        response.status_code == 200
        and getattr(response, "portal_cacheable", False)
        and not response.cookies
        and not response.streaming
    ):
        headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
        django_cache.set(key, (response.content, headers), settings.PORTAL_CACHE_SECONDS)
        response["X-Portal-Cache"] = "miss"
    return response


def search_pages(query: str):
    """Live, public portal pages matching `query`, accents and case ignored on every
    database: pages index a normalised text (`search_text`) and the query is normalised
    the same way."""
    from .models import PortalHomePage

    words = normalize(query)[:QUERY_MAX_LENGTH]
    home = PortalHomePage.objects.live().first()
    if not words or home is None:
        return Page.objects.none()
    pages = Page.objects.live().public().descendant_of(home, inclusive=True).specific()
    return pages.search(words, operator="and")


@transaction.non_atomic_requests
@login_not_required
@require_GET
def search(request):
    query = (request.GET.get("q") or "").strip()[:QUERY_MAX_LENGTH]
    results = search_pages(query) if query else []
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    results = [
        {
            "title": result.title,
            "url": result.url,
            "summary": result.search_description
            or getattr(result, "intro", "")
            or getattr(result, "description", ""),
        }
        for result in page
    ]
    return render(request, "portal/search.html", {"query": query, "page": page, "results": results})
