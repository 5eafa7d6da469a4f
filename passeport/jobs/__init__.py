"""Background work on the Huey queue: what every domain's `tasks.py` builds on.

Tasks are enqueued when the transaction commits and run by worker processes
(`manage.py run_huey`, the Procfile's `worker`), never by a web process. The queue is
Redis in production (`HUEY_REDIS_URL`) and a SQLite file in `var/` in the embedded
default: one code path for both. Tests run tasks synchronously (Huey's immediate mode).

The claim and heartbeat records of long work (`core.claims`) stay the source of truth for
resuming it: Huey does not deliver again a task whose worker died, the periodic resumes do.
"""
