from django.db import models


class ReferentialLoad(models.Model):
    """The last load of each source, so that `load_referentials --if-needed` can skip a
    source whose files did not change (same names, sizes and modification times)."""

    name = models.CharField("source", max_length=20, unique=True)
    fingerprint = models.CharField("empreinte des fichiers", max_length=64)
    loaded_at = models.DateTimeField("chargé le")
    rows = models.PositiveIntegerField("lignes chargées")
    seconds = models.FloatField("durée (secondes)", default=0)
    details = models.JSONField("lignes par table", default=dict, blank=True)
    source_dir = models.CharField("dossier source", max_length=500, blank=True)

    class Meta:
        verbose_name = "chargement de référentiel"
        verbose_name_plural = "chargements de référentiels"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.loaded_at:%d/%m/%Y %H:%M})"
