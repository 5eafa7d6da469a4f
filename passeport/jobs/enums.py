from django.db import models


class TaskStatus(models.TextChoices):
    RUNNING = "running", "En cours"
    DONE = "done", "Terminée"
    RETRYING = "retrying", "En échec, nouvel essai prévu"
    FAILED = "failed", "En échec"
    INTERRUPTED = "interrupted", "Interrompue"
    SKIPPED = "skipped", "Non exécutée"
