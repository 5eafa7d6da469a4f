from django.urls import path

from . import registration_views, views

app_name = "identity"

urlpatterns = [
    path("connexion/", views.login_page, name="login"),
    path("connexion/<str:provider>/", views.login_start, name="login_start"),
    path("retour/<str:provider>/", views.callback, name="callback"),
    path("conditions-d-utilisation/", views.terms, name="terms"),
    path("inscription-organisation/", registration_views.register, name="registration"),
    path(
        "inscription-organisation/envoyee/",
        registration_views.registration_sent,
        name="registration_sent",
    ),
    path("deconnexion/", views.logout, name="logout"),
    path("deconnecte/", views.logged_out, name="logged_out"),
    # Our public keys (FranceConnect+ encrypts ID tokens and userinfo to them).
    path("jwks", views.jwks, name="jwks"),
]
