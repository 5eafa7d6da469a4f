"""Converting rights on a change of status (décret of 17 Dec 2019): public hours ↔ private
euros at 15 € an hour, at the holder's initiative, capped at the equivalent of 150 h per
conversion and by the receiving part's ceiling. Only the holder's own acquired rights
convert: funders' credits never do, and the Compte d'engagement citoyen stays in euros
(agents use it as well).

A simulation first (`simulate`, nothing written), then a confirmation (`convert`) that
simulates again under the account's lock and writes two movements, the debit and the
credit, each journaled; it is refused if the result differs from what was shown.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from passeport.journal.actors import Actor

from . import agents, ledger, rules
from .enums import MovementKind, MovementSource, Part

TO_HOURS = "euros_to_hours"
TO_EUROS = "hours_to_euros"
DIRECTIONS = {
    TO_HOURS: "Convertir des euros en heures (je deviens agent public)",
    TO_EUROS: "Convertir des heures en euros (je quitte la fonction publique)",
}


class ConversionError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Simulation:
    direction: str
    requested: int  # cents (to hours) or hundredths of an hour (to euros)
    debit: int  # what leaves the source part, same unit as requested
    credit: int  # what the other part receives
    notes: tuple[str, ...]

    @property
    def possible(self) -> bool:
        return self.debit > 0

    def text(self) -> str:
        if self.direction == TO_HOURS:
            return f"{rules.euros(self.debit)} → {rules.hours_text(self.credit)}"
        return f"{rules.hours_text(self.debit)} → {rules.euros(self.credit)}"


def simulate(account, direction: str, requested: int, current=None) -> Simulation:
    current = current or ledger.balances(account)
    if direction not in DIRECTIONS:
        raise ConversionError("Sens de conversion inconnu.")
    if requested <= 0:
        raise ConversionError("Indiquez un montant positif.")
    notes = []
    cap = rules.CONVERSION_CAP_HUNDREDTHS
    if direction == TO_HOURS:
        if not agents.is_public_agent(account.person):
            raise ConversionError(
                "La conversion en heures suit un changement de statut : aucun employeur "
                "public ne vous a encore déclaré."
            )
        low = agents.low_qualified_agent(account.person)
        ceiling = (
            rules.AGENT_FAVOURABLE_CEILING_HUNDREDTHS if low else rules.AGENT_CEILING_HUNDREDTHS
        )
        available = current.available_of(Part.RIGHTS)
        hundredths = min(requested, available) // rules.CENTS_PER_HUNDREDTH
        if requested > available:
            notes.append(f"Limité à vos droits acquis disponibles ({rules.euros(available)}).")
        if hundredths > cap:
            hundredths = cap
            notes.append("Limité à l'équivalent de 150 heures par conversion.")
        if hundredths > ceiling - current.hours:
            hundredths = max(0, ceiling - current.hours)
            notes.append(f"Limité par le plafond de {rules.hours_text(ceiling)}.")
        debit = hundredths * rules.CENTS_PER_HUNDREDTH
        if debit and debit != requested and not notes:
            notes.append("Arrondi au centième d'heure (15 centimes).")
        return Simulation(direction, requested, debit, hundredths, tuple(notes))
    hundredths = min(requested, current.hours)
    if requested > current.hours:
        notes.append(f"Limité à vos heures ({rules.hours_text(current.hours)}).")
    if hundredths > cap:
        hundredths = cap
        notes.append("Limité à l'équivalent de 150 heures par conversion.")
    favourable = account.low_qualified or account.disability
    rates = rules.rates_for(timezone.localdate().year)
    ceiling = rates.favourable_ceiling_cents if favourable else rates.ceiling_cents
    room = max(0, ceiling - current.rights)
    if hundredths * rules.CENTS_PER_HUNDREDTH > room:
        hundredths = room // rules.CENTS_PER_HUNDREDTH
        notes.append(f"Limité par le plafond de {rules.euros(ceiling)} de vos droits acquis.")
    return Simulation(
        direction, requested, hundredths, hundredths * rules.CENTS_PER_HUNDREDTH, tuple(notes)
    )


def convert(account, direction: str, requested: int, *, expected: Simulation, actor: Actor):
    """Converts what `simulate` showed (`expected`); refused if it no longer holds."""
    with transaction.atomic():

        def plan(current):
            result = simulate(account, direction, requested, current)
            if (result.debit, result.credit) != (expected.debit, expected.credit):
                raise ConversionError(
                    "Vos droits ont changé depuis la simulation : simulez de nouveau."
                )
            if not result.possible:
                raise ConversionError("Rien à convertir.")
            source, target = (
                (Part.RIGHTS, Part.HOURS) if direction == TO_HOURS else (Part.HOURS, Part.RIGHTS)
            )
            details = {
                "direction": direction,
                "rate_cents_per_hour": rules.CENTS_PER_HUNDREDTH * 100,
                "debit": result.debit,
                "credit": result.credit,
                "notes": " ".join(result.notes),
            }
            return [
                ledger.Entry(
                    kind=MovementKind.CONVERSION_OUT,
                    part=source,
                    amount=-result.debit,
                    source_kind=MovementSource.HOLDER,
                    details=details,
                    reference="Conversion",
                ),
                ledger.Entry(
                    kind=MovementKind.CONVERSION_IN,
                    part=target,
                    amount=result.credit,
                    source_kind=MovementSource.HOLDER,
                    related_seq=current.seq + 1,
                    details=details,
                    reference="Conversion",
                ),
            ]

        return ledger.post(account, plan, actor=actor)
