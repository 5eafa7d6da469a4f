from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
]
