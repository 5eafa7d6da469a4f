"""« Mes dossiers de formation »: the holder's requests and purchases (EDOF files): apply
from a training's page, read the provider's proposal with its plan of funding, accept
(FranceConnect+ required; the rest paid on the payment page), refuse, cancel, and the
file's history. Only the logged-in holder's own files: another person's file is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from passeport.catalog import files, payments, plan
from passeport.catalog.enums import FileState
from passeport.catalog.forms import ApplyForm, ReasonForm
from passeport.catalog.models import FileNotice, Session, TrainingFile
from passeport.catalog.permissions import can_buy
from passeport.identity.views import SESSION_PROVIDER
from passeport.journal.actors import Actor

from .access import holder_required

CANCELLABLE = (FileState.NOT_PROCESSED, FileState.VALIDATED, FileState.ACCEPTED)


def _file(request, file_id) -> TrainingFile:
    file = get_object_or_404(
        TrainingFile.objects.select_related("session__action__training", "provider", "person"),
        public_id=file_id,
    )
    if file.person_id != request.user.person_id:
        raise Http404
    return file


@require_POST
@holder_required
def apply(request, session_id):
    session = get_object_or_404(
        Session.objects.select_related("action__training__provider"), public_id=session_id
    )
    form = ApplyForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        file = files.apply(
            request.user.person,
            session,
            actor=Actor.for_user(request.user),
            today=timezone.localdate(),
            message=message,
        )
    except files.FileError as error:
        messages.error(request, error.message)
        return redirect("public:catalog_training", session.action.training.public_id)
    messages.success(
        request,
        f"Demande envoyée (dossier {file.reference}) : l'organisme répond avant le "
        f"{file.act_before:%d/%m/%Y}.",
    )
    return redirect("holder:training_file", file.public_id)


@require_GET
@holder_required
def file_list(request):
    person = request.user.person
    rows = (
        TrainingFile.objects.filter(person=person)
        .select_related("session__action__training", "provider")
        .order_by("-created_at", "-pk")
    )
    notices = list(FileNotice.objects.filter(person=person, read_at__isnull=True)[:20])
    FileNotice.objects.filter(pk__in=[n.pk for n in notices]).update(read_at=timezone.now())
    return render(request, "holder/training_files/list.html", {"files": rows, "notices": notices})


@require_GET
@holder_required
def file_detail(request, file_id):
    file = _file(request, file_id)
    today = timezone.localdate()
    proposal = None
    if file.state == FileState.VALIDATED:
        proposal = plan.compute(file.person, file.session, file.price_cents, today)
    return render(
        request,
        "holder/training_files/detail.html",
        {
            "file": file,
            "training": file.session.action.training,
            "proposal": proposal,
            "transitions": file.transitions.order_by("at", "pk"),
            "payments": file.payments.order_by("-created_at", "-pk"),
            "refuse_form": ReasonForm(state=FileState.REFUSED_BY_HOLDER),
            "cancel_form": ReasonForm(state=FileState.CANCELED_BY_HOLDER),
            "cancellable": file.state in CANCELLABLE,
            "can_buy": can_buy(request.user, request.session.get(SESSION_PROVIDER, "")),
            "step_up_url": reverse("identity:login_start", args=["franceconnect_plus"])
            + "?next="
            + reverse("holder:training_file", args=[file.public_id]),
        },
    )


@require_POST
@holder_required
def accept(request, file_id):
    """FranceConnect+ required; nothing to pay → accepted now; else the payment page."""
    file = _file(request, file_id)
    if not can_buy(request.user, request.session.get(SESSION_PROVIDER, "")):
        raise PermissionDenied(
            "Acheter une formation demande une connexion FranceConnect+ : reconnectez-vous."
        )
    today = timezone.localdate()
    proposal = plan.compute(file.person, file.session, file.price_cents, today)
    if proposal.holder_cents == 0:
        try:
            files.accept(file, actor=Actor.for_user(request.user), today=today, paid_cents=0)
        except files.FileError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Inscription confirmée : vos droits sont réservés.")
        return redirect("holder:training_file", file.public_id)
    gateway = payments.adapter()
    if gateway is None:
        messages.error(request, "Le paiement par carte n'est pas disponible pour le moment.")
        return redirect("holder:training_file", file.public_id)
    try:
        payment = payments.start(file, proposal.holder_cents)
    except payments.PaymentError as error:
        messages.error(request, error.message)
        return redirect("holder:training_file", file.public_id)
    return_url = reverse("holder:training_file_payment_return", args=[file.public_id])
    return redirect(gateway.redirect_url(payment, return_url))


@require_GET
@holder_required
def payment_return(request, file_id):
    """The browser back from the payment page, with a signed result (or none: timed out)."""
    file = _file(request, file_id)
    fields = {key: request.GET.get(key, "") for key in ("payment", "status", "reference")}
    if not fields["payment"]:
        messages.info(request, "Paiement non terminé : vous pouvez recommencer.")
        return redirect("holder:training_file", file.public_id)
    try:
        payment = payments.handle_result(fields, request.GET.get("sig", ""))
    except payments.PaymentError as error:
        messages.error(request, error.message)
        return redirect("holder:training_file", file.public_id)
    if payment.file_id != file.pk:
        raise Http404
    if payment.state == "paid":
        messages.success(
            request, "Paiement accepté, inscription confirmée : vos droits sont réservés."
        )
    else:
        messages.error(
            request, f"Paiement {payment.get_state_display().lower()}. {payment.message}"
        )
    return redirect("holder:training_file", file.public_id)


@require_POST
@holder_required
def end(request, file_id, verb):
    file = _file(request, file_id)
    to_state = {
        "refuser": FileState.REFUSED_BY_HOLDER,
        "annuler": FileState.CANCELED_BY_HOLDER,
    }.get(verb)
    if to_state is None:
        raise Http404
    form = ReasonForm(request.POST, state=to_state)
    if not form.is_valid():
        messages.error(request, "Choisissez un motif parmi ceux proposés.")
        return redirect("holder:training_file", file.public_id)
    try:
        files.end(
            file,
            to_state,
            actor=Actor.for_user(request.user),
            reason=form.cleaned_data["reason"],
            detail=form.cleaned_data["detail"],
        )
    except files.FileError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Dossier {file.reference} : {to_state.label.lower()}.")
    return redirect("holder:training_file", file.public_id)
