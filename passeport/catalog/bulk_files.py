"""Bulk actions on a provider's training files from a CSV (UTF-8, « ; », one header line):
each line is one action through the state machine, with the same rules as one click on
the portal. Refused lines are reported (line, column, reason); the others are done.

Columns: dossier;action;date;prix;debut;fin;heures;motif;taux;absences;certification
- action `valider`: prix (euros), debut, fin (jj/mm/aaaa), heures;
- `refuser` / `annuler`: motif (code, see `files.REASONS`);
- `entree`: date; `sortie`: date, motif (exit_completed, exit_abandoned, exit_force_majeure);
- `service_fait`: taux (0–100), absences (heures), certification (oui, non, vide)."""

import csv
import io
from dataclasses import dataclass, field

from django.utils import timezone

from passeport.core.digits import ascii_digits

from . import files
from .enums import FileState
from .models import TrainingFile
from .sessions_csv import _date

COLUMNS = (
    "dossier", "action", "date", "prix", "debut", "fin", "heures", "motif", "taux",
    "absences", "certification",
)  # fmt: skip
ACTIONS = ("valider", "refuser", "annuler", "entree", "sortie", "service_fait")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000


@dataclass
class Report:
    done: int = 0
    errors: list[str] = field(default_factory=list)


def _int(values, name, line) -> int:
    value = values[name]
    if not ascii_digits(value):
        raise ValueError(f"ligne {line}, colonne {name} : nombre entier attendu.")
    return int(value)


def _cents(value: str, line: int) -> int:
    whole, _, fraction = value.replace(" ", "").replace(",", ".").partition(".")
    if not ascii_digits(whole) or (fraction and (not ascii_digits(fraction) or len(fraction) > 2)):
        raise ValueError(f"ligne {line}, colonne prix : montant en euros attendu (1250,50).")
    return int(whole) * 100 + int((fraction + "00")[:2])


def _apply(file, values, line, actor, today):
    verb = values["action"]
    if verb == "valider":
        return files.validate(
            file,
            actor=actor,
            today=today,
            price_cents=_cents(values["prix"], line),
            start_date=_date(values["debut"], line, "debut"),
            end_date=_date(values["fin"], line, "fin"),
            hours=_int(values, "heures", line),
        )
    if verb in ("refuser", "annuler"):
        to_state = (
            FileState.REFUSED_BY_PROVIDER if verb == "refuser" else FileState.CANCELED_BY_PROVIDER
        )
        return files.end(file, to_state, actor=actor, reason=values["motif"])
    if verb == "entree":
        return files.declare_entry(
            file, actor=actor, entered_on=_date(values["date"], line, "date"), today=today
        )
    if verb == "sortie":
        return files.declare_exit(
            file,
            actor=actor,
            exited_on=_date(values["date"], line, "date"),
            reason=values["motif"],
            today=today,
        )
    obtained = {"oui": True, "non": False, "": None}.get(values["certification"].lower(), "?")
    if obtained == "?":
        raise ValueError(f"ligne {line}, colonne certification : oui, non ou vide.")
    return files.declare_service_done(
        file,
        actor=actor,
        completion_percent=_int(values, "taux", line),
        absence_hours=_int(values, "absences", line) if values["absences"] else 0,
        certification_obtained=obtained,
        today=today,
    )


def run(provider, data: bytes, actor) -> Report:
    report = Report()
    if len(data) > MAX_BYTES:
        report.errors.append("Fichier trop volumineux : 5 Mo au plus.")
        return report
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        report.errors.append("Le fichier n'est pas encodé en UTF-8.")
        return report
    if not lines or [c.strip().lower() for c in lines[0].split(";")] != list(COLUMNS):
        report.errors.append("ligne 1 : en-tête attendu « " + ";".join(COLUMNS) + " ».")
        return report
    if len(lines) - 1 > MAX_ROWS:
        report.errors.append(f"Trop de lignes : {MAX_ROWS} au plus par fichier.")
        return report
    today = timezone.localdate()
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        row = next(csv.reader(io.StringIO(raw[:4000]), delimiter=";"))
        if len(row) != len(COLUMNS):
            report.errors.append(f"ligne {number} : {len(COLUMNS)} colonnes attendues.")
            continue
        values = dict(zip(COLUMNS, (v.strip() for v in row), strict=True))
        if values["action"] not in ACTIONS:
            report.errors.append(f"ligne {number}, colonne action : {', '.join(ACTIONS)}.")
            continue
        file = TrainingFile.objects.filter(provider=provider, reference=values["dossier"]).first()
        if file is None:
            report.errors.append(f"ligne {number}, colonne dossier : dossier inconnu.")
            continue
        try:
            _apply(file, values, number, actor, today)
        except files.FileError as error:
            report.errors.append(f"ligne {number} : {error.message}")
        except ValueError as error:
            report.errors.append(str(error))
        else:
            report.done += 1
    return report
