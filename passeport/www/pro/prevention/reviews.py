"""The employer's side: the "À vérifier" list and a line's review page (confirm, ask
the provider for a correction, which e-mails its administrators), and the reprise page
(when the employer may declare a training its provider did not declare in time)."""

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from passeport.jobs.mail import send_after_commit
from passeport.organisations.enums import MembershipRole
from passeport.prevention import lifecycle
from passeport.prevention.enums import (
    DeclarantRole,
    LineStatus,
    ReviewStatus,
)
from passeport.prevention.models import Declaration, DeclarationLine

from .access import PAGE_SIZE, employer_organisation, journal_reads, line_row
from .forms import REVIEW_FILTERS, RepriseForm, RequestCorrectionForm, ReviewFilterForm


def _lines_to_review(organisation):
    return (
        DeclarationLine.objects.filter(employer=organisation)
        .exclude(review_status=ReviewStatus.NOT_APPLICABLE)
        .exclude(declarant=organisation)
    )


@require_GET
def reviews(request, public_id):
    organisation = employer_organisation(request, public_id)
    today = timezone.localdate()
    form = ReviewFilterForm(request.GET or None, auto_id="filtre_%s")
    state = (form.cleaned_data.get("etat") if form.is_valid() else "") or ReviewStatus.PENDING
    lines = _lines_to_review(organisation)
    counts = {
        status: lines.filter(
            lifecycle.effective_review_q(status, today), status=LineStatus.ACTIVE
        ).count()
        for status, _ in REVIEW_FILTERS[:-1]
    }
    if state != "all":
        lines = lines.filter(lifecycle.effective_review_q(state, today))
        if state == ReviewStatus.PENDING:
            lines = lines.filter(status=LineStatus.ACTIVE)
    page = Paginator(
        lines.select_related("declaration__declarant", "person").order_by("review_deadline", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = [line_row(line, today) for line in page]
    journal_reads(
        request,
        organisation,
        [line.person for line in page],
        "Vérification des déclarations de prévention des organismes de formation",
    )
    return render(
        request,
        "pro/prevention/review_list.html",
        {
            "organisation": organisation,
            "form": form,
            "state": state,
            "state_label": dict(REVIEW_FILTERS)[state],
            "counts": [(status, label, counts[status]) for status, label in REVIEW_FILTERS[:-1]],
            "page": page,
            "rows": rows,
            "today": today,
        },
    )


def _line_for_review(request, organisation, line_id) -> DeclarationLine:
    line = get_object_or_404(
        DeclarationLine.objects.select_related("declaration__declarant", "person", "employer"),
        public_id=line_id,
        employer=organisation,
    )
    if not lifecycle.can_review_line(request.user, line):
        raise Http404
    return line


def _notify_provider(line, organisation) -> None:
    """E-mails the provider's administrators that a correction is asked, once committed.
    Nothing about the trainee in the message: a link to the declaration's page."""
    declarant = line.declaration.declarant
    recipients = sorted(
        {
            email.lower()
            for email in declarant.memberships.filter(
                role=MembershipRole.ADMIN, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        }
    )
    if not recipients:
        return
    url = settings.SITE_URL.rstrip("/") + reverse(
        "pro:prevention_declaration", args=[declarant.public_id, line.declaration.public_id]
    )
    body = (
        f"Bonjour,\n\n{organisation.name} demande une correction de la déclaration de "
        f"prévention « {line.declaration.declaration_id} » de {declarant.name} "
        f"(ligne {line.partner_unique_id}).\n\nLe message de l'employeur et la ligne à "
        f"corriger sont sur la page de la déclaration :\n{url}\n\n— Passeport de compétences\n"
    )
    emails = [
        EmailMessage(
            subject=f"Correction demandée par {organisation.name} sur une déclaration de "
            "prévention",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        )
        for email in recipients
    ]

    send_after_commit(emails, "prevention_review_correction")


@require_http_methods(["GET", "POST"])
def review(request, public_id, line_id):
    organisation = employer_organisation(request, public_id)
    line = _line_for_review(request, organisation, line_id)
    today = timezone.localdate()
    form = RequestCorrectionForm(
        request.POST if request.POST.get("action") == "correction" else None, auto_id="%s"
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                lifecycle.confirm(line, organisation=organisation, user=request.user, today=today)
                messages.success(
                    request, "Déclaration confirmée. L'organisme de formation le voit."
                )
                return redirect("pro:prevention_review", public_id=public_id, line_id=line_id)
            if action == "correction" and form.is_valid():
                lifecycle.request_correction(
                    line,
                    organisation=organisation,
                    user=request.user,
                    message=form.cleaned_data["message"],
                    today=today,
                )
                _notify_provider(line, organisation)
                messages.success(
                    request,
                    f"Demande de correction transmise à {line.declaration.declarant.name}.",
                )
                return redirect("pro:prevention_review", public_id=public_id, line_id=line_id)
            if action not in ("confirm", "correction"):
                messages.error(request, "Choisissez « Confirmer » ou « Demander une correction ».")
        except lifecycle.LifecycleError as error:
            messages.error(request, error.message)
            return redirect("pro:prevention_review", public_id=public_id, line_id=line_id)
    line.refresh_from_db()
    journal_reads(
        request,
        organisation,
        [line.person],
        "Vérification d'une déclaration de prévention d'un organisme de formation",
    )
    events = lifecycle.history(lines=[line])
    return render(
        request,
        "pro/prevention/review.html",
        {
            "organisation": organisation,
            "line": line,
            "declaration": line.declaration,
            "row": line_row(line, today),
            "form": form,
            "history": events,
            "today": today,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def reprise(request, public_id):
    organisation = employer_organisation(request, public_id)
    today = timezone.localdate()
    form = RepriseForm(request.GET or None, auto_id="%s")
    window = None
    if form.is_bound and form.is_valid():
        window = lifecycle.reprise_window(form.cleaned_data["reference_day"])
    own = list(
        Declaration.objects.filter(
            declarant=organisation, declarant_role=DeclarantRole.EMPLOYER
        ).order_by("-created_at", "-pk")[:200]
    )
    reprises = []
    for item in own:
        if lifecycle.is_reprise(item):
            reprises.append(
                {"declaration": item, "duplicates": lifecycle.provider_duplicates(item)}
            )
    return render(
        request,
        "pro/prevention/review_reprise.html",
        {
            "organisation": organisation,
            "form": form,
            "window": window,
            "window_state": window.state_on(today) if window else "",
            "reprises": reprises,
            "today": today,
        },
    )
