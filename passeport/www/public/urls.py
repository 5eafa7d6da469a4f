from django.urls import path

from passeport.www.pro import prevention_declarations

from . import shared, simulator, verify, views

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
    path("partage/<str:token>/", shared.shared, name="shared"),
    path("droits-cpf/simulateur/", simulator.simulator, name="cpf_simulator"),
    # Eligibility of a training to the passeport de prévention (anyone, no login).
    path(
        "prevention/eligibilite/",
        prevention_declarations.eligibility,
        name="prevention_eligibility",
    ),
]
