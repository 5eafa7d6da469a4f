"""FranceConnect's official test identities (../shared/data/franceconnect/).

The files are fixed-width CSV: values padded with spaces around the commas;
`codePostalLieuDeNaissance` is in fact the INSEE COG code. `CDC-MCF-database.csv` (the
Mon Compte Formation test users) has no header and the same columns as `database.csv`.
A copy of the three files used here is committed in `data/franceconnect/` for clones
without ../shared.
"""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

COLUMNS = [
    "id",
    "identifiant",
    "motDePasse",
    "nomDeNaissance",
    "nomDUsage",
    "prenoms",
    "genre",
    "email",
    "telephone",
    "dateDeNaissance",
    "codePostalLieuDeNaissance",
    "codePaysDeNaissance",
]
FILES = ("database.csv", "CDC-MCF-database.csv")
ERROR_FILE = "error-mock-identities.csv"
BUNDLED_DIR = Path(__file__).parent / "data" / "franceconnect"


@dataclass(frozen=True)
class TestIdentity:
    identifier: str
    birth_name: str
    usage_name: str
    first_names: str
    gender: str  # "male" / "female", as FranceConnect says it
    email: str
    birthdate: str  # YYYY-MM-DD
    birthplace: str  # INSEE commune code, empty when born abroad
    birthcountry: str  # 99xxx

    @property
    def sex(self) -> str:
        return "F" if self.gender == "female" else "M"

    @property
    def birth_date(self) -> datetime.date:
        return datetime.date.fromisoformat(self.birthdate)

    def pivot(self) -> tuple:
        return (self.birth_name, self.first_names, self.birthdate, self.gender, self.birthplace)


def source_dir() -> Path:
    shared = Path(settings.SHARED_DATA_DIR) / "franceconnect"
    return shared if (shared / FILES[0]).exists() else BUNDLED_DIR


def read_identities(directory: Path | None = None) -> list[TestIdentity]:
    """Every usable test identity, first file first, without duplicate pivot identities."""
    directory = directory or source_dir()
    seen, identities = set(), []
    for name in FILES:
        path = directory / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            for row in rows:
                values = [value.strip() for value in row]
                if not values or values[0] == "id" or len(values) < len(COLUMNS):
                    continue
                record = dict(zip(COLUMNS, values, strict=False))
                identity = _identity(record)
                if identity and identity.pivot() not in seen:
                    seen.add(identity.pivot())
                    identities.append(identity)
    return identities


def _identity(record: dict) -> TestIdentity | None:
    try:
        datetime.date.fromisoformat(record["dateDeNaissance"])
    except ValueError:
        return None
    if record["genre"] not in ("male", "female") or not record["nomDeNaissance"]:
        return None
    country = record["codePaysDeNaissance"] or "99100"
    return TestIdentity(
        identifier=record["identifiant"],
        birth_name=record["nomDeNaissance"],
        usage_name=record["nomDUsage"],
        first_names=record["prenoms"],
        gender=record["genre"],
        email=record["email"],
        birthdate=record["dateDeNaissance"],
        birthplace=record["codePostalLieuDeNaissance"] if country == "99100" else "",
        birthcountry=country,
    )


def read_error_rows(directory: Path | None = None) -> list[dict]:
    """The rows of `error-mock-identities.csv` as they are (values stripped, empty ones
    kept): identities whose `identifiant` makes FranceConnect's mock identity provider
    fail. Some lack claims on purpose (no gender, no birth date, birthplace "nowhere")."""
    directory = directory or source_dir()
    path = directory / ERROR_FILE
    if not path.exists():
        path = BUNDLED_DIR / ERROR_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            dict(zip(COLUMNS, [value.strip() for value in row], strict=False))
            for row in csv.reader(handle)
            if row and row[0].strip() != "id" and len(row) >= len(COLUMNS)
        ]
