"""The portal under /portail/: its search, then Wagtail's serving of its pages (the
route must be named `wagtail_serve`: Wagtail reverses it for every page address)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from wagtail import views as wagtail_views
from wagtail.coreutils import WAGTAIL_APPEND_SLASH

from . import views

app_name = "portal"

urlpatterns = [path("recherche/", views.search, name="search")]

SERVE_PATTERN = r"^((?:[\w\-]+/)*)$" if WAGTAIL_APPEND_SLASH else r"^([\w\-/]*)$"

# Not namespaced: Wagtail reverses these names.
serving = [
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        login_not_required(wagtail_views.authenticate_with_password),
        name="wagtailcore_authenticate_with_password",
    ),
    re_path(SERVE_PATTERN, views.serve, name="wagtail_serve"),
]
