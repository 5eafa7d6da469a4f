"""Bank statements (CSV « date;libelle;montant ») confirm the funders' transfers: a line
whose label is an order's transfer reference and whose amount is the order's total
credits that order (`orders.confirm_payment`, idempotent). Every other line is named."""

import re
from dataclasses import dataclass, field

from passeport.cpf.rules import euros
from passeport.journal.actors import Actor
from passeport.prevention.import_limits import Refused

from . import order_files
from .enums import OrderStatus
from .models import CreditOrder
from .orders import TRANSFER_REFERENCE, confirm_payment

AMOUNT = re.compile(r"^([0-9]{1,12})(?:[,.]([0-9]{2}))?$", re.ASCII)
REFERENCE_IN_LABEL = re.compile(TRANSFER_REFERENCE.pattern[1:-1], re.ASCII)


@dataclass
class StatementReport:
    confirmed: list[str] = field(default_factory=list)  # order external ids
    problems: list[str] = field(default_factory=list)


def parse_cents(text: str) -> int | None:
    found = AMOUNT.match(text.replace(" ", "").replace("\u00a0", ""))
    if not found:
        return None
    return int(found.group(1)) * 100 + int(found.group(2) or 0)


def import_statement(raw: bytes, filename: str, *, actor: Actor) -> StatementReport:
    report = StatementReport()
    for number, values in order_files.rows(raw, filename, order_files.STATEMENT_COLUMNS):
        if isinstance(values, Refused):
            report.problems.append(f"Ligne {number} : {values.reason}")
            continue
        values = [str(v if v is not None else "").strip() for v in values] + ["", "", ""]
        label, amount_text = values[1].upper(), values[2]
        reference = REFERENCE_IN_LABEL.search(label)
        if reference is None:
            report.problems.append(
                f"Ligne {number}, libelle : aucun libellé CPF-SIREN-CVCV-JJMMAA."
            )
            continue
        cents = parse_cents(amount_text)
        if cents is None:
            report.problems.append(f"Ligne {number}, montant : « {amount_text[:20]} » illisible.")
            continue
        orders = list(
            CreditOrder.objects.filter(transfer_reference=reference.group(0)).order_by("pk")
        )
        waiting = [o for o in orders if o.status == OrderStatus.AWAITING_PAYMENT]
        if not orders:
            report.problems.append(f"Ligne {number} : aucune commande pour ce libellé.")
        elif not waiting:
            report.problems.append(f"Ligne {number} : commande déjà créditée ou annulée.")
        elif len(waiting) > 1:
            report.problems.append(
                f"Ligne {number} : plusieurs commandes attendent ce virement ; "
                "confirmez-les une à une."
            )
        elif waiting[0].total_cents != cents:
            report.problems.append(
                f"Ligne {number}, montant : {euros(cents)} reçus, "
                f"{euros(waiting[0].total_cents)} attendus."
            )
        else:
            confirm_payment(waiting[0], actor=actor, note=f"Relevé bancaire, ligne {number}.")
            report.confirmed.append(waiting[0].external_id)
    return report
