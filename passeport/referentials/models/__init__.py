from .certifications import Fiche, FicheBloc, FicheCertifier, FicheRome, resolve_active
from .geography import Commune, Country, Department, Region
from .loads import ReferentialLoad
from .naf import NafCode, naf_code_with_dot
from .rome import RomeAppellation, RomeCode, RomeSkill, RomeSkillLink

__all__ = [
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
    "RomeSkill",
    "RomeSkillLink",
    "naf_code_with_dot",
    "resolve_active",
]
