"""Provider claims mapped onto typed dataclasses; a missing or malformed claim raises an
error carrying the French message shown to the user."""

import datetime
import re
from dataclasses import dataclass

from passeport.people.enums import FRANCE_COUNTRY_CODE
from passeport.people.matching import BirthIdentity

from .errors import MissingClaims

GENDERS = {"male": "M", "female": "F"}
COUNTRY_CODE = re.compile(r"^99\d{3}$")
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)
SIRET = re.compile(r"^\d{14}$")


def _text(claims: dict, name: str, *, required: bool = True) -> str:
    value = claims.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise MissingClaims(f"claim {name} missing")
        return ""
    if not isinstance(value, str):
        raise MissingClaims(f"claim {name} is not a string")
    return value.strip()


@dataclass(frozen=True)
class HolderClaims:
    """FranceConnect / FranceConnect+ pivot identity."""

    sub: str
    given_name: str
    family_name: str
    birth_year: int
    birth_month: int | None
    birth_day: int | None
    gender: str  # "M" / "F"
    birthplace: str  # INSEE commune code, "" when born abroad
    birthcountry: str  # 99xxx
    preferred_username: str = ""
    email: str = ""

    @classmethod
    def from_claims(cls, claims: dict) -> "HolderClaims":
        birthdate = _text(claims, "birthdate")
        try:
            date = datetime.date.fromisoformat(birthdate)
        except ValueError as error:
            raise MissingClaims("claim birthdate malformed") from error
        gender = GENDERS.get(_text(claims, "gender"))
        if gender is None:
            raise MissingClaims("claim gender unknown")
        country = _text(claims, "birthcountry", required=False) or FRANCE_COUNTRY_CODE
        birthplace = _text(claims, "birthplace", required=False).upper()
        if not COUNTRY_CODE.match(country):
            raise MissingClaims("claim birthcountry malformed")
        if country == FRANCE_COUNTRY_CODE and not COMMUNE_CODE.match(birthplace):
            raise MissingClaims("claim birthplace missing or malformed for a birth in France")
        return cls(
            sub=_text(claims, "sub"),
            given_name=_text(claims, "given_name"),
            family_name=_text(claims, "family_name"),
            # FranceConnect writes an unknown month or day as 01: not held against a match.
            birth_year=date.year,
            birth_month=None if date.month == 1 and date.day == 1 else date.month,
            birth_day=None if date.day == 1 else date.day,
            gender=gender,
            birthplace=birthplace if country == FRANCE_COUNTRY_CODE else "",
            birthcountry=country,
            preferred_username=_text(claims, "preferred_username", required=False),
            email=_text(claims, "email", required=False),
        )

    def birth_identity(self) -> BirthIdentity:
        return BirthIdentity(
            birth_name=self.family_name,
            first_names=self.given_name,
            birth_year=self.birth_year,
            birth_month=self.birth_month,
            birth_day=self.birth_day,
            sex=self.gender,
            birth_commune_code=self.birthplace,
            birth_country_code=self.birthcountry,
        )


@dataclass(frozen=True)
class ProfessionalClaims:
    """ProConnect agent or professional."""

    sub: str
    email: str
    given_name: str
    usual_name: str
    uid: str
    siret: str

    @classmethod
    def from_claims(cls, claims: dict) -> "ProfessionalClaims":
        siret = _text(claims, "siret").replace(" ", "")
        if not SIRET.match(siret):
            raise MissingClaims(
                "claim siret malformed",
                message=(
                    "ProConnect n'a pas transmis de SIRET valide pour votre organisation : "
                    "la connexion est impossible."
                ),
            )
        return cls(
            sub=_text(claims, "sub"),
            email=_text(claims, "email").lower(),
            given_name=_text(claims, "given_name", required=False),
            usual_name=_text(claims, "usual_name", required=False),
            uid=_text(claims, "uid", required=False),
            siret=siret,
        )
