from .certifications import (
    BlocSkill,
    Fiche,
    FicheBloc,
    FicheCertifier,
    FicheRome,
    resolve_active,
)
from .geography import Commune, Country, Department, Region
from .loads import ReferentialLoad
from .naf import NafCode, naf_code_with_dot
from .rome import (
    RomeAppellation,
    RomeCode,
    RomeCompetenceArea,
    RomeContextLink,
    RomeDomain,
    RomeMobility,
    RomeSkill,
    RomeSkillLink,
    RomeWorkContext,
)

__all__ = [
    "BlocSkill",
    "Commune",
    "Country",
    "Department",
    "Fiche",
    "FicheBloc",
    "FicheCertifier",
    "FicheRome",
    "NafCode",
    "ReferentialLoad",
    "Region",
    "RomeAppellation",
    "RomeCode",
    "RomeCompetenceArea",
    "RomeContextLink",
    "RomeDomain",
    "RomeMobility",
    "RomeSkill",
    "RomeSkillLink",
    "RomeWorkContext",
    "naf_code_with_dot",
    "resolve_active",
]
