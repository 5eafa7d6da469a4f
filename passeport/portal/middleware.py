"""The content security policy of Wagtail's admin (operators only, behind login).

Wagtail's admin still renders a few inline scripts with per-field data (date and time
choosers, inline panels) and inline style attributes: no hash can cover them. Only its own
pages get 'unsafe-inline' for scripts and styles; everything stays self-hosted, and the
public site keeps the strict policy."""

from functools import cached_property

from django.urls import reverse

ADMIN_CSP_UPDATE = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}


class WagtailAdminCSPMiddleware:
    """Listed after django-csp's middleware, so that it marks the response first."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def prefix(self) -> str:
        return reverse("wagtailadmin_home")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.prefix):
            response._csp_update = ADMIN_CSP_UPDATE
        return response
