"""What a DSN deposit's report says: per declaration its outcome (integrated, rejected,
ignored, interrupted by an internal error; periods and hours created, updated,
unchanged; individuals rejected with the line, the masked NIR, the reason and the
control), and per file the totals. Never a NIR in clear."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from passeport.people.nir import format_nir

from . import dictionary as dsn_dictionary
from .declaration import Declaration, Individual
from .models import DsnDeposit
from .reader import DsnReader


@dataclass
class DeclarationOutcome:
    declaration: Declaration
    status: str = "intégrée"  # intégrée / rejetée / ignorée / interrompue
    reason: str = ""
    individuals: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    hours_created: int = 0
    hours_updated: int = 0
    hours_unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)
    written: bool = False  # its rows are committed (an "intégrée" one not yet is pending)

    def as_dict(self) -> dict:
        declaration = self.declaration
        kept = self.status == "intégrée"
        return {
            "numero": declaration.index,
            "ligne": declaration.line,
            "norme": declaration.norm_version,
            "nature": declaration.nature,
            "mois": declaration.month.isoformat()[:7] if declaration.month else "",
            "siret": declaration.siret,
            "statut": self.status,
            "motif": self.reason,
            "individus": self.individuals,
            "periodes": {
                "creees": self.created,
                "mises_a_jour": self.updated,
                "inchangees": self.unchanged,
            },
            "heures": {
                "creees": self.hours_created,
                "mises_a_jour": self.hours_updated,
                "inchangees": self.hours_unchanged,
            },
            "individus_rejetes": self.rejected if kept else [],
            "anomalies": [v.as_dict() for v in declaration.violations],
            "anomalies_total": declaration.violation_count,
        }


@dataclass
class FileResult:
    deposit: DsnDeposit
    outcomes: list[DeclarationOutcome]
    report: dict


def reset_outcome(outcome: DeclarationOutcome) -> None:
    outcome.created = outcome.updated = outcome.unchanged = 0
    outcome.hours_created = outcome.hours_updated = outcome.hours_unchanged = 0
    outcome.rejected = []


INTERRUPTED = (
    "Traitement interrompu par une erreur interne : rien de cette déclaration n'a été "
    "conservé. Renvoyez le fichier : ce qui a été intégré ne le sera pas deux fois."
)


def interrupt(outcome: DeclarationOutcome) -> None:
    """An outcome whose rows were not committed when the processing failed."""
    reset_outcome(outcome)
    outcome.status = "interrompue"
    outcome.reason = INTERRUPTED


def reject(outcome: DeclarationOutcome) -> None:
    reset_outcome(outcome)
    outcome.status = "rejetée"
    outcome.reason = (
        f"Déclaration rejetée ({outcome.declaration.violation_count} anomalie(s)) : "
        "rien n'en a été conservé."
    )


def rejection(individual: Individual, code: str, message: str, control: str = "") -> dict:
    return {
        "ligne": individual.line,
        "nir": format_nir(individual.nir) if individual.nir else "",
        "code": code,
        "motif": message,
        "controle": control,
    }


def declaration_label(declaration: Declaration) -> str:
    norm = dsn_dictionary.load().norm(declaration.norm_version)
    if norm and declaration.nature in norm.nature_labels:
        return norm.nature_labels[declaration.nature]
    return "nature inconnue"


def build_report(deposit, reader: DsnReader, outcomes: Iterable[DeclarationOutcome], previous):
    outcomes = list(outcomes)
    kept = [o for o in outcomes if o.status == "intégrée"]
    reasons = Counter()
    for outcome in kept:
        for rejected in outcome.rejected:
            reasons[rejected["code"]] += 1
    return {
        "fichier": deposit.file_name,
        "sha256": deposit.sha256,
        "recu_le": deposit.received_at.isoformat(),
        "deja_recu_le": previous.received_at.isoformat() if previous else None,
        "encodage": reader.encoding,
        "enveloppe": reader.has_envelope,
        "lignes": reader.lines,
        "anomalies_fichier": [v.as_dict() for v in reader.file_violations],
        "declarations": [o.as_dict() for o in outcomes],
        "totaux": {
            "declarations": len(outcomes),
            "declarations_integrees": len(kept),
            "declarations_rejetees": sum(o.status == "rejetée" for o in outcomes),
            "declarations_ignorees": sum(o.status == "ignorée" for o in outcomes),
            "declarations_interrompues": sum(o.status == "interrompue" for o in outcomes),
            "individus": sum(o.individuals for o in outcomes),
            "individus_rattaches": sum(o.individuals - len(o.rejected) for o in kept),
            "individus_rejetes": sum(len(o.rejected) for o in kept),
            "periodes_creees": sum(o.created for o in kept),
            "periodes_mises_a_jour": sum(o.updated for o in kept),
            "periodes_inchangees": sum(o.unchanged for o in kept),
            "heures_creees": sum(o.hours_created for o in kept),
            "heures_mises_a_jour": sum(o.hours_updated for o in kept),
            "heures_inchangees": sum(o.hours_unchanged for o in kept),
        },
        "rejets_par_motif": dict(sorted(reasons.items())),
    }
