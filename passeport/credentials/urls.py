"""Mounted twice by config/urls.py: `well_known` at the site root (/.well-known/…), the
rest under /credentials/. Status-list URLs are a public contract: never change them."""

from django.urls import path

from . import views
from .oid4vp import views as oid4vp

app_name = "credentials"

urlpatterns = [
    path("vct/<slug:slug>", views.vct, name="vct"),
    path("contexts/<slug:name>", views.context, name="context"),
    path("status/<uuid:public_id>", views.status_list, name="status_list"),
    path("oid4vci/offres/<str:reference>", views.offer, name="oid4vci_offer"),
    path("oid4vci/token", views.token, name="oid4vci_token"),
    path("oid4vci/nonce", views.nonce, name="oid4vci_nonce"),
    path("oid4vci/credential", views.credential, name="oid4vci_credential"),
    path("oid4vp/demandes/<uuid:public_id>", oid4vp.request_object, name="oid4vp_request"),
    path("oid4vp/reponses/<uuid:public_id>", oid4vp.response, name="oid4vp_response"),
]

well_known = [
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path(".well-known/did.json", views.did_document, name="did"),
    path(".well-known/jwt-vc-issuer", views.jwt_vc_issuer, name="jwt_vc_issuer"),
    path(".well-known/openid-credential-issuer", views.credential_issuer, name="credential_issuer"),
    path(
        ".well-known/oauth-authorization-server",
        views.authorization_server,
        name="authorization_server",
    ),
]
