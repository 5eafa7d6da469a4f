"""The provider's training files (EDOF): lists by state with their deadlines (« à traiter
avant le … », « en retard »), one file with its history and the actions its state allows.
Each read of a file shows the holder's name: journaled as a read of their data."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from passeport.catalog import files
from passeport.catalog.enums import BillingState, FileState
from passeport.catalog.forms import (
    EntryForm,
    ExitForm,
    ProposalForm,
    ReasonForm,
    ServiceDoneForm,
)
from passeport.catalog.models import Invoice, TrainingFile
from passeport.www.holder.access import record_read

from .common import actor_of, provider_of

PAGE = 50
# The states a provider works on, in the order of the lifecycle.
TABS = (
    FileState.NOT_PROCESSED,
    FileState.VALIDATED,
    FileState.ACCEPTED,
    FileState.IN_TRAINING,
    FileState.TERMINATED,
    FileState.SERVICE_DONE_DECLARED,
    FileState.SERVICE_DONE_VALIDATED,
)


def holder_label(person) -> str:
    return f"{person.first_names.split(' ')[0].title()} {person.birth_name.upper()}"


@require_GET
def file_list(request, public_id):
    provider = provider_of(request, public_id)
    state = request.GET.get("etat") or FileState.NOT_PROCESSED
    if state not in FileState.values:
        state = FileState.NOT_PROCESSED
    counts = {
        row["state"]: row["n"]
        for row in TrainingFile.objects.filter(provider=provider)
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
    }
    queryset = (
        TrainingFile.objects.filter(provider=provider, state=state)
        .select_related("person", "session__action__training")
        .order_by("act_before", "pk")
    )
    page = Paginator(queryset, PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    actor = actor_of(request.user, provider)
    rows = []
    for file in page.object_list:
        record_read(file.person, actor, "catalog.file_list")
        rows.append(
            {
                "file": file,
                "holder": holder_label(file.person),
                "late": bool(file.act_before and file.act_before < today),
                "to_bill": file.billing == BillingState.TO_BILL,
            }
        )
    return render(
        request,
        "pro/catalog/files.html",
        {
            "organisation": provider,
            "tabs": [(s, FileState(s).label, counts.get(s, 0)) for s in TABS],
            "state": state,
            "state_label": FileState(state).label,
            "page": page,
            "rows": rows,
            "billing_tab": state == FileState.SERVICE_DONE_VALIDATED,
            "any_to_bill": any(row["to_bill"] for row in rows),
        },
    )


def _file(request, public_id, file_id):
    provider = provider_of(request, public_id)
    file = get_object_or_404(
        TrainingFile.objects.select_related("person", "session__action__training", "provider"),
        public_id=file_id,
        provider=provider,
    )
    return provider, file


def _forms(file):
    return {
        "proposal_form": ProposalForm(
            initial={
                "price": f"{file.price_cents // 100},{file.price_cents % 100:02d}",
                "start_date": file.start_date,
                "end_date": file.end_date,
                "hours": file.hours,
            },
            prefix="proposal",
        ),
        "refuse_form": ReasonForm(state=FileState.REFUSED_BY_PROVIDER, prefix="refuse"),
        "cancel_form": ReasonForm(state=FileState.CANCELED_BY_PROVIDER, prefix="cancel"),
        "entry_form": EntryForm(initial={"entered_on": file.start_date}, prefix="entry"),
        "exit_form": ExitForm(initial={"exited_on": file.end_date}, prefix="exit"),
        "service_form": ServiceDoneForm(prefix="service"),
    }


@require_GET
def file_detail(request, public_id, file_id):
    provider, file = _file(request, public_id, file_id)
    return _render_detail(request, provider, file)


def _render_detail(request, provider, file, forms=None, status=200):
    record_read(file.person, actor_of(request.user, provider), "catalog.file")
    context = {
        "organisation": provider,
        "file": file,
        "holder": holder_label(file.person),
        "transitions": file.transitions.order_by("at", "pk"),
        "to_bill": file.billing == BillingState.TO_BILL,
        "invoice": Invoice.objects.filter(file=file).first(),
        "late": bool(file.act_before and file.act_before < timezone.localdate()),
        **_forms(file),
        **(forms or {}),
    }
    return render(request, "pro/catalog/file.html", context, status=status)


@require_POST
def file_act(request, public_id, file_id, verb):
    """One action on a file; an invalid form is shown again on the file's page."""
    provider, file = _file(request, public_id, file_id)
    actor = actor_of(request.user, provider)
    today = timezone.localdate()
    forms = {
        "validate": ("proposal_form", ProposalForm(request.POST, prefix="proposal")),
        "refuse": (
            "refuse_form",
            ReasonForm(request.POST, state=FileState.REFUSED_BY_PROVIDER, prefix="refuse"),
        ),
        "cancel": (
            "cancel_form",
            ReasonForm(request.POST, state=FileState.CANCELED_BY_PROVIDER, prefix="cancel"),
        ),
        "entry": ("entry_form", EntryForm(request.POST, prefix="entry")),
        "exit": ("exit_form", ExitForm(request.POST, prefix="exit")),
        "service-done": ("service_form", ServiceDoneForm(request.POST, prefix="service")),
        "no-show": (None, None),
    }
    if verb not in forms:
        return redirect("pro:catalog_file", provider.public_id, file.public_id)
    name, form = forms[verb]
    if form is not None and not form.is_valid():
        return _render_detail(request, provider, file, {name: form}, status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        if verb == "validate":
            files.validate(
                file,
                actor=actor,
                today=today,
                price_cents=data["price"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                hours=data["hours"],
            )
        elif verb == "refuse":
            files.end(
                file,
                FileState.REFUSED_BY_PROVIDER,
                actor=actor,
                reason=data["reason"],
                detail=data["detail"],
            )
        elif verb == "cancel":
            files.end(
                file,
                FileState.CANCELED_BY_PROVIDER,
                actor=actor,
                reason=data["reason"],
                detail=data["detail"],
            )
        elif verb == "no-show":
            files.end(
                file,
                FileState.CANCELED_BY_HOLDER_NOT_REALIZED,
                actor=actor,
                reason="holder_no_show",
            )
        elif verb == "entry":
            files.declare_entry(file, actor=actor, entered_on=data["entered_on"], today=today)
        elif verb == "exit":
            files.declare_exit(
                file, actor=actor, exited_on=data["exited_on"], reason=data["reason"], today=today
            )
        elif verb == "service-done":
            files.declare_service_done(
                file,
                actor=actor,
                completion_percent=data["completion_percent"],
                absence_hours=data["absence_hours"],
                certification_obtained=data["certification_obtained"],
                today=today,
            )
    except files.FileError as error:
        messages.error(request, error.message)
    else:
        file.refresh_from_db()
        messages.success(request, f"Dossier {file.reference} : {file.get_state_display()}.")
    return redirect("pro:catalog_file", provider.public_id, file.public_id)
