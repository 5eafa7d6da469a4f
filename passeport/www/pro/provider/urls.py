"""The providers' portal, included in the `pro` namespace (one line in pro/urls.py)."""

from django.urls import path

from . import board, files, imports, invoices, offers

ORG = "organisations/<uuid:public_id>/catalogue"

urlpatterns = [
    path(f"{ORG}/", offers.offer_list, name="catalog_offers"),
    path(f"{ORG}/formations/nouvelle/", offers.training_edit, name="catalog_training_new"),
    path(f"{ORG}/formations/<uuid:training_id>/", offers.training_detail, name="catalog_training"),
    path(
        f"{ORG}/formations/<uuid:training_id>/modifier/",
        offers.training_edit,
        name="catalog_training_edit",
    ),
    path(f"{ORG}/importer/", imports.upload, name="catalog_upload"),
    path(f"{ORG}/export-lheo.xml", imports.export, name="catalog_export"),
    path(f"{ORG}/tableau-de-bord/", board.board, name="catalog_board"),
    path(f"{ORG}/dossiers/", files.file_list, name="catalog_files"),
    path(f"{ORG}/dossiers/facturer/", invoices.invoice_files, name="catalog_invoice_files"),
    path(f"{ORG}/factures/", invoices.invoice_list, name="catalog_invoices"),
    path(
        f"{ORG}/factures/<uuid:invoice_id>.pdf",
        invoices.invoice_download,
        name="catalog_invoice_pdf",
    ),
    path(f"{ORG}/dossiers/<uuid:file_id>/", files.file_detail, name="catalog_file"),
    path(f"{ORG}/dossiers/<uuid:file_id>/<str:verb>/", files.file_act, name="catalog_file_act"),
]
