"""Public endpoints: keys and metadata (/.well-known/…), credential types, JSON-LD
contexts, status lists, and the OpenID4VCI token, nonce and credential endpoints.

None needs a login. The OpenID4VCI endpoints are called by wallets (no session, no CSRF
token): the pre-authorized code, the access token and the key proof authenticate them.
"""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import claims, jsonld, keys, oid4vci, statuslists
from .models import StatusList

# Keys and metadata change rarely (a rotation publishes the new key before it signs
# anything that needs it); status lists follow their own TTL.
METADATA_MAX_AGE = 3600


def _json(data, *, max_age=METADATA_MAX_AGE, content_type="application/json", status=200):
    response = JsonResponse(
        data, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    if max_age:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, no_store=True)
    return response


@login_not_required
@require_GET
def jwks(request):
    return _json(keys.jwks(), content_type="application/jwk-set+json")


@login_not_required
@require_GET
def did_document(request):
    return _json(keys.did_document(), content_type="application/did+json")


@login_not_required
@require_GET
def jwt_vc_issuer(request):
    """SD-JWT VC issuer metadata: where verifiers find our keys."""
    return _json({"issuer": keys.issuer_url(), "jwks": keys.jwks()})


@login_not_required
@require_GET
def credential_issuer(request):
    return _json(oid4vci.issuer_metadata())


@login_not_required
@require_GET
def authorization_server(request):
    return _json(oid4vci.authorization_server_metadata())


@login_not_required
@require_GET
def vct(request, slug):
    kind = claims.KINDS.get(slug)
    if kind is None:
        raise Http404("Type d'attestation inconnu.")
    return _json(claims.type_metadata(kind))


@login_not_required
@require_GET
def context(request, name):
    found = jsonld.context_by_name(name)
    if found is None:
        raise Http404("Contexte inconnu.")
    return _json(found[1], content_type="application/ld+json", max_age=86_400)


@login_not_required
@require_GET
def status_list(request, public_id):
    status_list = get_object_or_404(StatusList, public_id=public_id)
    media_type, body = statuslists.signed_document(status_list)
    response = HttpResponse(body, content_type=media_type)
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=statuslists.ttl_seconds())
    return response


# --- OpenID4VCI ------------------------------------------------------------------------


def _oauth_error(error: oid4vci.OAuthError):
    response = _json(error.as_dict(), max_age=0, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return response


@login_not_required
@csrf_exempt
@require_POST
def token(request):
    try:
        answer = oid4vci.exchange_code(
            request.POST.get("grant_type", ""),
            request.POST.get("pre-authorized_code", ""),
            request.POST.get("tx_code"),
        )
    except oid4vci.OAuthError as error:
        return _oauth_error(error)
    return _json(answer, max_age=0)


@login_not_required
@require_GET
def offer(request, reference):
    """The offer a `credential_offer_uri` names (OpenID4VCI §4.1.3)."""
    document = oid4vci.offer_by_reference(reference)
    if document is None:
        return _json(
            {
                "error": "not_found",
                "error_description": "Offre inconnue, expirée ou déjà utilisée.",
            },
            max_age=0,
            status=404,
        )
    return _json(document, max_age=0)


@login_not_required
@csrf_exempt
@require_POST
def nonce(request):
    return _json({"c_nonce": oid4vci.new_nonce()}, max_age=0)


@login_not_required
@csrf_exempt
@require_POST
def credential(request):
    authorization = request.headers.get("Authorization", "")
    scheme, _, access_token = authorization.partition(" ")
    try:
        if scheme.lower() != "bearer" or not access_token:
            raise oid4vci.OAuthError("invalid_token", "Jeton d'accès (Bearer) manquant.", 401)
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            body = None
        answer = oid4vci.issue_credential(access_token.strip(), body)
    except oid4vci.OAuthError as error:
        return _oauth_error(error)
    return _json(answer, max_age=0)
