"""The funder's home and its credit orders: send an order by form or file, follow its
lines (as the funder sent them: line, birth name, amount — never the NIR), download the
rejected lines as a corrected file."""

import uuid

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passeport.core.storage import private_storage
from passeport.funding import order_files
from passeport.funding.enums import Channel, ConventionStatus
from passeport.funding.lifecycle import TransitionError, request_convention
from passeport.funding.models import Convention, CreditOrder, Envelope, Rule
from passeport.funding.orders import LineInput, OrderError, OrderInput, receive_order
from passeport.journal.actors import Actor
from passeport.prevention.import_limits import FileRejected

from .access import can_manage_funding, funder_of, journal_reads, managing
from .forms import OrderForm

STORAGE = "funding"


@require_GET
def home(request, public_id):
    funder = funder_of(request, public_id)
    return render(
        request,
        "pro/funder/home.html",
        {
            "organisation": funder,
            "convention": Convention.objects.filter(funder=funder)
            .order_by("-created_at", "-pk")
            .first(),
            "approved": ConventionStatus.APPROVED,
            "can_manage": can_manage_funding(request.user, funder),
            "orders": CreditOrder.objects.filter(funder=funder).order_by("-created_at", "-pk")[:20],
            "rules": Rule.objects.filter(funder=funder).select_related("envelope").order_by("name"),
            "envelopes": Envelope.objects.filter(funder=funder).order_by("name"),
        },
    )


@require_POST
def convention_request(request, public_id):
    funder = funder_of(request, public_id)
    try:
        request_convention(
            funder,
            title="Convention de co-construction et d'abondement",
            starts_on=timezone.localdate(),
            actor=Actor.for_user(request.user),
        )
        messages.success(request, "Convention demandée : la Caisse des Dépôts vous répondra.")
    except TransitionError as error:
        messages.error(request, error.message)
    return redirect("pro:funder_home", funder.public_id)


def _corrected_name(funder, token: str) -> str:
    return f"funding/{funder.public_id}/rejets-{token}.csv"


@require_http_methods(["GET", "POST"])
def order_new(request, public_id):
    funder = managing(request, public_id)
    form = OrderForm(request.POST or None, request.FILES or None)
    rejected, token = [], ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["file"]:
                lines, rejected = order_files.read_lines(data["file"].read(), data["file"].name)
            else:
                lines = [LineInput(1, data["nir"], data["birth_name"], str(data["amount"]))]
            result = receive_order(
                funder,
                OrderInput(
                    external_id=data["external_id"],
                    kind=data["kind"],
                    transfer_reference=data["transfer_reference"],
                    lines=lines,
                    ends_on=data["ends_on"],
                    restrictions=form.restrictions(),
                ),
                channel=Channel.FILE if data["file"] else Channel.WEB,
                actor=Actor.for_user(request.user),
            )
        except FileRejected as error:
            form.add_error("file", error.message)
        except OrderError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            rejected = sorted(rejected + result.rejected, key=lambda r: r.number)
            if rejected:
                token = uuid.uuid4().hex
                private_storage(STORAGE).save(
                    _corrected_name(funder, token),
                    ContentFile(order_files.corrected_file(rejected)),
                )
            if result.order is not None and not result.created:
                messages.info(request, "Cette commande était déjà reçue : rien n'a été ajouté.")
                return redirect("pro:funder_order", funder.public_id, result.order.public_id)
            if result.order is not None and not rejected:
                messages.success(request, f"Commande reçue : {result.accepted} ligne(s).")
                return redirect("pro:funder_order", funder.public_id, result.order.public_id)
            if result.order is not None:
                messages.warning(
                    request,
                    f"Commande reçue : {result.accepted} ligne(s) acceptée(s), "
                    f"{len(rejected)} rejetée(s) (ci-dessous).",
                )
            else:
                messages.error(request, "Aucune ligne acceptée : la commande n'est pas créée.")
    return render(
        request,
        "pro/funder/order_new.html",
        {"organisation": funder, "form": form, "rejected": rejected[:200], "token": token},
    )


@require_GET
def order_corrected(request, public_id, token):
    funder = funder_of(request, public_id)
    if not token.isascii() or not token.isalnum():
        raise Http404
    storage = private_storage(STORAGE)
    name = _corrected_name(funder, token)
    if not storage.exists(name):
        raise Http404
    with storage.open(name) as handle:
        response = HttpResponse(handle.read(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lignes-rejetees.csv"'
    return response


@require_GET
def order_template(request, public_id):
    funder_of(request, public_id)
    response = HttpResponse(order_files.TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-abondement.csv"'
    return response


@require_GET
def order_detail(request, public_id, order_id):
    funder = funder_of(request, public_id)
    order = get_object_or_404(CreditOrder, public_id=order_id, funder=funder)
    page = Paginator(order.lines.order_by("number"), 50).get_page(request.GET.get("page"))
    journal_reads(request.user, [line.person_id for line in page], "lignes d'une commande")
    return render(
        request,
        "pro/funder/order_detail.html",
        {
            "organisation": funder,
            "order": order,
            "page": page,
            "restrictions": order.restrictions.order_by("dimension", "code"),
            "transitions": order.transitions.all(),
        },
    )
