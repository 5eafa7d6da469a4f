"""The holder's space (minimal for now: who, CPF account, what the passport holds).

Nothing here takes a person identifier from the request: the person is always the
logged-in holder's own."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from passeport.identity.permissions import can_view_holder_space
from passeport.records.models import RECORD_MODELS


@require_GET
def dashboard(request):
    if not can_view_holder_space(request.user):
        raise PermissionDenied
    person = request.user.person
    counts = [
        {
            "label": model._meta.verbose_name_plural.capitalize(),
            "count": model.objects.filter(person=person).current().count(),
        }
        for model in RECORD_MODELS
    ]
    return render(
        request,
        "holder/dashboard.html",
        {"person": person, "counts": counts, "total": sum(c["count"] for c in counts)},
    )
