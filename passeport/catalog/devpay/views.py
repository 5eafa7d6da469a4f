"""The hosted page: the holder pays, the card is refused, or the holder lets the page
time out. Paid and refused are notified server to server (here in the same process,
through the same signed-result handler as the notification endpoint), then the browser
is sent back with the same signed result. A time-out notifies nothing: the payment stays
pending until `expire_pending` (the deadline job) expires it."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from passeport.cpf.rules import euros

from .. import payments

OUTCOMES = {"pay": "paid", "refuse": "refused"}


@login_not_required
@require_http_methods(["GET", "POST"])
def page(request):
    params = request.GET if request.method == "GET" else request.POST
    fields = {key: params.get(key, "") for key in ("payment", "amount", "return")}
    if not payments.verify(fields, params.get("sig", "")) or not url_has_allowed_host_and_scheme(
        fields["return"], allowed_hosts={request.get_host()}
    ):
        return HttpResponseBadRequest("Demande de paiement invalide (signature).")
    if request.method == "GET":
        return render(
            request,
            "catalog/devpay.html",
            {"fields": fields, "sig": params["sig"], "amount": euros(int(fields["amount"]))},
        )
    choice = request.POST.get("outcome", "")
    if choice not in OUTCOMES:
        return redirect(fields["return"])  # timed out: nothing is notified
    result = {
        "payment": fields["payment"],
        "status": OUTCOMES[choice],
        "reference": f"DEV-{fields['payment'][:8]}",
    }
    signature = payments.sign(result)
    try:
        payments.handle_result(result, signature)  # the server-to-server notification
    except payments.PaymentError:
        return HttpResponseBadRequest("Paiement inconnu.")
    return redirect(f"{fields['return']}?{urlencode({**result, 'sig': signature})}")
