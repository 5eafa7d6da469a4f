from django.urls import path

from passeport.catalog import payment_views
from passeport.www.pro.prevention import eligibility

from . import catalog, presentation, shared, simulator, verify, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("verifier/", verify.verify, name="verify"),
    path("verifier/cachet.pem", verify.seal_certificate, name="seal_certificate"),
    path("verifier/<uuid:public_id>", verify.verify_document, name="verify_document"),
    # A recruiter asks a holder's wallet for a credential (OpenID4VP).
    path("verifier/portefeuille/", presentation.ask, name="presentation_ask"),
    path(
        "verifier/portefeuille/certificat.pem",
        presentation.verifier_certificate,
        name="verifier_certificate",
    ),
    path("verifier/portefeuille/<uuid:public_id>/", presentation.wait, name="presentation"),
    path(
        "verifier/portefeuille/<uuid:public_id>/etat",
        presentation.status,
        name="presentation_status",
    ),
    path("partage/<str:token>/", shared.shared, name="shared"),
    path("droits-cpf/simulateur/", simulator.simulator, name="cpf_simulator"),
    path(
        "partage/<str:token>/portefeuille/",
        shared.ask_presentation,
        name="shared_presentation_ask",
    ),
    path(
        "partage/<str:token>/portefeuille/<uuid:public_id>/",
        shared.shared_presentation,
        name="shared_presentation",
    ),
    path(
        "partage/<str:token>/portefeuille/<uuid:public_id>/etat",
        shared.shared_presentation_status,
        name="shared_presentation_status",
    ),
    # Eligibility of a training to the passeport de prévention (anyone, no login).
    path(
        "prevention/eligibilite/",
        eligibility.eligibility,
        name="prevention_eligibility",
    ),
    # The catalogue of CPF trainings (passeport.catalog): search and a training's page.
    path("formations/", catalog.catalog_search, name="catalog_search"),
    path("formations/<uuid:public_id>/", catalog.training_page, name="catalog_training"),
    path(
        "formations/paiement/notification/",
        payment_views.notification,
        name="catalog_payment_notification",
    ),
]
