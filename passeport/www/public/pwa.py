"""The installable web app: its manifest, its service worker (served from the site's root
so that its scope is the whole site) and the page shown offline.

What the service worker keeps (static/passeport/service-worker.js, rendered here with the
addresses of the static files): the offline page and the site's look (DSFR), and, for a
holder, the last version seen of their passport (`/mon-espace/`) and of their QR codes
page — in a cache named after the holder's opaque key (`X-Passeport-Holder`, an HMAC of
the account, never the NIR), emptied when another holder's page arrives and at logout."""

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from dsfr.constants import DsfrStaticAssets

THEME_COLOR = "#000091"  # DSFR blue France
# The holder's pages kept for offline reading (exact paths).
OFFLINE_HOLDER_PAGES = ["/mon-espace/", "/mon-espace/qr-codes/"]


def holder_cache_key(user) -> str:
    """The opaque name of a holder's offline cache: no personal data, stable per account."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"pwa:{user.public_id}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]


@transaction.non_atomic_requests
@login_not_required
@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    data = {
        "id": "/",
        "name": "Passeport de compétences et de prévention",
        "short_name": "Passeport",
        "description": (
            "Votre parcours, vos formations, vos diplômes et votre passeport de prévention."
        ),
        "lang": "fr",
        "dir": "ltr",
        "start_url": "/mon-espace/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {
                "src": static(f"dsfr/dist/favicon/android-chrome-{size}x{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@transaction.non_atomic_requests
@login_not_required
@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request):
    precache = [
        "/hors-ligne/",
        static(DsfrStaticAssets.DSFR_CSS),
        static(DsfrStaticAssets.DSFR_UTILITY_CSS),
        static(DsfrStaticAssets.DSFR_OVERRIDES_CSS),
        static(DsfrStaticAssets.DSFR_MODULE_JS),
        static("passeport/passeport.css"),
        static("passeport/pwa.js"),
        static("passeport/tables.js"),
        static("dsfr/dist/favicon/favicon.svg"),
    ]
    context = {
        # A new version (a deployment changing the static files) replaces the old cache.
        "version": hashlib.sha256(json.dumps(precache).encode()).hexdigest()[:12],
        "precache_json": json.dumps(precache),
        "holder_pages_json": json.dumps(OFFLINE_HOLDER_PAGES),
        "static_prefix": settings.STATIC_URL,
    }
    return render(
        request,
        "pwa/service-worker.js",
        context,
        content_type="text/javascript; charset=utf-8",
    )


@transaction.non_atomic_requests
@login_not_required
@require_GET
def offline(request):
    """Rendered without the database (no account, no menu): what the service worker keeps
    to show when the network is gone."""
    return render(request, "pwa/offline.html")


@transaction.non_atomic_requests
@login_not_required
@require_GET
def favicon(request):
    """Browsers ask /favicon.ico on their own: the DSFR's icon, without rendering a 404."""
    return HttpResponsePermanentRedirect(static("dsfr/dist/favicon/favicon.ico"))
