from django.urls import path

from . import credentials, cv, data, declare, notifications, offline, prevention, sharing, views

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
    path("qr-codes/", offline.qr_codes, name="qr_codes"),
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
]
