"""The CPF account and its append-only ledger.

Every movement carries its signed change (`amount` on one `part`, `reserved_change`) and
the account's running balances after it (`*_after`): the balance is the last movement's,
each running balance is the sum of the changes before it (`ledger.verify_account` checks
it), and database constraints refuse a negative balance or more reserved than held. The
ledger is written only by `passeport.cpf.ledger`, which locks the account row
(`SELECT … FOR UPDATE`) before reading the last movement, and numbers movements per
account (`seq`, unique): two writers that read the same last movement cannot both append.
"""

import uuid

from django.db import models
from django.db.models import F, Q

from ..enums import MovementKind, MovementSource, Part

# The running balances each movement carries, in this order.
BALANCE_FIELDS = (
    "rights_after",
    "rights_reserved_after",
    "cec_after",
    "cec_reserved_after",
    "funder_after",
    "funder_reserved_after",
    "hours_after",
)


class LedgerImmutableError(Exception):
    pass


class CpfAccount(models.Model):
    """One per person. Opened when the holder activates their CPF account, or when rights
    are first credited (the law credits rights whether or not the holder has logged in)."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.OneToOneField(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("ouvert le")
    # The holder's own declarations, as the real service asks them (see rules.acquisition).
    low_qualified = models.BooleanField(
        "se déclare sans qualification de niveau 3 (CAP, BEP)", default=False
    )
    low_qualified_declared_at = models.DateTimeField("déclaré le", null=True, blank=True)
    disability = models.BooleanField(
        "se déclare bénéficiaire de l'obligation d'emploi (travailleur handicapé)", default=False
    )
    disability_declared_at = models.DateTimeField("déclaré le", null=True, blank=True)

    class Meta:
        verbose_name = "compte CPF"
        verbose_name_plural = "comptes CPF"

    def __str__(self):
        return f"Compte CPF {self.public_id}"


class MovementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutableError("Un mouvement du compte ne se modifie pas.")

    def delete(self):
        raise LedgerImmutableError("Un mouvement du compte ne se supprime pas.")

    def bulk_update(self, *args, **kwargs):
        raise LedgerImmutableError("Un mouvement du compte ne se modifie pas.")


def _not_negative(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 0}),
        name=f"movement_{name}_not_negative",
        violation_error_message="Un solde du compte ne peut pas devenir négatif.",
    )


def _reserved_within(part: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{part}_reserved_after__lte": F(f"{part}_after")}),
        name=f"movement_{part}_reserved_within_balance",
        violation_error_message="On ne réserve pas plus que le solde.",
    )


class Movement(models.Model):
    # No index of its own on account: the unique (account, seq) starts with it.
    account = models.ForeignKey(
        CpfAccount,
        verbose_name="compte",
        on_delete=models.PROTECT,
        related_name="movements",
        db_index=False,
    )
    seq = models.PositiveIntegerField("rang dans le compte")
    kind = models.CharField("nature", max_length=20, choices=MovementKind.choices)
    part = models.CharField("compartiment", max_length=10, choices=Part.choices)
    # Cents for the euro parts, hundredths of an hour for hours; signed.
    amount = models.BigIntegerField("montant")
    reserved_change = models.BigIntegerField("variation du montant réservé", default=0)
    rights_after = models.BigIntegerField("droits acquis après (centimes)")
    rights_reserved_after = models.BigIntegerField("dont réservés")
    cec_after = models.BigIntegerField("engagement citoyen après (centimes)")
    cec_reserved_after = models.BigIntegerField("dont réservés")
    funder_after = models.BigIntegerField("abondements après (centimes)")
    funder_reserved_after = models.BigIntegerField("dont réservés")
    hours_after = models.BigIntegerField("heures après (centièmes)")
    year = models.PositiveSmallIntegerField("année concernée", null=True, blank=True)
    activity = models.CharField("activité citoyenne", max_length=30, blank=True)
    occurred_on = models.DateField("date de valeur")
    source_kind = models.CharField("source", max_length=20, choices=MovementSource.choices)
    declarant = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="déclarant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    reference = models.CharField(
        "référence", max_length=100, blank=True, help_text="Dossier de formation, déclaration…"
    )
    # A release or debit names its reservation, an adjustment the year's acquisition, a
    # conversion's credit its debit. Its (account, seq), not a foreign key: rows are
    # written in bulk without knowing each other's keys.
    related_seq = models.PositiveIntegerField("mouvement lié (rang)", null=True, blank=True)
    details = models.JSONField("éléments de calcul", default=dict, blank=True)
    reason = models.CharField("motif", max_length=255, blank=True)
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = "mouvement du compte CPF"
        verbose_name_plural = "mouvements des comptes CPF"
        ordering = ["account", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "seq"],
                name="movement_unique_seq",
                violation_error_message="Ce rang existe déjà dans ce compte.",
            ),
            # Idempotency in the database: one acquisition per account and year (a rerun
            # or a correction writes adjustments), one CEC credit per activity and year,
            # one public agent credit per year.
            models.UniqueConstraint(
                fields=["account", "year"],
                condition=Q(kind=MovementKind.ACQUISITION),
                name="movement_one_acquisition_per_year",
                violation_error_message="Les droits de cette année sont déjà acquis.",
            ),
            models.UniqueConstraint(
                fields=["account", "year"],
                condition=Q(kind=MovementKind.AGENT_CREDIT),
                name="movement_one_agent_credit_per_year",
                violation_error_message="Les heures de cette année sont déjà créditées.",
            ),
            models.UniqueConstraint(
                fields=["account", "year", "activity"],
                condition=Q(kind=MovementKind.CEC_CREDIT),
                name="movement_one_cec_credit_per_activity_year",
                violation_error_message="Cette activité de cette année est déjà créditée.",
            ),
            *[_not_negative(name) for name in BALANCE_FIELDS],
            *[_reserved_within(part) for part in ("rights", "cec", "funder")],
            models.CheckConstraint(
                condition=Q(seq__gte=1),
                name="movement_seq_positive",
                violation_error_message="Le rang commence à 1.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.amount}) — {self.account_id}#{self.seq}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutableError("Un mouvement du compte ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutableError("Un mouvement du compte ne se supprime pas.")

    def balance_of(self, part: str) -> int:
        return getattr(self, f"{part}_after")
