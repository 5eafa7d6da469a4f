"""Corrections and cancellations by the declarant: a line (its trainee block) or the
whole training block / declaration."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from passeport.prevention import lifecycle
from passeport.prevention.enums import (
    LineStatus,
)

from .access import (
    acting_member,
    declaration_of,
    journal_reads,
    line_of,
    managing_organisation,
    trainee_name,
)
from .correction_forms import CancelForm, LineForm, TrainingForm


def _correct(request, organisation, declaration, form, apply):
    """Runs a correction; on a rule error, puts it back on the form (and rolls back)."""
    try:
        with transaction.atomic():
            correction = apply()
    except lifecycle.LifecycleError as error:
        if error.errors:
            form.add_rule_errors(error.errors)
        else:
            form.add_error(None, error.message)
        return None
    n = len(correction.lines)
    messages.success(
        request,
        f"Correction enregistrée : {n} entrée{'s' if n > 1 else ''} du passeport "
        f"mise{'s' if n > 1 else ''} à jour (nouvelle version, avec votre motif).",
    )
    return redirect(
        "pro:prevention_declaration",
        public_id=organisation.public_id,
        declaration_id=declaration.public_id,
    )


@require_http_methods(["GET", "POST"])
def declaration_correct(request, public_id, declaration_id):
    organisation = managing_organisation(request, public_id)
    declaration = declaration_of(organisation, declaration_id)
    values = lifecycle.current_values(declaration)
    form = TrainingForm(request.POST or None, kind=declaration.kind, values=values, auto_id="%s")
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        reason = form.cleaned_data["reason"]
        response = _correct(
            request,
            organisation,
            declaration,
            form,
            lambda: lifecycle.correct_declaration(
                declaration,
                changes=changes,
                reason=reason,
                actor=acting_member(request, organisation),
            ),
        )
        if response:
            return response
    return render(
        request,
        "pro/prevention/declarations_correct.html",
        {"organisation": organisation, "declaration": declaration, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def declaration_cancel(request, public_id, declaration_id):
    organisation = managing_organisation(request, public_id)
    declaration = declaration_of(organisation, declaration_id)
    form = CancelForm(request.POST or None, auto_id="%s")
    if request.method == "POST" and form.is_valid():
        try:
            count = lifecycle.cancel_declaration(
                declaration,
                reason=form.cleaned_data["reason"],
                actor=acting_member(request, organisation),
            )
        except lifecycle.LifecycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Déclaration annulée : {count} ligne{'s' if count > 1 else ''} et leurs "
                "entrées du passeport. Les ID_UNIQUE_PARTENAIRE restent pris.",
            )
            return redirect(
                "pro:prevention_declaration",
                public_id=organisation.public_id,
                declaration_id=declaration.public_id,
            )
    return render(
        request,
        "pro/prevention/declarations_cancel.html",
        {"organisation": organisation, "declaration": declaration, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def line_correct(request, public_id, line_id):
    organisation = managing_organisation(request, public_id)
    line = line_of(organisation, line_id)
    declaration = line.declaration
    form = LineForm(
        request.POST or None,
        kind=declaration.kind,
        values=lifecycle.current_values(declaration, line),
        auto_id="%s",
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        reason = form.cleaned_data["reason"]
        response = _correct(
            request,
            organisation,
            declaration,
            form,
            lambda: lifecycle.correct_line(
                line, changes=changes, reason=reason, actor=acting_member(request, organisation)
            ),
        )
        if response:
            return response
    journal_reads(request, organisation, [line.person], "Ligne d'une déclaration de prévention")
    return render(
        request,
        "pro/prevention/line_correct.html",
        {
            "organisation": organisation,
            "declaration": declaration,
            "line": line,
            "trainee": trainee_name(line.person),
            "form": form,
            "cancelled": line.status == LineStatus.CANCELLED,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def line_cancel(request, public_id, line_id):
    organisation = managing_organisation(request, public_id)
    line = line_of(organisation, line_id)
    form = CancelForm(request.POST or None, auto_id="%s")
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.cancel_line(
                line, reason=form.cleaned_data["reason"], actor=acting_member(request, organisation)
            )
        except lifecycle.LifecycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Ligne « {line.partner_unique_id} » annulée, ainsi que l'entrée du passeport "
                "du titulaire. Son ID_UNIQUE_PARTENAIRE reste pris.",
            )
            return redirect(
                "pro:prevention_declaration",
                public_id=organisation.public_id,
                declaration_id=line.declaration.public_id,
            )
    journal_reads(request, organisation, [line.person], "Ligne d'une déclaration de prévention")
    return render(
        request,
        "pro/prevention/line_cancel.html",
        {
            "organisation": organisation,
            "declaration": line.declaration,
            "line": line,
            "trainee": trainee_name(line.person),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
