from django.urls import path

from . import (
    counselling,
    credentials,
    cv,
    data,
    declare,
    notifications,
    orientation,
    prevention,
    rights,
    sharing,
    views,
)

app_name = "holder"

entry = "entrees/<slug:kind>/<uuid:public_id>/"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(entry, views.entry, name="entry"),
    path(f"{entry}signaler/", views.report_error, name="report_error"),
    path(f"{entry}modifier/", declare.edit, name="edit"),
    path(f"{entry}supprimer/", declare.delete, name="delete"),
    path(f"{entry}portefeuille/", credentials.wallet, name="wallet"),
    path(f"{entry}attestation/", credentials.download, name="credential_download"),
    path("attestations/<uuid:public_id>/revoquer/", credentials.revoke, name="credential_revoke"),
    path("attestations/offres/<uuid:public_id>/", credentials.offer_status, name="offer_status"),
    path("publication/", views.publication, name="publication"),
    path("declarer/", declare.choose, name="declare_choose"),
    path("declarer/competence/recherche/", declare.skill_search, name="skill_search"),
    path("declarer/<slug:form_slug>/", declare.declare, name="declare"),
    path("mes-donnees/", data.my_data, name="my_data"),
    path("mes-donnees/mon-passeport.json", data.export_json, name="export_json"),
    path("mes-donnees/mon-passeport.zip", data.export_zip, name="export_zip"),
    path("prevention/", prevention.prevention, name="prevention"),
    path(
        "prevention/declarations/<uuid:line_id>/",
        prevention.declaration_line,
        name="prevention_line",
    ),
    path("rappels/", notifications.notifications, name="notifications"),
    # CPF rights (passeport.cpf).
    path("droits/", rights.rights, name="rights"),
    path("droits/situation/", rights.situation, name="rights_situation"),
    path("droits/convertir/", rights.convert, name="rights_convert"),
    path("droits/benevolat/", rights.volunteer, name="volunteer"),
    # CVs, sealed documents and share links (documents, sharing).
    path("cv/", cv.cv_list, name="cv_list"),
    path("cv/nouveau/", cv.cv_create, name="cv_create"),
    path("cv/<uuid:public_id>/", cv.cv_detail, name="cv_detail"),
    path("cv/<uuid:public_id>/modifier/", cv.cv_edit, name="cv_edit"),
    path("cv/<uuid:public_id>/ordre/", cv.cv_move, name="cv_move"),
    path("cv/<uuid:public_id>/apercu/", cv.cv_preview, name="cv_preview"),
    path("cv/<uuid:public_id>/pdf/", cv.cv_pdf, name="cv_pdf"),
    path("cv/<uuid:public_id>/supprimer/", cv.cv_delete, name="cv_delete"),
    path("documents/<uuid:public_id>/", cv.document, name="document"),
    path("documents/<uuid:public_id>/telecharger/", cv.document_download, name="document_download"),
    path("documents/<uuid:public_id>/revoquer/", cv.document_revoke, name="document_revoke"),
    path("attestations/prevention/", cv.prevention_attestation, name="prevention_attestation"),
    path(f"{entry}attestation-pdf/", cv.entry_attestation, name="entry_attestation"),
    path("partages/", sharing.share_list, name="share_list"),
    path("partages/nouveau/", sharing.share_create, name="share_create"),
    path("partages/<uuid:public_id>/", sharing.share_detail, name="share_detail"),
    path("partages/<uuid:public_id>/revoquer/", sharing.share_revoke, name="share_revoke"),
    # Mon orientation (passeport.orientation).
    path("orientation/", orientation.home, name="orientation_home"),
    path("orientation/competences/", orientation.profile, name="orientation_profile"),
    path("orientation/emplois/<uuid:public_id>/", orientation.job, name="orientation_job"),
    path("orientation/metiers/", orientation.search, name="orientation_search"),
    path("orientation/metiers/<str:ogr>/", orientation.gap, name="orientation_gap"),
    path(
        "orientation/metiers/<str:ogr>/declarer/",
        orientation.declare_skill,
        name="orientation_declare_skill",
    ),
    path("orientation/rome/<str:code>/", orientation.gap, name="orientation_gap_rome"),
    path(
        "orientation/rome/<str:code>/declarer/",
        orientation.declare_skill,
        name="orientation_declare_skill_rome",
    ),
    path("orientation/cibles/", orientation.save_target, name="orientation_save_target"),
    path(
        "orientation/cibles/<uuid:public_id>/retirer/",
        orientation.remove_target,
        name="orientation_remove_target",
    ),
    path("orientation/comparer/", orientation.compare, name="orientation_compare"),
    path("orientation/pistes/", orientation.job_leads, name="orientation_leads"),
    path("orientation/conseillers/", counselling.grant_list, name="orientation_grants"),
    path(
        "orientation/conseillers/<uuid:public_id>/",
        counselling.grant_detail,
        name="orientation_grant",
    ),
    path(
        "orientation/conseillers/<uuid:public_id>/revoquer/",
        counselling.grant_revoke,
        name="orientation_grant_revoke",
    ),
]
