"""The funder's rules and envelopes: write a rule (in draft), simulate it on a holder
profile and a training, publish, suspend, close it; create an envelope."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from passeport.cpf.rules import euros
from passeport.funding import engine
from passeport.funding.enums import RuleStatus, TargetDimension
from passeport.funding.lifecycle import TransitionError, move_rule
from passeport.funding.models import RULE_TRANSITIONS, Envelope, Rule
from passeport.funding.rules import RuleError, RuleInput, save_rule, simulate, targets_of
from passeport.journal.actors import Actor

from .access import funder_of, managing
from .forms import EnvelopeForm, RuleForm, SimulationForm, StatusForm

ACTIONS = {
    RuleStatus.PUBLISHED: "Publier",
    RuleStatus.SUSPENDED: "Suspendre",
    RuleStatus.CLOSED: "Clore",
}


@require_http_methods(["GET", "POST"])
def envelope_new(request, public_id):
    funder = managing(request, public_id)
    form = EnvelopeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Envelope.objects.create(
            funder=funder,
            name=form.cleaned_data["name"],
            budget_cents=form.cleaned_data["budget"],
            alert_percent=form.cleaned_data["alert_percent"],
        )
        messages.success(request, "Enveloppe créée.")
        return redirect("pro:funder_home", funder.public_id)
    return render(request, "pro/funder/envelope_new.html", {"organisation": funder, "form": form})


def _initial(rule: Rule) -> dict:
    targets = targets_of(rule)
    cents = {
        "fixed": rule.fixed_cents,
        "per_holder_cap": rule.per_holder_cap_cents,
        "max_price": rule.max_price_cents,
    }
    initial = {
        "name": rule.name,
        "envelope": rule.envelope_id,
        "starts_on": rule.starts_on,
        "ends_on": rule.ends_on,
        "percent": rule.percent_bp // 100 if rule.percent_bp else None,
        "exempts_contribution": rule.exempts_contribution,
        "job_seekers_only": rule.job_seekers_only,
        "below_level_3_only": rule.below_level_3_only,
        "age_min": rule.age_min,
        "age_max": rule.age_max,
        "modalities": rule.modalities,
        **{name: f"{value // 100},{value % 100:02d}" for name, value in cents.items() if value},
    }
    initial.update({name: " ".join(targets.get(name, [])) for name in RuleForm.TARGETS})
    return initial


@require_http_methods(["GET", "POST"])
def rule_edit(request, public_id, rule_id=None):
    funder = managing(request, public_id)
    rule = get_object_or_404(Rule, public_id=rule_id, funder=funder) if rule_id else None
    envelopes = Envelope.objects.filter(funder=funder).order_by("name")
    form = RuleForm(
        request.POST or None, envelopes=envelopes, initial=_initial(rule) if rule else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        percent = data["percent"]
        try:
            rule = save_rule(
                funder,
                RuleInput(
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    fixed_cents=data["fixed"],
                    percent_bp=percent * 100 if percent else None,
                    per_holder_cap_cents=data["per_holder_cap"],
                    exempts_contribution=data["exempts_contribution"],
                    job_seekers_only=data["job_seekers_only"],
                    below_level_3_only=data["below_level_3_only"],
                    age_min=data["age_min"],
                    age_max=data["age_max"],
                    max_price_cents=data["max_price"],
                    modalities=data["modalities"],
                    targets=form.targets(),
                ),
                data["envelope"],
                actor=Actor.for_user(request.user),
                rule=rule,
            )
        except RuleError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Règle enregistrée en brouillon : simulez-la, puis publiez.")
            return redirect("pro:funder_rule", funder.public_id, rule.public_id)
    return render(
        request,
        "pro/funder/rule_edit.html",
        {"organisation": funder, "form": form, "rule": rule, "has_envelope": envelopes.exists()},
    )


@require_http_methods(["GET", "POST"])
def rule_detail(request, public_id, rule_id):
    funder = funder_of(request, public_id)
    rule = get_object_or_404(
        Rule.objects.select_related("envelope"), public_id=rule_id, funder=funder
    )
    form = SimulationForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile = engine.HolderProfile(
            age=data["age"],
            job_seeker=data["job_seeker"],
            below_level_3=data["below_level_3"],
            employer_sirets=frozenset({data["employer_siret"]} - {""}),
            department_code=data["department_code"].strip().upper(),
            region_code=data["region_code"].strip().upper(),
        )
        training = engine.Training(
            price_cents=data["price"],
            rights_cents=data["rights"] or 0,
            certification_code=data["certification_code"].strip().upper(),
            rome_codes=tuple({data["rome_code"].strip().upper()} - {""}),
            formacodes=tuple({data["formacode"].strip().upper()} - {""}),
            provider_siret=data["provider_siret"].strip(),
            modality=data["modality"],
        )
        day = max(timezone.localdate(), rule.starts_on)
        result = simulate(rule, profile, training, day).text(funder.name)
    return render(
        request,
        "pro/funder/rule_detail.html",
        {
            "organisation": funder,
            "rule": rule,
            "targets": [
                (TargetDimension(dimension).label, codes)
                for dimension, codes in targets_of(rule).items()
            ],
            "form": form,
            "result": result,
            "actions": [(s, ACTIONS[s]) for s in RULE_TRANSITIONS[rule.status] if s in ACTIONS],
            "status_form": StatusForm(),
            "amount": euros(rule.fixed_cents)
            if rule.fixed_cents
            else f"{rule.percent_bp / 100:g} % du reste à charge",
            "transitions": rule.transitions.all(),
            "draft": rule.status == RuleStatus.DRAFT,
        },
    )


@require_POST
def rule_move(request, public_id, rule_id):
    funder = managing(request, public_id)
    rule = get_object_or_404(Rule, public_id=rule_id, funder=funder)
    form = StatusForm(request.POST)
    to_status = request.POST.get("to_status", "")
    if to_status not in ACTIONS or not form.is_valid():
        messages.error(request, "Action inconnue.")
    else:
        try:
            move_rule(
                rule, to_status, actor=Actor.for_user(request.user), note=form.cleaned_data["note"]
            )
            messages.success(request, f"Règle : {ACTIONS[to_status].lower()} — fait.")
        except TransitionError as error:
            messages.error(request, error.message)
    return redirect("pro:funder_rule", funder.public_id, rule.public_id)
