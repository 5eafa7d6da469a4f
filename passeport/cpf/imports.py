"""Declarations by file (bodies of the Compte d'engagement citoyen, public employers).

CSV, separator `;`, UTF-8 (a BOM is accepted), one header line, one line per person.
A wrong header, encoding or size rejects the file with one message; otherwise every line
is accepted or rejected with its number, column and French reason, and accepted lines
are kept (each in its own savepoint) — the report says which.

CEC: NIR;NOM_NAISSANCE;ANNEE;ACTIVITE;QUANTITE;ANNEES_ENGAGEMENT;DATE_DEBUT;DATE_FIN;MISSION
Agents: NIR;NOM_NAISSANCE;ANNEE;MOIS_SERVICE;CATEGORIE_C_SANS_NIVEAU_3
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction

from passeport.journal.actors import Actor
from passeport.people.matching import MatchError, match_many_ids_by_nir
from passeport.people.models import Person

from . import agents, cec
from .enums import CecActivity, Channel

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000

ACTIVITY_CODES = {
    "SERVICE_CIVIQUE": CecActivity.SERVICE_CIVIQUE,
    "RESERVE_MILITAIRE": CecActivity.MILITARY_RESERVE,
    "RESERVE_POLICE": CecActivity.POLICE_RESERVE,
    "RESERVE_SANITAIRE": CecActivity.HEALTH_RESERVE,
    "MAITRE_APPRENTISSAGE": CecActivity.APPRENTICE_MASTER,
    "SAPEUR_POMPIER_VOLONTAIRE": CecActivity.VOLUNTEER_FIREFIGHTER,
    "RESERVE_CIVIQUE": CecActivity.CIVIC_RESERVE,
    "DIRIGEANT_ASSOCIATION": CecActivity.ASSOCIATION_LEADER,
}
CEC_COLUMNS = [
    "NIR",
    "NOM_NAISSANCE",
    "ANNEE",
    "ACTIVITE",
    "QUANTITE",
    "ANNEES_ENGAGEMENT",
    "DATE_DEBUT",
    "DATE_FIN",
    "MISSION",
]
AGENT_COLUMNS = ["NIR", "NOM_NAISSANCE", "ANNEE", "MOIS_SERVICE", "CATEGORIE_C_SANS_NIVEAU_3"]
# The service's field names → the file's columns, for errors raised by the services.
CEC_FIELDS = {
    "nir": "NIR",
    "year": "ANNEE",
    "activity": "ACTIVITE",
    "quantity": "QUANTITE",
    "end_date": "DATE_FIN",
}
AGENT_FIELDS = {"year": "ANNEE", "months": "MOIS_SERVICE"}


class LineError(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass
class Result:
    error: str = ""  # the whole file refused
    accepted: list[int] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, column, reason

    @property
    def lines(self) -> int:
        return len(self.accepted) + len(self.rejected)


def _rows(data: bytes, columns: list[str]) -> tuple[list[tuple[int, dict]], str]:
    if len(data) > MAX_BYTES:
        return [], f"Fichier trop gros : {MAX_BYTES // (1024 * 1024)} Mo au plus."
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], f"Le fichier n'est pas en UTF-8 (octet {error.start + 1})."
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader, None)
    if header is None:
        return [], "Fichier vide."
    header = [name.strip().upper() for name in header]
    if header != columns:
        return [], (
            "En-tête attendu (séparateur « ; ») : "
            + ";".join(columns)
            + f" — reçu : {';'.join(header)}"
        )
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(columns):
            rows.append(
                (number, {"__error__": f"{len(values)} colonnes au lieu de {len(columns)}"})
            )
            continue
        rows.append((number, dict(zip(columns, (v.strip() for v in values), strict=True))))
        if len(rows) > MAX_LINES:
            return [], f"Trop de lignes : {MAX_LINES} au plus par fichier."
    if not rows:
        return [], "Le fichier ne contient aucune ligne après l'en-tête."
    return rows, ""


def _int(row: dict, column: str, *, required: bool = True) -> int | None:
    value = row[column]
    if not value:
        if required:
            raise LineError(column, "Valeur obligatoire.")
        return None
    if not value.isdigit():
        raise LineError(column, f"Nombre entier attendu (reçu « {value} »).")
    return int(value)


def _date(row: dict, column: str) -> datetime.date | None:
    value = row[column]
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError as error:
        raise LineError(
            column, f"Date attendue au format jj/mm/aaaa (reçu « {value} »)."
        ) from error


def _persons(rows) -> dict[int, Person | MatchError]:
    """Each line's person (by NIR + birth name), matched in bulk."""
    valid = [(number, row) for number, row in rows if "__error__" not in row]
    matches = match_many_ids_by_nir([(row["NIR"], row["NOM_NAISSANCE"]) for _n, row in valid])
    ids = {match for match in matches if isinstance(match, int)}
    persons = Person.objects.in_bulk(list(ids))
    return {
        number: persons[match] if isinstance(match, int) else match
        for (number, _row), match in zip(valid, matches, strict=True)
    }


def _run(rows, persons, handle, fields) -> Result:
    result = Result()
    for number, row in rows:
        try:
            if "__error__" in row:
                raise LineError("", row["__error__"])
            person = persons[number]
            if isinstance(person, MatchError):
                raise LineError("NIR", person.message)
            with transaction.atomic():
                handle(person, row)
        except LineError as error:
            result.rejected.append((number, error.column, error.message))
        except (cec.CecError, agents.AgentError) as error:
            result.rejected.append((number, fields.get(error.field, ""), error.message))
        else:
            result.accepted.append(number)
    return result


def import_cec(data: bytes, *, body, actor: Actor, today=None) -> Result:
    rows, error = _rows(data, CEC_COLUMNS)
    if error:
        return Result(error=error)

    def handle(person, row):
        code = row["ACTIVITE"].upper()
        if code not in ACTIVITY_CODES:
            raise LineError("ACTIVITE", "Activité inconnue : " + ", ".join(ACTIVITY_CODES) + ".")
        cec.declare_by_body(
            body,
            person,
            activity=ACTIVITY_CODES[code],
            year=_int(row, "ANNEE"),
            quantity=_int(row, "QUANTITE"),
            engagement_years=_int(row, "ANNEES_ENGAGEMENT", required=False),
            start_date=_date(row, "DATE_DEBUT"),
            end_date=_date(row, "DATE_FIN"),
            role=row["MISSION"][:255],
            channel=Channel.FILE,
            actor=actor,
            today=today,
        )

    return _run(rows, _persons(rows), handle, CEC_FIELDS)


def import_agents(data: bytes, *, employer, actor: Actor, today=None) -> Result:
    rows, error = _rows(data, AGENT_COLUMNS)
    if error:
        return Result(error=error)

    def handle(person, row):
        flag = row["CATEGORIE_C_SANS_NIVEAU_3"].upper() or "NON"
        if flag not in ("OUI", "NON"):
            raise LineError("CATEGORIE_C_SANS_NIVEAU_3", "OUI ou NON attendu.")
        agents.declare_agent(
            employer,
            person,
            year=_int(row, "ANNEE"),
            months=_int(row, "MOIS_SERVICE"),
            low_qualified=flag == "OUI",
            channel=Channel.FILE,
            actor=actor,
            today=today,
        )

    return _run(rows, _persons(rows), handle, AGENT_FIELDS)


def template(columns: list[str], example: list[str]) -> str:
    return ";".join(columns) + "\n" + ";".join(example) + "\n"


CEC_TEMPLATE = template(
    CEC_COLUMNS,
    ["1850775123456", "DUPONT", "2025", "SAPEUR_POMPIER_VOLONTAIRE", "120", "", "", "", "Équipier"],
)
AGENT_TEMPLATE = template(AGENT_COLUMNS, ["1850775123456", "DUPONT", "2025", "12", "NON"])
