"""The provider's offer: its trainings, their actions and sessions, by form. Every write
goes through `catalog.offers` (the referencing rules, French reasons)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from passeport.catalog import offers, referencing
from passeport.catalog.enums import CodeKind
from passeport.catalog.forms import ActionForm, SessionForm, TrainingForm
from passeport.catalog.models import Action, Training

from .common import provider_of


@require_GET
def offer_list(request, public_id):
    provider = provider_of(request, public_id)
    trainings = (
        Training.objects.filter(provider=provider)
        .prefetch_related("actions__sessions")
        .order_by("title", "pk")
    )
    return render(
        request,
        "pro/catalog/offers.html",
        {
            "organisation": provider,
            "trainings": trainings,
            "refusals": referencing.provider_refusals(provider),
        },
    )


def _training_initial(training):
    if training is None:
        return {}
    return {
        "provider_ref": training.provider_ref,
        "title": training.title,
        "objectives": training.objectives,
        "content": training.content,
        "expected_results": training.expected_results,
        "certification_code": training.certification_code,
        "level": training.level,
        "has_prerequisites": training.has_prerequisites,
        "formacodes": ", ".join(training.codes_of(CodeKind.FORMACODE)),
        "nsf_codes": ", ".join(training.codes_of(CodeKind.NSF)),
        "rome_codes": ", ".join(training.codes_of(CodeKind.ROME)),
    }


def _add_reasons(form, error):
    for reason in error.reasons:
        form.add_error(None, reason)


@require_http_methods(["GET", "POST"])
def training_edit(request, public_id, training_id=None):
    provider = provider_of(request, public_id)
    training = (
        get_object_or_404(Training, public_id=training_id, provider=provider)
        if training_id
        else None
    )
    form = TrainingForm(request.POST or None, initial=_training_initial(training))
    if training:
        form.fields["provider_ref"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = offers.save_training(
                provider,
                offers.TrainingData(
                    provider_ref=training.provider_ref if training else data["provider_ref"],
                    title=data["title"],
                    objectives=data["objectives"],
                    content=data["content"],
                    expected_results=data["expected_results"],
                    certification_code=data["certification_code"],
                    level=data["level"],
                    has_prerequisites=data["has_prerequisites"],
                    codes=form.codes(),
                ),
            )
        except offers.OfferError as error:
            _add_reasons(form, error)
        else:
            messages.success(request, f"Formation « {saved.title} » enregistrée.")
            return redirect("pro:catalog_training", provider.public_id, saved.public_id)
    return render(
        request,
        "pro/catalog/training_edit.html",
        {"organisation": provider, "training": training, "form": form},
    )


@require_http_methods(["GET", "POST"])
def training_detail(request, public_id, training_id):
    """The training with its actions and sessions; forms to add an action or a session."""
    provider = provider_of(request, public_id)
    training = get_object_or_404(
        Training.objects.select_related("fiche"), public_id=training_id, provider=provider
    )
    action_form = ActionForm(
        request.POST if "add_action" in request.POST else None, prefix="action"
    )
    session_form = SessionForm(
        request.POST if "add_session" in request.POST else None, prefix="session"
    )
    if request.method == "POST" and "add_action" in request.POST and action_form.is_valid():
        data = action_form.cleaned_data
        try:
            offers.save_action(
                training,
                offers.ActionData(
                    provider_ref=data["provider_ref"],
                    price_cents=data["price"],
                    hours=data["hours"],
                    modality=data["modality"],
                    commune_code=data["commune_code"].strip(),
                    prerequisites=data["prerequisites"],
                ),
            )
        except offers.OfferError as error:
            _add_reasons(action_form, error)
        else:
            messages.success(request, "Action enregistrée.")
            return redirect("pro:catalog_training", provider.public_id, training.public_id)
    if request.method == "POST" and "add_session" in request.POST and session_form.is_valid():
        data = session_form.cleaned_data
        action = get_object_or_404(
            Action, public_id=request.POST.get("action_id") or None, training=training
        )
        try:
            offers.save_session(
                action,
                offers.SessionData(
                    provider_ref=data["provider_ref"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    enrolment=data["enrolment"],
                    capacity=data["capacity"],
                ),
            )
        except offers.OfferError as error:
            _add_reasons(session_form, error)
        else:
            messages.success(request, "Session enregistrée.")
            return redirect("pro:catalog_training", provider.public_id, training.public_id)
    return render(
        request,
        "pro/catalog/training.html",
        {
            "organisation": provider,
            "training": training,
            "actions": training.actions.prefetch_related("sessions").order_by("provider_ref", "pk"),
            "action_form": action_form,
            "session_form": session_form,
        },
    )
