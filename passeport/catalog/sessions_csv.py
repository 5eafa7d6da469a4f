"""CSV import of sessions for actions already in the catalogue (a provider's calendar):
UTF-8, separator « ; », one header line, columns COLUMNS, dates jj/mm/aaaa. Bounded in
size and line length; each refused line is reported (line, column, reason) and the
accepted lines are kept; idempotent by the session's identifier."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction

from passeport.core.digits import ascii_digits

from . import offers
from .enums import EnrolmentStatus
from .models import Action

COLUMNS = ("formation", "action", "session", "debut", "fin", "etat", "places")
ENROLMENT = {
    "ouvert": EnrolmentStatus.OPEN,
    "ferme": EnrolmentStatus.CLOSED,
    "fermé": EnrolmentStatus.CLOSED,
    "suspendu": EnrolmentStatus.SUSPENDED,
}
MAX_BYTES = 5 * 1024 * 1024
MAX_LINE = 2000
MAX_ROWS = 20_000


@dataclass
class Report:
    accepted: int = 0
    errors: list[str] = field(default_factory=list)


def _date(value: str, line: int, column: str) -> datetime.date:
    parts = value.strip().split("/")
    if len(parts) != 3 or not all(ascii_digits(p) for p in parts):
        raise ValueError(f"ligne {line}, colonne {column} : date jj/mm/aaaa attendue.")
    try:
        return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError as error:
        raise ValueError(f"ligne {line}, colonne {column} : date inexistante.") from error


def import_sessions(provider, data: bytes) -> Report:
    report = Report()
    if len(data) > MAX_BYTES:
        report.errors.append("Fichier trop volumineux : 5 Mo au plus.")
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append("Le fichier n'est pas encodé en UTF-8.")
        return report
    lines = text.splitlines()
    if not lines or [c.strip().lower() for c in lines[0].split(";")] != list(COLUMNS):
        report.errors.append("ligne 1 : en-tête attendu « " + ";".join(COLUMNS) + " ».")
        return report
    if len(lines) - 1 > MAX_ROWS:
        report.errors.append(f"Trop de lignes : {MAX_ROWS} sessions au plus par fichier.")
        return report
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE:
            report.errors.append(f"ligne {number} : ligne trop longue.")
            continue
        row = next(csv.reader(io.StringIO(raw), delimiter=";"))
        if len(row) != len(COLUMNS):
            report.errors.append(
                f"ligne {number} : {len(COLUMNS)} colonnes attendues, {len(row)} trouvées."
            )
            continue
        values = dict(zip(COLUMNS, (v.strip() for v in row), strict=True))
        try:
            action = Action.objects.filter(
                training__provider=provider,
                training__provider_ref=values["formation"],
                provider_ref=values["action"],
            ).first()
            if action is None:
                raise ValueError(
                    f"ligne {number}, colonne action : action « {values['action']} » "
                    f"de la formation « {values['formation']} » inconnue."
                )
            if not values["session"]:
                raise ValueError(f"ligne {number}, colonne session : identifiant obligatoire.")
            enrolment = ENROLMENT.get((values["etat"] or "ouvert").lower())
            if enrolment is None:
                raise ValueError(f"ligne {number}, colonne etat : ouvert, fermé ou suspendu.")
            places = values["places"]
            if places and not ascii_digits(places):
                raise ValueError(f"ligne {number}, colonne places : nombre entier attendu.")
            with transaction.atomic():
                offers.save_session(
                    action,
                    offers.SessionData(
                        provider_ref=values["session"],
                        start_date=_date(values["debut"], number, "debut"),
                        end_date=_date(values["fin"], number, "fin"),
                        enrolment=enrolment,
                        capacity=int(places) if places else None,
                    ),
                )
            report.accepted += 1
        except ValueError as error:
            message = (
                " ".join(error.reasons) if isinstance(error, offers.OfferError) else str(error)
            )
            if isinstance(error, offers.OfferError):
                message = f"ligne {number} : {message}"
            report.errors.append(message)
    return report
