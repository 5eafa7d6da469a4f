"""The JSON of the prevention API (/api/v1/prevention): what a declaration and its
trainees look like, what the answer says, and how a trainee becomes the official line
(`to_rows`) that the same `rules` and `services.Declarer` as every channel check."""

import datetime
import re
import uuid

from ninja import Field, Schema

from passeport.api.types import BodySchema, StrictBool

from .enums import DeclarantRole, DeclarationKind
from .lines import COLUMNS

MAX_BATCH = 100
MAX_TRAINEES = 500
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

# Official column → JSON field, for the errors.
FIELDS = {
    "ID_DECLARATION": "declaration_id",
    "REFERENCE_DECLARATION": "reference",
    "NOM_FORMATION": "training.title",
    "DATE_DEBUT_FORMATION": "training.start_date",
    "DATE_FIN_FORMATION": "training.end_date",
    "MODALITE_DISPENSE": "training.modality",
    "COMPETENCE_TRANSFERABLE": "training.transferable_skills",
    "QUALIFICATION_FORMATEUR": "training.trainer_qualifications",
    "FORMATION_CERTIFIANTE": "training.certifying",
    "CERTIFICATION_VISEE": "training.certification_code",
    "DOMAINE_FORMATION": "training.formacodes",
    "SPECIALITE_FORMATION": "training.nsf_codes",
    "TYPE_JDR": "jdr.type",
    "NOM_JDR": "jdr.name",
    "NOM_OPTION_SPECIALITE": "jdr.option_speciality",
    "MODE_OBTENTION": "jdr.award_mode",
    "PRESENCE_FORMATION": "jdr.training_present",
    "ID_UNIQUE_PARTENAIRE": "trainees[].partner_unique_id",
    "NIR": "trainees[].nir",
    "NOM_TITULAIRE": "trainees[].birth_name",
    "PRESENCE_EMPLOYEUR": "trainees[].employer_present",
    "SIRET_EMPLOYEUR": "trainees[].employer_siret",
    "REFERENCE_EMPLOYEUR": "trainees[].employer_reference",
    "DATE_DEBUT_VALIDITE": "trainees[].valid_from",
    "DATE_FIN_VALIDITE": "trainees[].valid_until",
    "RESULTAT_OBTENU": "trainees[].result",
    "MENTION_OBTENUE": "trainees[].mention",
    "LIEN_PREUVE": "trainees[].proof_url",
    "IDENTIFIANT_PREUVE": "trainees[].proof_id",
}

DATE_HELP = "Date ISO 8601 (`2026-03-10`) ou `jj/mm/aaaa`."


class Error(Schema):
    detail: str


class TrainingIn(BodySchema):
    title: str = Field("", description="NOM_FORMATION")
    start_date: str | None = Field(None, description="DATE_DEBUT_FORMATION. " + DATE_HELP)
    end_date: str | None = Field(None, description="DATE_FIN_FORMATION. " + DATE_HELP)
    modality: str = Field("", description="MODALITE_DISPENSE : A_DISTANCE, PRESENTIEL, MIXTE")
    transferable_skills: list[str] = Field(
        default_factory=list, description="COMPETENCE_TRANSFERABLE : 3 à 10 codes ROME"
    )
    trainer_qualifications: list[str] = Field(
        default_factory=list, description="QUALIFICATION_FORMATEUR (valeurs officielles)"
    )
    certifying: StrictBool | None = Field(None, description="FORMATION_CERTIFIANTE")
    certification_code: str = Field("", description="CERTIFICATION_VISEE : code RS ou RNCP")
    formacodes: list[str] = Field(
        default_factory=list, description="DOMAINE_FORMATION : 1 à 5 Formacodes (non certifiante)"
    )
    nsf_codes: list[str] = Field(
        default_factory=list, description="SPECIALITE_FORMATION : 1 à 3 codes NSF (non certifiante)"
    )


class JdrIn(BodySchema):
    type: str = Field("", description="TYPE_JDR : DIPLOME, TITRE, HABILITATION, CERTIFICAT")
    name: str = Field("", description="NOM_JDR")
    option_speciality: str = Field("", description="NOM_OPTION_SPECIALITE")
    award_mode: str = Field("", description="MODE_OBTENTION : PAR_ADMISSION, PAR_SCORING")
    training_present: StrictBool | None = Field(None, description="PRESENCE_FORMATION")


class TraineeIn(BodySchema):
    partner_unique_id: str = Field(description="ID_UNIQUE_PARTENAIRE, unique à jamais")
    nir: str = Field(description="NIR sur 13 caractères, sans la clé")
    birth_name: str = Field(description="NOM_TITULAIRE : nom de naissance (30 caractères)")
    employer_present: StrictBool | None = Field(
        None, description="PRESENCE_EMPLOYEUR ; par défaut : vrai si `employer_siret` est donné"
    )
    employer_siret: str = Field("", description="SIRET_EMPLOYEUR")
    employer_reference: str = Field("", description="REFERENCE_EMPLOYEUR")
    valid_from: str = Field(description="DATE_DEBUT_VALIDITE. " + DATE_HELP)
    valid_until: str | None = Field(None, description="DATE_FIN_VALIDITE. " + DATE_HELP)
    result: str = Field("", description="RESULTAT_OBTENU (JDR)")
    mention: str = Field("", description="MENTION_OBTENUE (JDR)")
    proof_url: str = Field("", description="LIEN_PREUVE (JDR)")
    proof_id: str = Field("", description="IDENTIFIANT_PREUVE (JDR)")


EXAMPLE = {
    "kind": "ADF",
    "role": "provider",
    "declaration_id": "DECL-2026-0001",
    "reference": "SESSION-SST-MARS",
    "training": {
        "title": "Sauveteur secouriste du travail (SST)",
        "start_date": "2026-03-09",
        "end_date": "2026-03-10",
        "modality": "PRESENTIEL",
        "transferable_skills": ["H2909", "H2913", "I1304"],
        "trainer_qualifications": ["PREVENTEUR"],
        "certifying": False,
        "formacodes": ["42866"],
        "nsf_codes": ["344t"],
    },
    "trainees": [
        {
            "partner_unique_id": "DECL-2026-0001-001",
            "nir": "2880469123456",
            "birth_name": "DUPONT",
            "employer_siret": "35600000000048",
            "employer_reference": "BC-2026-117",
            "valid_from": "2026-03-10",
        }
    ],
}


class DeclarationIn(BodySchema):
    kind: DeclarationKind = Field(description="ADF (attestation) ou JDR (justificatif)")
    role: DeclarantRole | None = Field(
        None,
        description="Qualité du déclarant : `provider` ou `employer` ; par défaut celle de "
        "l'organisation (organisme de formation d'abord)",
    )
    declaration_id: str = Field(description="ID_DECLARATION, unique pour le déclarant")
    reference: str = Field(description="REFERENCE_DECLARATION")
    training: TrainingIn = Field(default_factory=TrainingIn)
    jdr: JdrIn | None = Field(None, description="Bloc du justificatif, pour un JDR")
    trainees: list[TraineeIn] = Field(
        min_length=1, max_length=MAX_TRAINEES, description=f"1 à {MAX_TRAINEES} stagiaires"
    )

    model_config = {"json_schema_extra": {"examples": [EXAMPLE]}}


class LineErrorOut(Schema):
    column: str = Field(description="Colonne officielle (ex. NIR)")
    field: str = Field(description="Champ JSON correspondant")
    message: str


class TraineeOut(Schema):
    index: int = Field(description="Rang du stagiaire dans la requête, à partir de 1")
    partner_unique_id: str
    status: str = Field(
        description="`accepted` (déclaré), `duplicate` (déjà déclaré à l'identique : rien "
        "n'a changé), `rejected` (voir `errors`)"
    )
    id: uuid.UUID | None = Field(None, description="Identifiant public de la ligne déclarée")
    message: str = ""
    errors: list[LineErrorOut] = []


class DeclarationOut(Schema):
    declaration_id: str
    id: uuid.UUID | None = Field(None, description="Identifiant public de la déclaration")
    declare_before: datetime.date | None = Field(None, description="À déclarer au plus tard le")
    late: bool | None = None
    accepted: int
    duplicate: int
    rejected: int
    trainees: list[TraineeOut]


class BatchIn(BodySchema):
    declarations: list[DeclarationIn] = Field(
        min_length=1, max_length=MAX_BATCH, description=f"1 à {MAX_BATCH} déclarations"
    )

    model_config = {"json_schema_extra": {"examples": [{"declarations": [EXAMPLE]}]}}


class BatchOut(Schema):
    accepted: int
    duplicate: int
    rejected: int
    declarations: list[DeclarationOut]


# --- Mapping -----------------------------------------------------------------------------


def _date(value: str | None) -> str:
    if not value:
        return ""
    value = value.strip()
    if _ISO_DATE.fullmatch(value):
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return value


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("OUI" if value else "NON")


def to_rows(payload: DeclarationIn) -> list[tuple[int, list[str]]]:
    """Each trainee as the official line (column order of the kind)."""
    training, jdr = payload.training, payload.jdr or JdrIn()
    shared = {
        "ID_DECLARATION": payload.declaration_id,
        "REFERENCE_DECLARATION": payload.reference,
        "NOM_FORMATION": training.title,
        "DATE_DEBUT_FORMATION": _date(training.start_date),
        "DATE_FIN_FORMATION": _date(training.end_date),
        "MODALITE_DISPENSE": training.modality,
        "COMPETENCE_TRANSFERABLE": "/".join(training.transferable_skills),
        "QUALIFICATION_FORMATEUR": "/".join(training.trainer_qualifications),
        "FORMATION_CERTIFIANTE": _yes_no(training.certifying),
        "CERTIFICATION_VISEE": training.certification_code,
        "DOMAINE_FORMATION": "/".join(training.formacodes),
        "SPECIALITE_FORMATION": "/".join(training.nsf_codes),
        "TYPE_JDR": jdr.type,
        "NOM_JDR": jdr.name,
        "NOM_OPTION_SPECIALITE": jdr.option_speciality,
        "MODE_OBTENTION": jdr.award_mode,
        "PRESENCE_FORMATION": _yes_no(jdr.training_present),
    }
    columns = COLUMNS[payload.kind]
    rows = []
    for index, trainee in enumerate(payload.trainees, start=1):
        present = trainee.employer_present
        if present is None:
            present = bool(trainee.employer_siret.strip())
        values = {
            **shared,
            "ID_UNIQUE_PARTENAIRE": trainee.partner_unique_id,
            "NIR": trainee.nir,
            "NOM_TITULAIRE": trainee.birth_name,
            "PRESENCE_EMPLOYEUR": _yes_no(present),
            "SIRET_EMPLOYEUR": trainee.employer_siret,
            "REFERENCE_EMPLOYEUR": trainee.employer_reference,
            "DATE_DEBUT_VALIDITE": _date(trainee.valid_from),
            "DATE_FIN_VALIDITE": _date(trainee.valid_until),
            "RESULTAT_OBTENU": trainee.result,
            "MENTION_OBTENUE": trainee.mention,
            "LIEN_PREUVE": trainee.proof_url,
            "IDENTIFIANT_PREUVE": trainee.proof_id,
        }
        rows.append((index, [(values.get(column) or "").strip() for column in columns]))
    return rows
