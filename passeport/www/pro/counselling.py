"""Counsellors' pages (members of a counselling organisation, ProConnect): the holders
who granted the organisation access, what each chose to share while the grant is in
force, the gap to their target jobs, and the action plan the counsellors write.

Members of other organisations, holders and anonymous visitors are refused
(`orientation.grants.can_counsel`); another organisation's grant is 404; a grant that is
revoked, expired or past its last day shows nothing of the holder (403). Every page that
shows the holder's data journals a read on them, which their access log shows."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.orientation import gap as gaps
from passeport.orientation import grants, plans
from passeport.orientation import profile as profiles
from passeport.orientation.enums import GrantScope
from passeport.orientation.forms import StepForm, StepStatusForm
from passeport.orientation.models import ActionStep, CounsellingGrant
from passeport.orientation.overview import gap_context, saved_targets
from passeport.records.models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    Engagement,
    PreventionTraining,
    Training,
)
from passeport.records.timeline import source_label

# What each part of a grant shows, in this order.
PARTS = (
    (GrantScope.CAREER, ((EmploymentPeriod, "Expériences professionnelles"),)),
    (GrantScope.CERTIFICATIONS, ((Certification, "Diplômes et certifications"),)),
    (
        GrantScope.TRAININGS,
        (
            (Training, "Formations"),
            (PreventionTraining, "Formations en santé et sécurité au travail"),
        ),
    ),
    (
        GrantScope.DECLARED,
        ((Engagement, "Engagements"), (DeclaredItem, "Autres éléments déclarés")),
    ),
)


def _organisation(request, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not grants.can_counsel(request.user, organisation):
        raise PermissionDenied
    return organisation


def _actor(user, organisation) -> Actor:
    """The member acting for the organisation: the holder reads both names."""
    actor = Actor.for_user(user)
    return Actor(actor.kind, actor.identifier, f"{actor.label}, {organisation.name}")


def _grant(request, public_id, grant_id):
    """The grant, in force, of an organisation the user counsels for; else refused."""
    organisation = _organisation(request, public_id)
    grant = get_object_or_404(
        CounsellingGrant.objects.select_related("person", "organisation"),
        public_id=grant_id,
        organisation=organisation,
    )
    if not grants.can_read_grant(request.user, grant):
        raise PermissionDenied(
            "Cet accès n'est plus en cours : le titulaire l'a révoqué ou il est arrivé à échéance."
        )
    return organisation, grant


def _holder_label(person) -> str:
    first = (person.first_names or "").split()
    return f"{first[0] if first else ''} {person.birth_name[:1]}.".strip()


@require_GET
def grant_list(request, public_id):
    """No holder data but a first name and an initial: names are on each grant's page."""
    organisation = _organisation(request, public_id)
    today = timezone.localdate()
    rows, ended = [], 0
    for grant in (
        CounsellingGrant.objects.filter(organisation=organisation)
        .select_related("person")
        .order_by("ends_on", "pk")
    ):
        if grant.is_effective(today):
            rows.append({"grant": grant, "holder": _holder_label(grant.person)})
        else:
            ended += 1
    return render(
        request,
        "pro/counselling/list.html",
        {"organisation": organisation, "rows": rows, "ended": ended},
    )


def _parts(grant):
    current = ("active", "expired")
    for scope, models in PARTS:
        if not grant.allows(scope):
            continue
        for model, title in models:
            records = list(
                model.objects.filter(person=grant.person, status__in=current)
                .select_related("declarant")
                .order_by("-created_at", "-pk")
            )
            yield {
                "title": title,
                "rows": [
                    {
                        "record": r,
                        "source": source_label(r, for_holder=False),
                        "start": r.period_start(),
                    }
                    for r in records
                ],
            }


@require_GET
def grant_detail(request, public_id, grant_id):
    organisation, grant = _grant(request, public_id, grant_id)
    context = {
        "organisation": organisation,
        "grant": grant,
        "person": grant.person,
        "parts": list(_parts(grant)),
        "steps": list(plans.steps_for(grant.person, organisation)),
        "step_form": StepForm(),
        "status_choices": StepStatusForm.base_fields["status"].choices,
        "orientation": grant.allows(GrantScope.ORIENTATION),
    }
    read = [label for label in grant.scope_labels if not label.startswith("Mon orientation")]
    if context["orientation"]:
        built = profiles.redact(profiles.build(grant.person, sync=False), grant.scopes)
        context.update(
            profile=built,
            sections=gaps.sections(list(built.items.values()), {}),
            targets=saved_targets(grant.person, built),
        )
        read.append("profil de compétences et métiers visés")
    grants.log_read(
        grant, _actor(request.user, organisation), "passeport (" + " ; ".join(read) + ")"
    )
    return render(request, "pro/counselling/detail.html", context)


@require_GET
def grant_gap(request, public_id, grant_id, code):
    organisation, grant = _grant(request, public_id, grant_id)
    if not grant.allows(GrantScope.ORIENTATION):
        raise PermissionDenied("Le titulaire n'a pas partagé son orientation.")
    try:
        target = gaps.resolve(code=code)
    except gaps.TargetNotFound as error:
        raise Http404(str(error)) from error
    context = gap_context(grant.person, target, for_holder=False, scopes=grant.scopes)
    context.update(organisation=organisation, grant=grant, declare_url="")
    grants.log_read(
        grant,
        _actor(request.user, organisation),
        f"écart au métier « {target.label} » ({target.code}) et pistes de formation",
    )
    return render(request, "pro/counselling/gap.html", context)


@require_POST
def step_add(request, public_id, grant_id):
    organisation, grant = _grant(request, public_id, grant_id)
    form = StepForm(request.POST)
    if form.is_valid():
        plans.add_step(grant, actor=_actor(request.user, organisation), **form.cleaned_data)
        messages.success(request, "Étape ajoutée au plan d'action : le titulaire la voit.")
    else:
        messages.error(
            request,
            "Étape non ajoutée : "
            + "; ".join(
                f"{form.fields[name].label} : {errors[0]}" for name, errors in form.errors.items()
            ),
        )
    return redirect(
        "pro:counselling_grant", public_id=organisation.public_id, grant_id=grant.public_id
    )


@require_POST
def step_update(request, public_id, grant_id, step_id):
    organisation, grant = _grant(request, public_id, grant_id)
    step = get_object_or_404(
        ActionStep.objects.select_related("organisation"),
        public_id=step_id,
        person=grant.person,
        organisation=organisation,
    )
    actor = _actor(request.user, organisation)
    if request.POST.get("action") == "remove":
        plans.remove_step(step, actor=actor)
        messages.success(request, "Étape retirée du plan d'action.")
    else:
        form = StepStatusForm(request.POST)
        if form.is_valid():
            plans.set_status(step, form.cleaned_data["status"], actor=actor)
            messages.success(request, "État de l'étape mis à jour.")
    return redirect(
        "pro:counselling_grant", public_id=organisation.public_id, grant_id=grant.public_id
    )
