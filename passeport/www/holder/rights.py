"""« Mes droits »: the holder's CPF rights, their history explained movement by movement,
the balance year by year (SVG chart and its table); the holder's situation, conversion
(simulation, then confirmation) and volunteer hours (Compte Bénévole).

The person is always the logged-in holder's own; nothing here takes a person or account
identifier from the request."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from passeport.cpf import cec, conversion, history, ledger, rules
from passeport.cpf.enums import CecStatus
from passeport.cpf.forms import ConversionForm, SituationForm, VolunteerForm
from passeport.cpf.models import CecDeclaration
from passeport.cpf.situation import declare_situation
from passeport.funding.credits import holder_credits
from passeport.journal.actors import Actor

from .access import holder_required

HISTORY_PAGE = 50


@require_http_methods(["GET"])
@holder_required
def rights(request):
    person = request.user.person
    today = timezone.localdate()
    data = history.rights_of(person, today)
    page = Paginator(data.lines, HISTORY_PAGE).get_page(request.GET.get("page"))
    account = data.account
    situation = SituationForm(
        initial={
            "low_qualified": bool(account and account.low_qualified),
            "disability": bool(account and account.disability),
        }
    )
    return render(
        request,
        "holder/rights/rights.html",
        {
            "rights": data,
            "b": data.balances,
            "euros": {
                "total": rules.euros(data.balances.euros),
                "available": rules.euros(data.balances.available),
                "reserved": rules.euros(data.balances.reserved),
                "rights": rules.euros(data.balances.rights),
                "cec": rules.euros(data.balances.cec),
                "funder": rules.euros(data.balances.funder),
                "hours": rules.hours_text(data.balances.hours),
                "cec_ceiling": rules.euros(rules.CEC_CEILING_CENTS),
            },
            "page": page,
            "situation_form": situation,
            # Each funder credit: who paid it and what it may be spent on (passeport.funding).
            "funder_credits": holder_credits(person),
        },
    )


@require_POST
@holder_required
def situation(request):
    form = SituationForm(request.POST)
    if form.is_valid():
        actor = Actor.for_user(request.user)
        account = ledger.open_account(request.user.person, actor=actor)
        changed = declare_situation(
            account,
            low_qualified=form.cleaned_data["low_qualified"],
            disability=form.cleaned_data["disability"],
            actor=actor,
        )
        messages.success(
            request,
            "Votre situation est enregistrée : elle s'applique au prochain calcul de vos droits."
            if changed
            else "Aucun changement.",
        )
    return redirect("holder:rights")


@require_http_methods(["GET", "POST"])
@holder_required
def convert(request):
    person = request.user.person
    actor = Actor.for_user(request.user)
    account = ledger.account_of(person)
    form = ConversionForm(request.POST or request.GET or None)
    simulation, error = None, ""
    if form.is_bound and form.is_valid() and account is not None:
        direction = form.cleaned_data["direction"]
        try:
            simulation = conversion.simulate(account, direction, form.hundredths())
            if request.method == "POST" and request.POST.get("confirm") == "1":
                expected = (int(request.POST.get("debit", -1)), int(request.POST.get("credit", -1)))
                if expected != (simulation.debit, simulation.credit):
                    raise conversion.ConversionError(
                        "Vos droits ont changé depuis la simulation : vérifiez le nouveau résultat."
                    )
                conversion.convert(
                    account, direction, form.hundredths(), expected=simulation, actor=actor
                )
                messages.success(request, f"Conversion effectuée : {simulation.text()}.")
                return redirect("holder:rights")
        except (conversion.ConversionError, ValueError) as problem:
            error = getattr(problem, "message", "Conversion impossible.")
    elif form.is_bound and account is None:
        error = "Vous n'avez pas encore de droits à convertir."
    balances = ledger.balances(account) if account else ledger.Balances()
    return render(
        request,
        "holder/rights/convert.html",
        {
            "form": form,
            "simulation": simulation,
            "error": error,
            "rights_text": rules.euros(balances.available_of("rights")),
            "hours_text": rules.hours_text(balances.hours),
        },
    )


@require_http_methods(["GET", "POST"])
@holder_required
def volunteer(request):
    person = request.user.person
    today = timezone.localdate()
    form = VolunteerForm(request.POST or None, today=today)
    deadlines = cec.Deadlines(today.year - 1)
    if request.method == "POST" and form.is_valid():
        try:
            cec.declare_by_volunteer(
                person,
                form.cleaned_data["association"],
                year=form.cleaned_data["year"],
                hours=form.cleaned_data["hours"],
                role=form.cleaned_data["role"],
                actor=Actor.for_user(request.user),
                today=today,
            )
        except cec.CecError as error:
            form.add_error(
                {"hours": "hours", "year": "year"}.get(error.field, "association"), error.message
            )
        else:
            messages.success(
                request,
                "Vos heures sont déclarées : l'association les confirmera au plus tard le "
                f"{deadlines.confirmation_closes:%d/%m/%Y}.",
            )
            return redirect("holder:volunteer")
    declarations = (
        CecDeclaration.objects.filter(person=person)
        .select_related("body")
        .order_by("-year", "-declared_at")[:50]
    )
    return render(
        request,
        "holder/rights/volunteer.html",
        {
            "form": form,
            "declarations": declarations,
            "deadlines": deadlines,
            "open": deadlines.volunteer_opens <= today <= deadlines.volunteer_closes,
            "pending": CecStatus.PENDING,
        },
    )
