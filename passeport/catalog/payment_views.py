"""The payment provider's server-to-server notification (signed result, idempotent)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import payments


@login_not_required
@csrf_exempt
@require_POST
def notification(request):
    fields = {key: request.POST.get(key, "") for key in ("payment", "status", "reference")}
    try:
        payments.handle_result(fields, request.POST.get("sig", ""))
    except payments.PaymentError as error:
        return HttpResponseBadRequest(error.message)
    return HttpResponse("OK", content_type="text/plain")
