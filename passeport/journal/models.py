"""The append-only, hash-chained journal.

Each entry's hash covers its content and the previous entry's hash, so that editing,
deleting or reordering any entry breaks the chain from that point on. The ORM refuses
updates and deletes; on PostgreSQL a trigger refuses them too (migration 0002).
"""

from django.db import models

from .actors import ActorKind


class JournalImmutableError(Exception):
    pass


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalImmutableError("Le journal n'accepte aucune modification.")

    def delete(self):
        raise JournalImmutableError("Le journal n'accepte aucune suppression.")

    def bulk_update(self, *args, **kwargs):
        raise JournalImmutableError("Le journal n'accepte aucune modification.")


class JournalEntry(models.Model):
    seq = models.BigIntegerField("rang", unique=True)
    occurred_at = models.DateTimeField("date")
    actor_kind = models.CharField("type d'acteur", max_length=20, choices=ActorKind.choices)
    actor_id = models.CharField("acteur", max_length=100)
    actor_label = models.CharField("libellé de l'acteur", max_length=255)
    action = models.CharField("action", max_length=60)
    object_type = models.CharField("type d'objet", max_length=60, blank=True)
    object_id = models.CharField("objet", max_length=100, blank=True)
    # Whose personal data this entry is about (a Person pk, not a foreign key: the
    # journal outlives what it speaks of and must never cascade).
    person_id = models.BigIntegerField("personne concernée", null=True, blank=True)
    payload = models.JSONField("contenu", default=dict)
    payload_digest = models.CharField("empreinte du contenu", max_length=64)
    previous_hash = models.CharField("empreinte précédente", max_length=64)
    # Not indexed: nothing looks an entry up by its hash, and a unique index adds nothing
    # to the chain (`seq` is unique; `verification` recomputes every hash). An index of
    # random 64-character keys was the costliest write of a bulk import's journal.
    hash = models.CharField("empreinte", max_length=64)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "entrées du journal"
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["person_id", "seq"], name="journal_person_seq"),
            models.Index(fields=["object_type", "object_id"], name="journal_object"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalImmutableError("Le journal n'accepte aucune modification.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmutableError("Le journal n'accepte aucune suppression.")


class JournalHead(models.Model):
    """The chain's last link, locked while appending so that writers queue up."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "tête du journal"

    def __str__(self):
        return f"#{self.seq} {self.hash}"
