from django.urls import include, path

from . import counselling, cpf, views
from .followup import board as followup_board
from .followup import people as followup_people
from .prevention import corrections, declarations, declare, imports, reviews

app_name = "pro"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("", include("passeport.www.pro.funder.urls")),  # funders (passeport.funding)
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
    # CPF rights (passeport.cpf): civic-engagement bodies and public employers.
    path("organisations/<uuid:public_id>/engagement/", cpf.cec_home, name="cec_home"),
    path(
        "organisations/<uuid:public_id>/engagement/<uuid:declaration_id>/decision/",
        cpf.cec_decide,
        name="cec_decide",
    ),
    path(
        "organisations/<uuid:public_id>/engagement/modele.csv",
        cpf.cec_template,
        name="cec_template",
    ),
    path("organisations/<uuid:public_id>/agents/", cpf.agents_home, name="agents_home"),
    path(
        "organisations/<uuid:public_id>/agents/modele.csv",
        cpf.agents_template,
        name="agents_template",
    ),
    # Follow-up of the employees' prevention trainings (passeport.followup).
    path(
        "organisations/<uuid:public_id>/prevention/suivi/",
        followup_board.board,
        name="followup_board",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/suivi/export.<str:fmt>",
        followup_board.export,
        name="followup_export",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/suivi/salaries/<uuid:person_id>/",
        followup_people.employee,
        name="followup_employee",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/suivi/liste/",
        followup_people.roster,
        name="followup_roster",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/suivi/postes/",
        followup_people.posts,
        name="followup_posts",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/suivi/rappels-lus/",
        followup_people.mark_read,
        name="followup_mark_read",
    ),
    # Declaring prevention trainings (passeport.prevention): form, file import.
    path(
        "organisations/<uuid:public_id>/prevention/declarations/",
        declare.home,
        name="prevention_home",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/declarations/formulaire/",
        declare.declare,
        name="prevention_declare",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/declarations/verifier-stagiaire/",
        declare.check_trainee,
        name="prevention_check_trainee",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/declarations/importer/",
        imports.upload,
        name="prevention_upload",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/declarations/modele-<str:kind>.<str:fmt>",
        imports.template,
        name="prevention_template",
    ),
    path(
        "prevention/imports/<uuid:import_id>/",
        imports.import_detail,
        name="prevention_import",
    ),
    path(
        "prevention/imports/<uuid:import_id>/rapport.<str:fmt>",
        imports.import_report,
        name="prevention_import_report",
    ),
    path(
        "prevention/imports/<uuid:import_id>/lignes-rejetees.csv",
        imports.import_corrected,
        name="prevention_import_corrected",
    ),
    # The life of prevention declarations (passeport.prevention.lifecycle): the declarant's
    # list, corrections, cancellations; the employer's verification and reprise.
    path(
        "organisations/<uuid:public_id>/prevention/declarations/liste/",
        declarations.declarations,
        name="prevention_declarations",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/declarations/<uuid:declaration_id>/",
        declarations.declaration,
        name="prevention_declaration",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/declarations/<uuid:declaration_id>/corriger/",
        corrections.declaration_correct,
        name="prevention_declaration_correct",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/declarations/<uuid:declaration_id>/annuler/",
        corrections.declaration_cancel,
        name="prevention_declaration_cancel",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/lignes/<uuid:line_id>/corriger/",
        corrections.line_correct,
        name="prevention_line_correct",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/lignes/<uuid:line_id>/annuler/",
        corrections.line_cancel,
        name="prevention_line_cancel",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/a-verifier/",
        reviews.reviews,
        name="prevention_reviews",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/a-verifier/<uuid:line_id>/",
        reviews.review,
        name="prevention_review",
    ),
    path(
        "organisations/<uuid:public_id>/prevention/reprise/",
        reviews.reprise,
        name="prevention_reprise",
    ),
    # Counselling organisations: the holders who granted access (passeport.orientation).
    path(
        "organisations/<uuid:public_id>/accompagnement/",
        counselling.grant_list,
        name="counselling_list",
    ),
    path(
        "organisations/<uuid:public_id>/accompagnement/<uuid:grant_id>/",
        counselling.grant_detail,
        name="counselling_grant",
    ),
    path(
        "organisations/<uuid:public_id>/accompagnement/<uuid:grant_id>/metiers/<str:code>/",
        counselling.grant_gap,
        name="counselling_gap",
    ),
    path(
        "organisations/<uuid:public_id>/accompagnement/<uuid:grant_id>/plan/",
        counselling.step_add,
        name="counselling_step_add",
    ),
    path(
        "organisations/<uuid:public_id>/accompagnement/<uuid:grant_id>/plan/<uuid:step_id>/",
        counselling.step_update,
        name="counselling_step_update",
    ),
    # Training providers (passeport.catalog): the offer and the training files (EDOF).
    path("", include("passeport.www.pro.provider.urls")),
]
