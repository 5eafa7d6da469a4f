"""The recipient's page of a share link: no account, no login, not indexed.

Each opening is counted and journaled on the holder's person (their access log shows it);
a revoked or expired link answers 410 Gone with a French page. The token is in the path:
the page sends a referrer only to this site (`same-origin`), so it never leaks to a site
the recipient goes to next; `no-referrer` made browsers send `Origin: null` with the
page's own forms, which the CSRF check refuses.

From it, the recipient can ask the holder's wallet to present the credential of a shared
entry (OpenID4VP, see `presentation.py`): the request names the entry's type and title,
and the verdict checks that the credential was issued to the link's holder.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from passeport.credentials import claims, services
from passeport.credentials.models import PresentationRequester
from passeport.credentials.oid4vp import requests
from passeport.documents.builders import holder_label, records_of
from passeport.sharing import services as sharing

from . import presentation as wallet


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "same-origin"
    return response


def _link_or_gone(request, token):
    """(link, None) while active; (link, 410 page) when revoked or expired."""
    link = sharing.link_for_token(token)
    if link is None:
        raise Http404("Ce lien de partage n'existe pas.")
    state = link.state_on(timezone.now())
    if state == "active":
        return link, None
    gone = render(request, "public/shared_gone.html", {"state": state, "link": link}, status=410)
    return link, _private(gone)


def _askable(record) -> bool:
    """A guaranteed entry in force whose credential a wallet may hold."""
    return record is not None and not services.refusal(record)


# Reads, then `record_view` (atomic on its own): outside the request's transaction.
@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_GET
def shared(request, token):
    link, gone = _link_or_gone(request, token)
    if gone:
        return gone
    sharing.record_view(link, user_agent=request.headers.get("User-Agent", ""))
    entries = sharing.shared_entries(link, timezone.localdate())
    return _private(
        render(
            request,
            "public/shared.html",
            {
                "link": link,
                "token": token,
                "holder": link.person.display_name,
                "holder_short": holder_label(link.person),
                "rows": [(entry, _askable(entry.record)) for entry in entries],
                "entries": entries,
                "guaranteed_count": sum(1 for e in entries if e.record and e.guaranteed),
            },
        )
    )


@login_not_required
@never_cache
@require_POST
def ask_presentation(request, token):
    link, gone = _link_or_gone(request, token)
    if gone:
        return gone
    item = link.items.filter(record_public_id=request.POST.get("entree") or None).first()
    found = records_of(link.person, [(item.kind, item.record_public_id)]) if item else []
    record = found[0] if found else None
    if not _askable(record):
        raise Http404("Cette entrée ne peut pas être demandée à un portefeuille.")
    if not wallet.identity.available():
        return wallet.unavailable(request)
    if wallet.limited(request, "presentation", wallet.settings.VERIFY_RATE_LIMIT):
        return wallet.too_many(request)
    kind = claims.kind_for(record)
    title = kind.claims(record).get(requests.TITLE_CLAIM[kind.slug], "")
    presentation = requests.create(
        kind.slug, requester=PresentationRequester.SHARE_LINK, share_link=link, title=title
    )
    wallet.remember(request, presentation)
    return redirect("public:shared_presentation", token, presentation.public_id)


def _status_url(token, presentation):
    return reverse("public:shared_presentation_status", args=[token, presentation.public_id])


@login_not_required
@never_cache
@require_GET
def shared_presentation(request, token, public_id):
    link, gone = _link_or_gone(request, token)
    if gone:
        return gone
    presentation = wallet.owned(request, public_id, share_link=link)
    context = wallet.wait_context(presentation, _status_url(token, presentation))
    context |= {"link": link, "token": token, "holder": link.person.display_name}
    return _private(render(request, "public/presentation.html", context))


@login_not_required
@never_cache
@require_GET
def shared_presentation_status(request, token, public_id):
    link, gone = _link_or_gone(request, token)
    if gone:
        return gone
    presentation = wallet.owned(request, public_id, share_link=link)
    context = wallet.status_context(presentation, _status_url(token, presentation))
    return _private(render(request, "public/_presentation_status.html", context))
