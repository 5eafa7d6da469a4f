"""Read replicas for the heavy reads that tolerate a little lag (the employer board, the
referential searches): a view wraps them in `replica_reads()`, and the router sends their
queries to a replica of `settings.DATABASE_REPLICAS` (none: the primary). Everything else,
writes and locking reads included, stays on the primary, so a person always reads what
they just wrote."""

import contextlib
import contextvars
import random

from django.conf import settings

_reading = contextvars.ContextVar("replica_reads", default=None)


@contextlib.contextmanager
def replica_reads():
    """Reads inside go to one replica (the same for the whole block), if any."""
    replicas = settings.DATABASE_REPLICAS
    token = _reading.set(random.choice(replicas) if replicas else None)
    try:
        yield
    finally:
        _reading.reset(token)


def read_alias() -> str:
    """The alias raw SQL should read from here (`connections[read_alias()]`)."""
    return _reading.get() or "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return _reading.get()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
