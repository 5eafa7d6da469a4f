"""What checking prevention lines looks up or parses again and again, each kept in a
bounded cache (`core.caches.BoundedCache`): dates, yes/no values, SIRETs, employers by
SIRET, RS/RNCP fiches, the ROME codes. A file names a few employers, trainings and dates
many times; the caches forget their oldest entries so that memory stays flat however
long the file (a file whose lines of one declaration are not neighbours is still checked
right, only more slowly)."""

import datetime
import re

from passeport.core.caches import BoundedCache
from passeport.organisations.models import Organisation
from passeport.organisations.siret import SiretError, validate_siret
from passeport.referentials.models import Fiche, RomeCode

from .lines import LineError

# Entries kept by each cache: a few thousand recent ones answer nearly every line.
CACHE_SIZE = 10_000
_DATE_RE = re.compile(r"(\d{2})/(\d{2})/(\d{4})", re.ASCII)
_CERTIFICATION_RE = re.compile(r"(RS|RNCP)(\d{1,6})", re.ASCII)
_YES_NO = {"OUI": True, "NON": False}


class Lookups:
    """The caches of one run (a file is checked batch by batch with the same ones)."""

    def __init__(self):
        self._rome_codes: frozenset[str] | None = None
        self._fiches: dict[str, Fiche | None] = BoundedCache(CACHE_SIZE)
        self._organisations: dict[str, Organisation | None] = BoundedCache(CACHE_SIZE)
        self._dates: dict[str, datetime.date | str] = BoundedCache(CACHE_SIZE)
        self._sirets: dict[str, str | SiretError] = BoundedCache(CACHE_SIZE)

    def yes_no(self, get, column: str, errors: list[LineError], *, required: bool):
        value = get(column).upper()
        if not value:
            if required:
                errors.append(LineError(column, f"{column} est obligatoire (OUI ou NON)."))
            return None
        if value not in _YES_NO:
            errors.append(LineError(column, f"{column} vaut OUI ou NON, pas « {get(column)} »."))
            return None
        return _YES_NO[value]

    def date(self, get, column: str, errors: list[LineError], *, required: bool):
        text = get(column)
        if not text:
            if required:
                errors.append(LineError(column, f"{column} est obligatoire (jj/mm/aaaa)."))
            return None
        parsed = self._dates.get(text)
        if parsed is None:
            match = _DATE_RE.fullmatch(text)
            try:
                if not match:
                    raise ValueError
                day, month, year = match.groups()
                parsed = datetime.date(int(year), int(month), int(day))
            except ValueError:
                parsed = f"n'est pas une date valide au format jj/mm/aaaa : « {text} »."
            self._dates[text] = parsed
        if isinstance(parsed, str):
            errors.append(LineError(column, f"{column} {parsed}"))
            return None
        return parsed

    # --- Referentials -----------------------------------------------------------------

    def siret(self, siret: str) -> str | SiretError:
        """The SIRET checked (a file names a few employers many times: each once)."""
        checked = self._sirets.get(siret)
        if checked is None:
            try:
                checked = validate_siret(siret)
            except SiretError as error:
                checked = error
            self._sirets[siret] = checked
        return checked

    def employers(self, wanted: set[str]) -> dict[str, Organisation | None]:
        """The organisations of these SIRETs (None when unknown). A dict apart from the
        cache, which may forget some while the missing ones are added."""
        employers = {s: self._organisations[s] for s in wanted if s in self._organisations}
        missing = wanted - employers.keys()
        if missing:
            found = {org.siret: org for org in Organisation.objects.filter(siret__in=missing)}
            for siret in missing:
                employers[siret] = self._organisations[siret] = found.get(siret)
        return employers

    # --- Referentials -----------------------------------------------------------------

    def rome_codes(self) -> frozenset[str]:
        if self._rome_codes is None:
            self._rome_codes = frozenset(RomeCode.objects.values_list("code", flat=True))
        return self._rome_codes

    def certification_error(self, code: str) -> str:
        match = _CERTIFICATION_RE.fullmatch(code)
        if not match:
            return (
                f"Code de certification mal formé : « {code} » (RS ou RNCP suivi de chiffres, "
                "ex. RS5286)."
            )
        if code not in self._fiches:
            self._fiches[code] = Fiche.objects.filter(code=code).first()
        fiche = self._fiches[code]
        if fiche is None:
            return f"La certification {code} est inconnue du répertoire national (RNCP / RS)."
        if not fiche.active:
            return f"La certification {code} n'est plus active au répertoire national."
        return ""
