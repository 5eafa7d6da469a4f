"""The holder's passeport de prévention: safety trainings and their validity, what
expires soon, every declaration made about them by providers and employers (with the
employer's verification and the history of corrections), what each employer may see
(consent: all, a chosen part, none), and who among professionals read their prevention
data (from the journal)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from passeport.consent.models import ConsentScope, PreventionConsent
from passeport.consent.services import consent_employers, set_prevention_consent
from passeport.journal.actors import Actor, ActorKind
from passeport.journal.models import JournalEntry
from passeport.portal import links as portal_links
from passeport.prevention import catalogue, lifecycle
from passeport.prevention.enums import DeclarantRole, LineStatus, ReviewStatus
from passeport.prevention.models import DeclarationLine
from passeport.records.enums import RecordStatus
from passeport.records.models import PreventionTraining
from passeport.records.models.prevention import EXPIRING_SOON_DAYS
from passeport.records.timeline import entry_for

from .access import holder_required
from .data import describe
from .forms import ConsentForm

ACCESSES_SHOWN = 20

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
            "families": (families := by_family(entries)),
            "empty_families": [group for group in families if not group["entries"]],
            "rows": rows,
            "soon_days": EXPIRING_SOON_DAYS,
            "declarations": declaration_rows(person, today),
            "accesses": [describe(entry, request.user) for entry in prevention_reads(person)],
        },
        status=400 if posted else 200,
    )


def by_family(entries) -> list[dict]:
    """The holder's trainings grouped by risk family (a training of several families is in
    each), each family with its counts and the address of its portal page; trainings the
    catalogue does not classify come last."""
    groups = []
    kinds = {id(entry): catalogue.by_code(entry.record.training_kind) for entry in entries}
    for family in catalogue.RiskFamily:
        members = [e for e in entries if kinds[id(e)] and family in kinds[id(e)].risk_families]
        groups.append(
            {
                "key": family.value,
                "label": family.label,
                "url": portal_links.family_url(family.value),
                "entries": members,
                "expiring": sum(e.validity == "expiring" for e in members),
                "expired": sum(e.validity == "expired" for e in members),
            }
        )
    others = [entry for entry in entries if kinds[id(entry)] is None]
    if others:
        groups.append(
            {
                "key": "autres",
                "label": "Formations non classées",
                "url": "",
                "entries": others,
                "expiring": sum(e.validity == "expiring" for e in others),
                "expired": sum(e.validity == "expired" for e in others),
            }
        )
    return groups


def _current_versions(person, lineages) -> dict:
    """The newest version of each lineage (one query)."""
    newest = {}
    for record in PreventionTraining.objects.filter(person=person, lineage__in=lineages).order_by(
        "lineage", "-version"
    ):
        newest.setdefault(record.lineage, record)
    return newest


def declaration_rows(person, today) -> list[dict]:
    """Every declaration line about the person, cancelled ones included, newest first,
    with the current version of its passport entry."""
    lines = list(
        DeclarationLine.objects.filter(person=person)
        .select_related("declaration__declarant", "employer")
        .order_by("-created_at", "-pk")
    )
    newest = _current_versions(person, [line.lineage for line in lines])
    rows = []
    for line in lines:
        record = newest.get(line.lineage)
        entry = entry_for(record, today) if record is not None else None
        live = record is not None and record.status in (RecordStatus.ACTIVE, RecordStatus.EXPIRED)
        status = lifecycle.effective_review_status(line, today)
        rows.append(
            {
                "line": line,
                "declaration": line.declaration,
                "record": record,
                "entry": entry if live else None,
                "cancelled": line.status == LineStatus.CANCELLED,
                "by_employer": line.declaration.declarant_role == DeclarantRole.EMPLOYER,
                "review_status": status,
                "review_label": ReviewStatus(status).label,
                "corrected": record is not None and record.version > 1,
            }
        )
    return rows


def prevention_reads(person):
    """Reads of the person's prevention data by professionals (the employers' follow-up
    board, an employee's page, the verification of a declaration…), newest first."""
    return JournalEntry.objects.filter(
        person_id=person.pk,
        action="person.read",
        actor_kind__in=[ActorKind.PROFESSIONAL, ActorKind.ORGANISATION],
        payload__what__icontains="prévention",
    ).order_by("-seq")[:ACCESSES_SHOWN]


@require_GET
@holder_required
def declaration_line(request, line_id):
    """One declaration about the holder: what was declared, by which organisation, every
    version of the passport entry with dates and reasons, and the employer's
    verification. Organisations are named, not their members."""
    person = request.user.person
    line = get_object_or_404(
        DeclarationLine.objects.select_related("declaration__declarant", "employer"),
        public_id=line_id,
        person=person,
    )
    today = timezone.localdate()
    versions = list(
        PreventionTraining.objects.filter(person=person, lineage=line.lineage).order_by("-version")
    )
    current = versions[0] if versions else None
    status = lifecycle.effective_review_status(line, today)
    return render(
        request,
        "holder/prevention/line.html",
        {
            "line": line,
            "declaration": line.declaration,
            "versions": versions,
            "current": current,
            "validity": (
                current.validity(today)
                if current is not None
                else catalogue.line_validity(line.declaration, line, today)
            ),
            "entry": entry_for(current, today) if current is not None else None,
            "by_employer": line.declaration.declarant_role == DeclarantRole.EMPLOYER,
            "review_status": status,
            "review_label": ReviewStatus(status).label,
            "history": lifecycle.history(lines=[line]),
            "cancelled": line.status == LineStatus.CANCELLED,
        },
    )
