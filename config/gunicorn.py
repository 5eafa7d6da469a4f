"""Gunicorn settings for the Procfile's `web`, read from the environment.

WSGI with persistent database connections (measured on these machines: ASGI served 4–6×
fewer requests, a new connection per request 12× fewer). The application is loaded once
before the workers fork (`preload_app`), except when reloading on code changes
(`make dev`: GUNICORN_RELOAD).
"""

import os

bind = os.environ.get("GUNICORN_BIND") or (
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads let a worker answer while another request of its waits on the network (the
# development identity provider is called back by the same server).
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
reload = os.environ.get("GUNICORN_RELOAD", "").lower() in {"1", "true", "yes", "on"}
preload_app = not reload
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Behind a reverse proxy on another machine, name it (it sets X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Gunicorn's control socket is one path per user: two servers on a machine (a benchmark
# beside `make run`) would fight over it. Processes are managed by signals instead.
control_socket_disable = True
