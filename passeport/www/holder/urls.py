from django.urls import path

from . import data, declare, prevention, views

app_name = "holder"

entry = "entrees/<slug:kind>/<uuid:public_id>/"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(entry, views.entry, name="entry"),
    path(f"{entry}signaler/", views.report_error, name="report_error"),
    path(f"{entry}modifier/", declare.edit, name="edit"),
    path(f"{entry}supprimer/", declare.delete, name="delete"),
    path("publication/", views.publication, name="publication"),
    path("declarer/", declare.choose, name="declare_choose"),
    path("declarer/competence/recherche/", declare.skill_search, name="skill_search"),
    path("declarer/<slug:form_slug>/", declare.declare, name="declare"),
    path("mes-donnees/", data.my_data, name="my_data"),
    path("mes-donnees/mon-passeport.json", data.export_json, name="export_json"),
    path("mes-donnees/mon-passeport.zip", data.export_zip, name="export_zip"),
    path("prevention/", prevention.prevention, name="prevention"),
]
