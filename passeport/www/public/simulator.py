"""The public simulator of CPF rights (no login): the same rules and explanation as
`GET /api/v1/cpf/simulation`. A GET form, no JavaScript, nothing stored."""

from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from passeport.cpf import history, rules
from passeport.cpf.forms import SimulatorForm


@login_not_required
@require_GET
def simulator(request):
    form = SimulatorForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        balance = int(((data["balance"] or Decimal(0)) * 100).to_integral_value())
        acquisition = rules.acquisition(
            data["year"],
            data["hours"],
            reference_hours=data["reference_hours"],
            low_qualified=data["low_qualified"],
            disability=data["disability"],
            balance_cents=balance,
        )
        result = {
            "acquired": rules.euros(acquisition.acquired_cents),
            "balance_after": rules.euros(acquisition.balance_after_cents),
            "rate": rules.euros(acquisition.annual_cents),
            "ceiling": rules.euros(acquisition.ceiling_cents),
            "explanation": history.explain_acquisition(acquisition),
        }
    return render(request, "public/simulator.html", {"form": form, "result": result})
