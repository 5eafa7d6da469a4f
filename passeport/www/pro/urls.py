from django.urls import path

from . import views

app_name = "pro"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisations/<uuid:public_id>/membres/", views.members, name="members"),
    path(
        "organisations/<uuid:public_id>/membres/<int:membership_id>/retirer/",
        views.remove_member,
        name="remove_member",
    ),
    path(
        "organisations/<uuid:public_id>/membres/<int:membership_id>/administrateur/",
        views.promote_member,
        name="promote_member",
    ),
    path("organisations/<uuid:public_id>/clients-api/", views.api_clients, name="api_clients"),
    path(
        "organisations/<uuid:public_id>/clients-api/<uuid:client_id>/revoquer/",
        views.revoke_api_client,
        name="revoke_api_client",
    ),
    path(
        "organisations/<uuid:public_id>/invitations/<uuid:invitation_id>/retirer/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("organisations/<uuid:public_id>/signalements/", views.corrections, name="corrections"),
    path(
        "organisations/<uuid:public_id>/signalements/<uuid:request_id>/",
        views.correction,
        name="correction",
    ),
    path(
        "organisations/<uuid:public_id>/signalements/<uuid:request_id>/repondre/",
        views.answer_correction,
        name="answer_correction",
    ),
    path(
        "organisations/<uuid:public_id>/signalements/<uuid:request_id>/clore/",
        views.close_correction,
        name="close_correction",
    ),
]
