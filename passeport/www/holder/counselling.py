"""Mes conseillers: the holder grants a counselling organisation access to chosen parts
of the passport for a period, revokes it at any time, sees each grant's history and the
action plans the counsellors write."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.orientation import grants, plans
from passeport.orientation.forms import GrantForm
from passeport.orientation.models import CounsellingGrant

from .access import holder_required


def _grants(person):
    return (
        CounsellingGrant.objects.filter(person=person)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )


@require_http_methods(["GET", "POST"])
@holder_required
def grant_list(request):
    person = request.user.person
    today = timezone.localdate()
    form = GrantForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = grants.grant_access(
                person,
                data["organisation"],
                scopes=data["scopes"],
                ends_on=data["ends_on"],
                purpose=data["purpose"],
                actor=Actor.for_user(request.user),
                today=today,
            )
        except grants.GrantError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Accès accordé à {grant.organisation.name} jusqu'au {grant.ends_on:%d/%m/%Y}.",
            )
            return redirect("holder:orientation_grant", public_id=grant.public_id)
    rows = [{"grant": g, "effective": g.is_effective(today)} for g in _grants(person)]
    return render(
        request,
        "holder/orientation/grants.html",
        {
            "form": form,
            "rows": rows,
            "steps": list(plans.steps_for(person)),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@holder_required
def grant_detail(request, public_id):
    person = request.user.person
    grant = get_object_or_404(
        CounsellingGrant.objects.select_related("organisation"), public_id=public_id, person=person
    )
    reads = (
        JournalEntry.objects.filter(
            person_id=person.pk,
            action="person.read",
            payload__what__startswith=f"{grant.organisation.name} (accompagnement)",
            occurred_at__gte=grant.created_at,
        )
        .order_by("-seq")
        .values("occurred_at", "actor_label", "payload")[:50]
    )
    return render(
        request,
        "holder/orientation/grant.html",
        {
            "grant": grant,
            "effective": grant.is_effective(timezone.localdate()),
            "transitions": list(grant.transitions.all()),
            "steps": list(plans.steps_for(person, grant.organisation)),
            "reads": [
                {"at": r["occurred_at"], "who": r["actor_label"], "what": r["payload"]["what"]}
                for r in reads
            ],
        },
    )


@require_POST
@holder_required
def grant_revoke(request, public_id):
    grant = get_object_or_404(
        CounsellingGrant.objects.select_related("organisation"),
        public_id=public_id,
        person=request.user.person,
    )
    try:
        grants.revoke(grant, actor=Actor.for_user(request.user))
    except grants.GrantError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Accès de {grant.organisation.name} révoqué : ses conseillers ne voient plus rien "
            "de votre passeport. Le plan d'action déjà écrit reste lisible ici.",
        )
    return redirect("holder:orientation_grant", public_id=grant.public_id)
