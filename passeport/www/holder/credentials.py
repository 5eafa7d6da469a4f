"""The holder's digital credentials for one entry: receive it in a wallet (OpenID4VCI
offer as a QR code), download it (SD-JWT VC, Open Badges 3.0), see what was issued from
it and revoke any of it.

As everywhere in the holder's space, records and issuances are looked up with the
logged-in holder's person: another holder's identifiers give a 404."""

import json

import segno
from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passeport.credentials import oid4vci, revocation, services
from passeport.credentials.models import CredentialOffer, Issuance, IssuedFormat
from passeport.journal.actors import Actor
from passeport.records.timeline import SLUG_BY_MODEL, get_entry, kind_of

from .access import holder_required


def _record_or_404(request, kind, public_id):
    record = get_entry(request.user.person, kind, public_id)
    if record is None:
        raise Http404("Cette entrée n'existe pas dans votre passeport.")
    return record


def _context(request, record, **extra):
    return {
        "record": record,
        "kind": kind_of(record),
        "refusal": services.refusal(record),
        "issued": list(services.issued_for(request.user.person, record=record)[:50]),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@holder_required
def wallet(request, kind, public_id):
    """GET explains; POST creates a fresh offer and shows its QR code (the code is shown
    once: it is stored hashed)."""
    record = _record_or_404(request, kind, public_id)
    context = _context(request, record)
    if request.method == "POST" and not context["refusal"]:
        # By reference: a shorter link, so a QR code easier to scan.
        offer, link, tx_code = oid4vci.create_offer(record, by_reference=True)
        qr = segno.make(link, error="m")
        context |= {
            "offer": offer,
            "offer_link": link,
            "tx_code": tx_code,
            # A data: URI image: allowed by the CSP (img-src data:), no inline markup.
            "qr_data_uri": qr.svg_data_uri(scale=4, dark="#000091", border=2),
        }
    return render(request, "holder/credentials/wallet.html", context)


@require_GET
@holder_required
def offer_status(request, public_id):
    """Polled with htmx while the wallet has not fetched its credential."""
    offer = get_object_or_404(CredentialOffer, public_id=public_id, person=request.user.person)
    return render(request, "holder/credentials/_offer_status.html", {"offer": offer})


DOWNLOADS = {
    "sd-jwt": IssuedFormat.SD_JWT_VC,
    "open-badge": IssuedFormat.OPEN_BADGE,
}


@require_POST
@holder_required
def download(request, kind, public_id):
    record = _record_or_404(request, kind, public_id)
    wanted = DOWNLOADS.get(request.POST.get("format", ""))
    reason = services.refusal(record)
    if wanted is None or reason:
        messages.error(request, reason or "Format d'attestation inconnu.")
        return redirect("holder:wallet", kind, record.public_id)
    actor = Actor.for_user(request.user)
    stem = f"{kind}-{str(record.public_id)[:8]}"
    if wanted == IssuedFormat.SD_JWT_VC:
        _, content = services.issue_sd_jwt(record, actor=actor)
        media_type, filename = services.SD_JWT_MEDIA_TYPE, f"{stem}.sd-jwt"
    else:
        _, badge = services.issue_open_badge(record, actor=actor)
        content = json.dumps(badge, ensure_ascii=False, indent=2)
        media_type, filename = services.OPEN_BADGE_MEDIA_TYPE, f"{stem}.vc.jsonld"
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@holder_required
def revoke(request, public_id):
    issuance = get_object_or_404(Issuance, public_id=public_id, person=request.user.person)
    if revocation.revoke(
        issuance, actor=Actor.for_user(request.user), reason="Révoquée par le titulaire"
    ):
        messages.success(
            request,
            "Attestation révoquée : toute vérification la dira désormais révoquée. "
            "Vous pouvez en recevoir une nouvelle.",
        )
    else:
        messages.info(request, "Cette attestation était déjà révoquée.")
    target = _entry_of(issuance)
    if target is None:
        return redirect("holder:dashboard")
    return redirect("holder:wallet", *target)


def _entry_of(issuance):
    """(kind slug, public_id) of the record an issuance came from."""
    model = apps.get_model(issuance.record_type)
    return SLUG_BY_MODEL[model], issuance.record_public_id
