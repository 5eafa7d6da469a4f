"""WSGI entry point (production runs gunicorn on this, with persistent connections)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# The embedded default (`make run`) runs its periodic jobs in this process; production
# leaves INPROCESS_TASKS off and runs the same commands from cron.
from passeport.core import tasks  # noqa: E402 (needs the settings configured above)

tasks.start()
