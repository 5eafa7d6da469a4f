"""Whether a DSN individual may be attached to a holder: a NIR (not only a temporary
number) that agrees with the declared birth year, month and sex (the DSN controls it
breaks are named)."""

from __future__ import annotations

from passeport.people.nir import NirError, validate_nir13

from .declaration import Individual
from .report import rejection

SEX_DIGIT = {"01": "1", "02": "2"}
# NIR rules (people.nir codes) and the DSN control each one is.
NIR_CONTROLS = {
    "department_era": "S21.G00.30.001/CCH-11",
    "filler": "S21.G00.30.001/CCH-13",
    "trailing_nines": "S21.G00.30.001/CCH-16",
    "birth_year": "S21.G00.30.006/CCH-11",
}
# Fields a later declaration may change, with the label used in the revision reason.


def check_identity(individual: Individual) -> dict | None:
    if not individual.nir:
        return rejection(
            individual,
            "temporary_number_only",
            "Individu déclaré sans NIR (numéro technique temporaire seulement) : il ne "
            "peut être rattaché à aucun titulaire.",
        )
    try:
        validate_nir13(
            individual.nir,
            birth_year=individual.birth_year,
            birth_month=individual.birth_month,
            sex=SEX_DIGIT.get(individual.sex),
        )
    except NirError as error:
        control = NIR_CONTROLS.get(error.code, "")
        return rejection(individual, f"nir_{error.code}", error.message, control)
    return None
