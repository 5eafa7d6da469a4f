"""The recipient's page of a share link: no account, no login, not indexed.

Each opening is counted and journaled on the holder's person (their access log shows it);
a revoked or expired link answers 410 Gone with a French page. The token is in the path:
the page sends no referrer, so it never leaks to a site the recipient goes to next.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from passeport.documents.builders import holder_label
from passeport.sharing import services as sharing


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"
    return response


# Reads, then `record_view` (atomic on its own): outside the request's transaction.
@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_GET
def shared(request, token):
    link = sharing.link_for_token(token)
    if link is None:
        raise Http404("Ce lien de partage n'existe pas.")
    now = timezone.now()
    state = link.state_on(now)
    if state != "active":
        return _private(
            render(
                request,
                "public/shared_gone.html",
                {"state": state, "link": link},
                status=410,
            )
        )
    sharing.record_view(link, user_agent=request.headers.get("User-Agent", ""))
    entries = sharing.shared_entries(link, timezone.localdate())
    return _private(
        render(
            request,
            "public/shared.html",
            {
                "link": link,
                "holder": link.person.display_name,
                "holder_short": holder_label(link.person),
                "entries": entries,
                "guaranteed_count": sum(1 for e in entries if e.record and e.guaranteed),
            },
        )
    )
