from django.urls import path

from . import authorisations, views

app_name = "certifier"

urlpatterns = [
    path("", views.home, name="home"),
    path("<uuid:organisation>/", views.submissions, name="submissions"),
    path("<uuid:organisation>/deposer/", views.upload, name="upload"),
    path("depots/<uuid:submission>/", views.submission_detail, name="submission"),
    path(
        "depots/<uuid:submission>/accuse.<str:fmt>",
        views.accuse_download,
        name="accuse",
    ),
    # The providers it authorises to prepare to its certifications (passeport.catalog).
    path(
        "<uuid:organisation>/habilitations/",
        authorisations.authorisation_list,
        name="authorisations",
    ),
    path(
        "<uuid:organisation>/habilitations/<int:authorisation_id>/retirer/",
        authorisations.authorisation_revoke,
        name="authorisation_revoke",
    ),
]
