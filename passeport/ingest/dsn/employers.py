"""The establishments DSN declarations name: found by SIRET (a file's in a few queries),
created when unknown (the DSN carries no establishment name: the emitter's when it is
the company itself), marked as employers."""

from __future__ import annotations

import re

from passeport.organisations.models import Organisation

from .declaration import Declaration
from .rows import chunks

_NAF = re.compile(r"^(\d\d)(\d\d[A-Z])$")


class Employers:
    """The establishments of one file, by SIRET (cleared when a transaction rolls back)."""

    def __init__(self):
        self._employers: dict[str, Organisation] = {}

    def clear(self) -> None:
        self._employers.clear()

    def fetch(self, sirets: set[str]) -> None:
        missing = [siret for siret in sirets if siret not in self._employers]
        for chunk in chunks(missing, 2000):
            for organisation in Organisation.objects.filter(siret__in=chunk):
                self._employers[organisation.siret] = organisation

    def get(self, declaration: Declaration) -> Organisation:
        siret = declaration.siret
        organisation = self._employers.get(siret)
        if organisation is None:
            organisation = Organisation.objects.filter(siret=siret).first()
        if organisation is None:
            # The DSN carries no establishment name (S21.G00.06 / .11 have none in
            # P24V01–P26V01): the emitter's name when it is the company itself.
            name = ""
            if declaration.emitter_siren == declaration.siren:
                name = declaration.emitter_name
            organisation = Organisation(
                siret=siret,
                name=(name or f"Établissement {siret}")[:255],
                naf_code=naf_with_dot(declaration.establishment_naf or declaration.naf),
                is_employer=True,
            )
            organisation.save()
        elif not organisation.is_employer:
            organisation.is_employer = True
            organisation.save(update_fields=["is_employer"])
        self._employers[siret] = organisation
        return organisation


def naf_with_dot(code: str) -> str:
    """ "6201Z" (DSN) -> "62.01Z" (Organisation.naf_code); "" when not a NAF code."""
    match = _NAF.match(code or "")
    return f"{match.group(1)}.{match.group(2)}" if match else ""
