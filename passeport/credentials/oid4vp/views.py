"""The two endpoints a wallet calls (no session, no CSRF token: the request's unguessable
id, its state and the key-binding JWT over its nonce authenticate the answer)."""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import requests, responses

REQUEST_OBJECT_TYPE = "application/oauth-authz-req+jwt"


def _no_store(response):
    patch_cache_control(response, no_store=True)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(status, error, description):
    return _no_store(
        JsonResponse(
            {"error": error, "error_description": description},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    )


@login_not_required
@require_GET
def request_object(request, public_id):
    token = requests.request_object(public_id)
    if token is None:
        return _error(404, "invalid_request_uri", "Demande inconnue, expirée ou déjà satisfaite.")
    return _no_store(HttpResponse(token, content_type=REQUEST_OBJECT_TYPE))


@login_not_required
@csrf_exempt
@transaction.non_atomic_requests  # `responses.receive` commits its own transaction
@require_POST
def response(request, public_id):
    try:
        _, verdict = responses.receive(public_id, request.POST)
    except responses.ResponseError as error:
        return _error(error.status, error.error, error.description)
    if verdict is not None and not verdict.ok:
        failed = next(check for check in verdict.checks if not check.ok)
        return _error(400, "invalid_request", f"Présentation refusée : {failed.detail}")
    return _no_store(JsonResponse({}))
