"""WSGI entry point (production runs gunicorn on this, with persistent connections)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# Every view imported now: under gunicorn's --preload this happens once, in the master
# process before the workers fork, instead of in each worker's first request (3 s here:
# the PDF seal's libraries).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
