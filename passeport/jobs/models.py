"""What the workers did: one row per task execution (a task retried by Huey keeps its row
and counts its attempts), written by the workers through Huey's signals
(`recording.py`). The queue itself (Redis or SQLite) holds what waits."""

from django.db import models

from .enums import TaskStatus


class TaskRun(models.Model):
    task_id = models.CharField("identifiant", max_length=64, unique=True)
    name = models.CharField("tâche", max_length=200, db_index=True)
    # Identifiers only (primary keys, command names): never personal data.
    args = models.JSONField("arguments", default=list, blank=True)
    kwargs = models.JSONField("arguments nommés", default=dict, blank=True)
    status = models.CharField("état", max_length=16, choices=TaskStatus)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    worker = models.CharField("processus", max_length=200, blank=True)
    started_at = models.DateTimeField("début", null=True, blank=True)
    finished_at = models.DateTimeField("fin", null=True, blank=True)
    error = models.TextField("erreur", blank=True)
    retried_as = models.CharField(
        "relancée sous l'identifiant", max_length=64, blank=True, help_text="relance manuelle"
    )

    class Meta:
        verbose_name = "exécution de tâche"
        verbose_name_plural = "exécutions de tâches"
        indexes = [models.Index(fields=["status", "started_at"])]

    def __str__(self):
        return f"{self.label} ({self.get_status_display().lower()})"

    @property
    def label(self) -> str:
        """The task's function name, without its module."""
        return self.name.rsplit(".", 1)[-1]

    @property
    def can_retry(self) -> bool:
        return self.status in {TaskStatus.FAILED, TaskStatus.INTERRUPTED} and not self.retried_as
