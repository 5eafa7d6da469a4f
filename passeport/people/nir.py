"""NIR (numéro d'inscription au répertoire) and NIA: parsing, validation, demo generation.

Pure Python, no Django. Sources: docs/domain.md ("Identifiers") and the DSN dictionary
P24V01 (data type `Identifiant_Nir_13`, controls on S21.G00.30.001 / .006).

Decisions:
- Sex digit: only 1 and 2. The DSN regex `Identifiant_Nir_13` allows nothing else (a NIA
  has the same shape, domain.md). 3/4 (being registered) and 7/8 (provisional numbers)
  are not certified: the DSN wants a temporary technical number (NTT, S21.G00.30.020)
  instead, so they are refused with their own message.
- 91–96 before 1968 are Algeria (91–94), Morocco (95), Tunisia (96). The DSN refuses 96
  only from 1968 (CCH-11), so the codes are read as North Africa up to 1967, when 91–95
  became départements again; independence dates are not used to refuse.
- Without a birth year the century is unknown: a rule tied to a year refuses only when
  neither 19yy nor 20yy (if not in the future) can satisfy it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from passeport.core.digits import ascii_digits

__all__ = ["NirError", "ParsedNir", "compute_key", "format_nir", "make_nir", "validate_nir"]
__all__ += ["validate_nir13"]

# Identifiant_Nir_13 from the DSN dictionary, minus its `[1-2]9{12}` filler branch (CCH-13).
_MONTH = r"0[1-9]|1[0-2]|20|3\d|4[0-2]|[5-9]\d"
_NUM3 = r"00[1-9]|0[1-9]\d|[1-9]\d\d"
_NIR13_RE = re.compile(rf"([12])(\d\d)({_MONTH})(0[1-9]|[1-9]\d|2[AB])({_NUM3})({_NUM3})", re.ASCII)
_MONTH_RE = re.compile(_MONTH, re.ASCII)
_SEPARATORS = str.maketrans("", "", " \t\u00a0\u202f")
_REAL_MONTHS = frozenset(f"{m:02d}" for m in range(1, 13))
NORTH_AFRICA_LAST_YEAR = 1967  # 91–95 are départements again from 1968
_NORTH_AFRICA = {"91": "99352", "92": "99352", "93": "99352", "94": "99352"}
_NORTH_AFRICA |= {"95": "99350", "96": "99351"}
_SPECIAL_DEPTS = frozenset({"20", "2A", "2B", "96", "97", "98", "99"})
_CITY_ARRONDISSEMENTS = {"75056": ("75101", "75120"), "69123": ("69381", "69389")}
_CITY_ARRONDISSEMENTS["13055"] = ("13201", "13216")
_SEX = {"1": "1", "m": "1", "h": "1", "male": "1", "homme": "1", "masculin": "1"}
_SEX |= {"2": "2", "f": "2", "female": "2", "femme": "2", "féminin": "2", "feminin": "2"}
_SEX_UNKNOWN = frozenset({"", "x", "u", "i", "unknown", "indeterminate", "inconnu"})
_SEX_LABEL = {"1": "homme", "2": "femme"}
_SEINE_HEIRS = {"75": ("92", "93", "94"), "78": ("91", "92", "93", "94", "95")}
FRANCE = "99100"
# User-facing reasons, by rule code. They never quote the NIR itself (it must not reach logs).
_MESSAGES = {
    "type": "Le NIR doit être fourni sous forme de texte.",
    "length": "Le NIR doit comporter 15 caractères (13 et une clé de 2 chiffres), {n} reçus.",
    "length13": "Le NIR sans clé doit comporter 13 caractères, {n} reçus.",
    "format": "Le NIR sans clé doit comporter 13 chiffres (ou 2A/2B pour la Corse).",
    "sex_temporary": "Un numéro commençant par {sex} est provisoire : un NIR commence par 1 ou 2.",
    "sex": "Le premier caractère du NIR (sexe) doit être 1 ou 2.",
    "year": "L'année de naissance du NIR doit comporter 2 chiffres.",
    "month": "Le mois de naissance du NIR ({month}) n'existe pas : 01–12, 20, 30–42 ou 50–99.",
    "department": "Le département de naissance du NIR ({dept}) n'existe pas.",
    "commune": "Le code commune (ou pays) de naissance du NIR doit aller de 001 à 999.",
    "order": "Le numéro d'ordre du NIR doit aller de 001 à 999.",
    "overseas": "Le code outre-mer du NIR ({code}) n'existe pas.",
    "country": "Le code pays de naissance du NIR n'est pas un code pays INSEE (99xxx).",
    "key": "La clé du NIR ne correspond pas aux 13 premiers caractères : vérifiez la saisie.",
    "key_format": "La clé du NIR doit comporter 2 chiffres.",
    "filler": "Ce NIR n'est fait que de 9 : indiquez plutôt un numéro technique temporaire.",
    "trailing_nines": "Un NIR ne peut pas se terminer par plus de cinq « 9 » à la suite.",
    "department_era": "Le département du NIR ({dept}) n'existait pas en {when} : {why}.",
    "birth_year": "L'année de naissance portée par le NIR diffère de l'année déclarée ({year}).",
    "birth_month": "Le mois de naissance porté par le NIR diffère du mois déclaré ({month:02d}).",
    "sex_mismatch": "Le sexe porté par le NIR ({nir}) diffère du sexe déclaré ({given}).",
    "sex_value": "Sexe inconnu : « {sex} » (attendu M ou F, 1 ou 2).",
    "birth_commune": "Le lieu de naissance du NIR diffère de la commune déclarée ({code}).",
    "born_abroad": "Le NIR est celui d'une personne née à l'étranger, pas en France.",
    "born_in_france": "Le NIR est celui d'une personne née en France, pas dans le pays {country}.",
    "birth_country": "Le pays de naissance porté par le NIR diffère du pays déclaré ({country}).",
    "place": "Le lieu de naissance doit être un code INSEE (75107, 2A004) ou un code pays 99xxx.",
    "corsica_code": "Depuis 1976, une commune de Corse se code 2A ou 2B, pas 20.",
    "order_range": "Le numéro d'ordre doit aller de 1 à 999.",
}
_ERA_REASONS = {
    "20": "depuis 1976, une naissance en Corse porte 2A ou 2B",
    "2A": "la Corse porte le code 20 pour les naissances avant 1976",
    "2B": "la Corse porte le code 20 pour les naissances avant 1976",
    "96": "le code 96 (Tunisie) ne vaut que pour les naissances avant 1968",
}


class NirError(ValueError):
    """An invalid NIR; `message` is shown to users, `code` names the rule for programs."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _err(rule: str, /, **values: object) -> NirError:
    return NirError(_MESSAGES[rule].format(**values), rule)


def _this_year() -> int:
    return date.today().year


def _probable_year(yy: str) -> int:
    year = 2000 + int(yy)
    return year if year <= _this_year() else year - 100


@dataclass(frozen=True, slots=True)
class ParsedNir:
    sex: str  # "1" man, "2" woman
    year: str  # 2 digits
    month: str  # 01–12, or fictitious (20, 30–42, 50–99)
    department: str  # "75", "2A", "20", "97", "99"…
    commune: str  # 3 digits: commune, or INSEE country code when department is 99
    order: str
    key: str
    birth_year: int | None = None  # the full year, when the caller gave it

    @property
    def nir13(self) -> str:
        return f"{self.sex}{self.year}{self.month}{self.department}{self.commune}{self.order}"

    @property
    def nir15(self) -> str:
        return self.nir13 + self.key

    @property
    def place5(self) -> str:
        return self.department + self.commune

    @property
    def full_year(self) -> int:
        """The birth year given, else 20yy unless in the future (give it for centenarians)."""
        return self.birth_year or _probable_year(self.year)

    @property
    def is_fictitious_month(self) -> bool:
        return self.month not in _REAL_MONTHS

    @property
    def country_code(self) -> str | None:
        """INSEE `99xxx` country of birth, or None when born in France."""
        if self.department == "99":
            return "99" + self.commune
        if self.department in _NORTH_AFRICA and self.full_year <= NORTH_AFRICA_LAST_YEAR:
            return _NORTH_AFRICA[self.department]
        return None

    @property
    def is_born_abroad(self) -> bool:
        return self.country_code is not None

    @property
    def birthplace_code(self) -> str | None:
        """INSEE code of the birth commune as it was at birth (20xxx in Corsica before 1976)."""
        return None if self.is_born_abroad else self.place5


def _normalise(value: object) -> str:
    if type(value) is not str:
        raise _err("type")
    if not value.isalnum():
        value = value.translate(_SEPARATORS)
    if "a" in value or "b" in value:
        value = value.upper()
    return value


def _sex_digit(sex: str) -> str | None:
    """The NIR sex digit; None when the sex is declared unknown (nothing to compare)."""
    lowered = sex.strip().lower()
    digit = _SEX.get(lowered)
    if digit is None and lowered not in _SEX_UNKNOWN:
        raise _err("sex_value", sex=sex)
    return digit


def _number(nir13: str) -> int:
    dept = nir13[5:7]
    if dept == "2A":  # Corsica: 2A counts as 19 and 2B as 18 in the key
        return int(nir13[:5] + "19" + nir13[7:])
    if dept == "2B":
        return int(nir13[:5] + "18" + nir13[7:])
    return int(nir13)


def compute_key(nir13: str) -> str:
    """The 2-digit key of a 13-character NIR: 97 − (N mod 97)."""
    nir13 = _normalise(nir13)
    dept = nir13[5:7]
    digits = nir13[:5] + nir13[7:]
    if (
        len(nir13) != 13
        or not ascii_digits(digits)
        or not (ascii_digits(dept) or dept in ("2A", "2B"))
    ):
        raise _err("format")
    return f"{97 - _number(nir13) % 97:02d}"


def _dept_existed(dept: str, year: int) -> bool:
    """S21.G00.30.001/CCH-11: the département must exist in the birth year."""
    if dept == "20":
        return year < 1976
    if dept == "2A" or dept == "2B":
        return year >= 1976
    return dept != "96" or year <= NORTH_AFRICA_LAST_YEAR


def _diagnose(nir13: str) -> NirError:
    """Why a 13-character value failed the structure regex (slow path only)."""
    sex, yy, month, dept = nir13[0], nir13[1:3], nir13[3:5], nir13[5:7]
    if sex in "3478":
        return _err("sex_temporary", sex=sex)
    if sex not in "12":
        return _err("sex")
    if not ascii_digits(yy):
        return _err("year")
    if not _MONTH_RE.fullmatch(month):
        return _err("month", month=month)
    if not (ascii_digits(dept) and dept != "00") and dept not in ("2A", "2B"):
        return _err("department", dept=dept)
    if not ascii_digits(nir13[7:10]) or nir13[7:10] == "000":
        return _err("commune")
    return _err("order")


def _place_error(dept: str, commune: str) -> NirError | None:
    if dept == "97" and commune[0] not in "12345678":  # 971–976, 977–978 since 2007
        return _err("overseas", code="97" + commune[0])
    if dept == "98" and commune[0] not in "456789":  # collectivities of the Pacific, TAAF
        return _err("overseas", code="98" + commune[0])
    if dept == "99" and (commune[0] not in "123456" or commune == "100"):
        return _err("country")
    return None


def _parse(nir13: str, key: str | None, birth_year: int | None) -> ParsedNir:
    match = _NIR13_RE.fullmatch(nir13)
    if match is None:
        raise _diagnose(nir13)
    sex, yy, month, dept, commune, order = match.groups()
    expected = f"{97 - _number(nir13) % 97:02d}"
    if key is None:
        key = expected
    elif key != expected:
        raise _err("key")
    if nir13.endswith("999999"):
        if nir13[1:] == "999999999999":  # S21.G00.30.001/CCH-13
            raise _err("filler")
        raise _err("trailing_nines")  # S21.G00.30.001/CCH-16
    if birth_year is not None:
        if type(birth_year) is not int:
            raise TypeError("birth_year must be an int")
        if birth_year % 100 != int(yy):  # S21.G00.30.006/CCH-11
            raise _err("birth_year", year=birth_year)
    if dept in _SPECIAL_DEPTS:
        error = _place_error(dept, commune)
        if error is not None:
            raise error
        years = [birth_year] if birth_year is not None else _possible_years(yy)
        if not any(_dept_existed(dept, y) for y in years):  # S21.G00.30.001/CCH-11
            when = " ou ".join(map(str, years))
            raise _err("department_era", dept=dept, when=when, why=_ERA_REASONS[dept])
    return ParsedNir(sex, yy, month, dept, commune, order, key, birth_year)


def _possible_years(yy: str) -> list[int]:
    return [y for y in (1900 + int(yy), 2000 + int(yy)) if y <= _this_year()]


def _same_place(parsed: ParsedNir, code: str) -> bool:
    if code == parsed.place5:
        return True
    dept = parsed.department
    if dept == "20":  # Corsica before 1976, now known by its 2A/2B code
        return code[:2] in ("2A", "2B") and code[2:] == parsed.commune
    span = _CITY_ARRONDISSEMENTS.get(code)  # the city's code for one of its arrondissements
    if span is not None:
        return span[0] <= parsed.place5 <= span[1]
    # Seine (75) and Seine-et-Oise (78) were split into 75, 78, 91–95 in 1968; the old
    # commune numbers are not in today's COG, so only the département family is checked.
    heirs = _SEINE_HEIRS.get(dept)
    return heirs is not None and parsed.full_year < 1968 and code[:2] in heirs


def _check_birth(parsed: ParsedNir, month, sex, commune, country) -> None:
    if month and 1 <= month <= 12 and not parsed.is_fictitious_month and int(parsed.month) != month:
        raise _err("birth_month", month=month)
    if sex is not None:
        digit = _sex_digit(sex)
        if digit is not None and digit != parsed.sex:
            raise _err("sex_mismatch", nir=_SEX_LABEL[parsed.sex], given=_SEX_LABEL[digit])
    if commune and not _same_place(parsed, commune.strip().upper()):
        raise _err("birth_commune", code=commune.strip())
    if country:
        country = country.strip()
        born_in = parsed.country_code
        if country == FRANCE:
            # North African départements before independence were France at the time.
            if born_in is not None and parsed.department not in _NORTH_AFRICA:
                raise _err("born_abroad")
        elif born_in is None:
            raise _err("born_in_france", country=country)
        elif born_in != country:
            raise _err("birth_country", country=country)


def validate_nir(
    value: str,
    *,
    birth_year: int | None = None,
    birth_month: int | None = None,
    sex: str | None = None,
    birth_commune: str | None = None,
    birth_country: str | None = None,
) -> ParsedNir:
    """Check a 15-character NIR (13 + key, spaces allowed) and, for each birth datum given,
    that the NIR agrees with it. Raises NirError."""
    value = _normalise(value)
    if len(value) != 15:
        raise _err("length", n=len(value))
    if not ascii_digits(value[13:]):
        raise _err("key_format")
    parsed = _parse(value[:13], value[13:], birth_year)
    if sex is not None or birth_month or birth_commune or birth_country:
        _check_birth(parsed, birth_month, sex, birth_commune, birth_country)
    return parsed


def validate_nir13(
    value: str,
    *,
    birth_year: int | None = None,
    birth_month: int | None = None,
    sex: str | None = None,
    birth_commune: str | None = None,
    birth_country: str | None = None,
) -> ParsedNir:
    """validate_nir for the 13 characters without key (prevention import files); the
    result carries the computed key."""
    value = _normalise(value)
    if len(value) != 13:
        raise _err("length13", n=len(value))
    parsed = _parse(value, None, birth_year)
    if sex is not None or birth_month or birth_commune or birth_country:
        _check_birth(parsed, birth_month, sex, birth_commune, birth_country)
    return parsed


def make_nir(sex: str, birth_year: int, birth_month: int, place5: str, order: int | str) -> str:
    """A valid 15-character NIR. `place5`: INSEE commune code at birth (75107, 2A004, 97105)
    or 99xxx country code; `birth_month`: 1–12 or fictitious (20, 30–42, 50–99)."""
    digit = _sex_digit(sex) if type(sex) is str else None
    if digit is None:
        raise _err("sex_value", sex=sex)
    place = place5.strip().upper()
    if len(place) != 5:
        raise _err("place")
    if place[:2] in ("2A", "2B") and birth_year < 1976:
        place = "20" + place[2:]  # Corsica was one département (20) until 1976
    elif place[:2] == "20" and birth_year >= 1976:
        raise _err("corsica_code")
    if type(order) is int:
        if not 1 <= order <= 999:
            raise _err("order_range")
        order = f"{order:03d}"
    nir13 = f"{digit}{birth_year % 100:02d}{birth_month:02d}{place}{order}"
    nir = nir13 + compute_key(nir13)
    validate_nir(nir, birth_year=birth_year, birth_month=birth_month, sex=digit)
    return nir


def format_nir(value: str) -> str:
    """The NIR masked for display: only sex, year and month show (`2 84 12 ** *** *** **`)."""
    cleaned = value.translate(_SEPARATORS) if type(value) is str else ""
    if len(cleaned) not in (13, 15):
        return "* ** ** ** *** *** **"
    masked = f"{cleaned[0]} {cleaned[1:3]} {cleaned[3:5]} ** *** ***"
    return masked + " **" if len(cleaned) == 15 else masked
