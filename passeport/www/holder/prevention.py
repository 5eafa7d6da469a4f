"""The holder's passeport de prévention: safety trainings and their validity, what
expires soon, and what each employer may see (consent: all, a chosen part, none)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from passeport.consent.models import ConsentScope, PreventionConsent
from passeport.consent.services import consent_employers, set_prevention_consent
from passeport.journal.actors import Actor
from passeport.records.models import PreventionTraining
from passeport.records.models.prevention import EXPIRING_SOON_DAYS
from passeport.records.timeline import entry_for

from .access import holder_required
from .forms import ConsentForm

VALIDITY_ORDER = {"expired": 0, "expiring": 1, "valid": 2, "permanent": 3}


@require_http_methods(["GET", "POST"])
@holder_required
def prevention(request):
    person = request.user.person
    today = timezone.localdate()
    trainings = list(
        PreventionTraining.objects.filter(person=person)
        .current()
        .select_related("declarant")
        .order_by("valid_until", "pk")
    )
    employers = consent_employers(person)
    consents = {
        c.employer_id: c
        for c in PreventionConsent.objects.filter(person=person, employer__in=employers)
    }
    posted = None
    if request.method == "POST":
        employer = next(
            (e for e in employers if str(e.public_id) == request.POST.get("employer")), None
        )
        if employer is None:
            raise Http404("Cet employeur ne figure pas parmi vos employeurs.")
        form = ConsentForm(
            request.POST, trainings=trainings, prefix=f"e{employer.pk}", auto_id="%s"
        )
        if form.is_valid():
            set_prevention_consent(
                person,
                employer,
                scope=form.cleaned_data["scope"],
                lineages=form.cleaned_data["lineages"],
                actor=Actor.for_user(request.user),
            )
            messages.success(request, f"Votre choix pour {employer.name} est enregistré.")
            return redirect("holder:prevention")
        posted = (employer.pk, form)

    rows = []
    for employer in employers:
        consent = consents.get(employer.pk)
        if posted and posted[0] == employer.pk:
            form = posted[1]
        else:
            form = ConsentForm(
                trainings=trainings,
                prefix=f"e{employer.pk}",
                auto_id="%s",
                initial={
                    "scope": consent.scope if consent else ConsentScope.NONE,
                    "lineages": consent.lineages if consent else [],
                },
            )
        rows.append({"employer": employer, "consent": consent, "form": form})

    entries = []
    for training in trainings:
        entry = entry_for(training, today)
        entry.visible_to = [
            row["employer"].name
            for row in rows
            if row["consent"] is not None and row["consent"].allows(training)
        ]
        entries.append(entry)
    entries.sort(key=lambda e: (VALIDITY_ORDER[e.validity], e.record.valid_until or today))
    return render(
        request,
        "holder/prevention.html",
        {
            "entries": entries,
            "expiring": [e for e in entries if e.validity == "expiring"],
            "expired": [e for e in entries if e.validity == "expired"],
            "rows": rows,
            "soon_days": EXPIRING_SOON_DAYS,
        },
        status=400 if posted else 200,
    )
