"""What a holder keeps readable offline (the installable app's service worker): their
passport as last seen and "Mes QR codes", the verification QR code of each of their sealed
documents still valid, to show to a recruiter without a connection."""

import functools

import segno
from django.shortcuts import render
from django.views.decorators.http import require_GET

from passeport.documents import services as documents
from passeport.documents.models import DocumentStatus, GeneratedDocument
from passeport.www.public.pwa import holder_cache_key

from .access import holder_required

HOLDER_HEADER = "X-Passeport-Holder"


def kept_offline(view):
    """Marks the holder's page for the service worker with the holder's opaque cache key:
    it keeps the page in that holder's cache only, and forgets any other holder's."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and request.user.is_authenticated:
            response[HOLDER_HEADER] = holder_cache_key(request.user)
        return response

    return wrapper


@require_GET
@holder_required
@kept_offline
def qr_codes(request):
    issued = (
        GeneratedDocument.objects.filter(
            person=request.user.person, status=DocumentStatus.READY, revoked_at__isnull=True
        )
        .exclude(sha256="")
        .order_by("-issued_at", "-pk")
    )
    codes = []
    for document in issued:
        url = documents.verification_url(document)
        codes.append(
            {
                "document": document,
                "url": url,
                # A data: URI image: allowed by the CSP (img-src data:), kept with the page.
                "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=2),
            }
        )
    return render(request, "holder/qr_codes.html", {"codes": codes})
