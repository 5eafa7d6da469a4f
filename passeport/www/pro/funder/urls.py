"""The funder's space, included in the professional URLs (namespace « pro »)."""

from django.urls import path

from . import board, orders, rules

BASE = "organisations/<uuid:public_id>/financeur/"

urlpatterns = [
    path(BASE, orders.home, name="funder_home"),
    path(f"{BASE}convention/", orders.convention_request, name="funder_convention"),
    path(f"{BASE}commandes/nouvelle/", orders.order_new, name="funder_order_new"),
    path(f"{BASE}commandes/modele.csv", orders.order_template, name="funder_order_template"),
    path(
        f"{BASE}commandes/rejets/<str:token>.csv",
        orders.order_corrected,
        name="funder_order_corrected",
    ),
    path(f"{BASE}commandes/<uuid:order_id>/", orders.order_detail, name="funder_order"),
    path(f"{BASE}enveloppes/nouvelle/", rules.envelope_new, name="funder_envelope_new"),
    path(f"{BASE}regles/nouvelle/", rules.rule_edit, name="funder_rule_new"),
    path(f"{BASE}regles/<uuid:rule_id>/", rules.rule_detail, name="funder_rule"),
    path(f"{BASE}regles/<uuid:rule_id>/modifier/", rules.rule_edit, name="funder_rule_edit"),
    path(f"{BASE}regles/<uuid:rule_id>/etat/", rules.rule_move, name="funder_rule_move"),
    path(f"{BASE}tableau-de-bord/", board.board, name="funder_board"),
    path(f"{BASE}tableau-de-bord/export.<str:fmt>", board.board_export, name="funder_export"),
]
