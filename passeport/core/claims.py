"""One run at a time for background work that a restart may cut short (prevention
imports, accrochage files, PDF rendering), and taking it up again afterwards.

The model has `status`, `worker` (a UUID, null) and `heartbeat_at` (null). A run claims
the object with a new token: an UPDATE that succeeds only if the object is pending and
no run gave a sign of life for `stale_after()`. Each unit of work saves its progress
through `Claims.save`, in its own transaction, only where `worker` is still the run's
token: a run that another has taken over raises `TakenOver` and commits nothing more. A
killed process raises nothing; its object becomes stale and is taken up again.
"""

import dataclasses
import datetime
import logging
import uuid
from collections.abc import Callable

from django.db import models
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


class TakenOver(Exception):
    """Another run has claimed the object: this one stops, its current unit undone."""


@dataclasses.dataclass(frozen=True)
class Claims:
    model: type[models.Model]
    pending: tuple[str, ...]  # statuses a run may (still) work on
    running: str  # the status a claimed object takes
    since: str  # when a never-claimed object was created (`created_at`…)
    stale_after: Callable[[], datetime.timedelta]
    label: str  # for the log: "Import de prévention"…

    def claim(self, obj, **values) -> uuid.UUID | None:
        """This run's token, or None if another run holds `obj`; `values` are saved
        with the claim."""
        now = timezone.now()
        token = uuid.uuid4()
        claimed = (
            self.model.objects.filter(pk=obj.pk, status__in=self.pending)
            .filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - self.stale_after()))
            .update(worker=token, heartbeat_at=now, status=self.running, **values)
        )
        return token if claimed else None

    def save(self, obj, token, **values) -> None:
        """Saves `values` and a sign of life if this run still holds `obj`; else raises
        `TakenOver` (inside a transaction: the unit of work is undone)."""
        values.setdefault("heartbeat_at", timezone.now())
        if not self.model.objects.filter(pk=obj.pk, worker=token).update(**values):
            raise TakenOver

    def run(
        self,
        obj,
        work: Callable[[uuid.UUID], object],
        *,
        failed: Callable[[], dict],
        **on_claim,
    ):
        """`work(token)` if this run can claim `obj`, else `obj` as stored. A run taken
        over returns `obj` as stored; an error saves `failed()` (if this run still holds
        `obj`) and is raised again."""
        if obj.status not in self.pending:
            return obj
        token = self.claim(obj, **on_claim)
        obj.refresh_from_db()
        if token is None:
            return obj
        try:
            return work(token)
        except TakenOver:
            logger.warning("%s %s : repris par un autre traitement", self.label, obj.pk)
            obj.refresh_from_db()
            return obj
        except Exception:
            self.model.objects.filter(pk=obj.pk, worker=token).update(worker=None, **failed())
            raise

    def is_stale(self, obj, now: datetime.datetime | None = None) -> bool:
        """Pending, and no run has given a sign of life for `stale_after()`."""
        if obj.status not in self.pending:
            return False
        last = obj.heartbeat_at or getattr(obj, self.since)
        return last < (now or timezone.now()) - self.stale_after()

    def stale(self, now: datetime.datetime | None = None) -> models.QuerySet:
        threshold = (now or timezone.now()) - self.stale_after()
        return self.model.objects.filter(status__in=self.pending).filter(
            Q(heartbeat_at__lt=threshold)
            | Q(heartbeat_at__isnull=True, **{f"{self.since}__lt": threshold})
        )
