from django.urls import path

from . import views

app_name = "devidp"

urlpatterns = [
    path("<str:mode>/.well-known/openid-configuration", views.discovery, name="discovery"),
    path("<str:mode>/jwks", views.jwks, name="jwks"),
    path("<str:mode>/authorize", views.authorize, name="authorize"),
    path("<str:mode>/token", views.token, name="token"),
    path("<str:mode>/userinfo", views.userinfo, name="userinfo"),
    path("<str:mode>/session/end", views.end_session, name="end_session"),
]
