"""The HTTP baseline: a bare Django view returning a constant, no middleware, no database,
served by the same gunicorn settings as the service (`bench/web.py`). This module is its
settings, its URLconf and its WSGI application."""

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "bench-bare-app"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = __name__
MIDDLEWARE: list[str] = []
INSTALLED_APPS: list[str] = []
DATABASES: dict = {}
USE_TZ = True


def constant(request):
    return HttpResponse(b'{"status": "ok"}', content_type="application/json")


urlpatterns = [path("healthz", constant)]

application = get_wsgi_application()
