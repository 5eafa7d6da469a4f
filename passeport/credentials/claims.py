"""What a credential says about a record: one `CredentialKind` per guaranteed kind.

Claim names follow the EU learning credential (`urn:eu.europa.ec.eudi:learning:
credential:1`: achievement_title, learning_outcomes, assessment_grade, date_of_expiry…)
where they fit, and OpenID Connect for the holder (given_name, family_name, birthdate).
The NIR is never read here.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
import zoneinfo
from collections.abc import Callable

from passeport.records.enums import CONTRACT_NATURES
from passeport.records.models import Certification, EmploymentPeriod, PreventionTraining, Training

from . import keys

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ACHIEVEMENT_NAMESPACE = uuid.UUID("5b0f1a52-6a0e-4d7e-9b0e-2f4c1e5d7a10")


@dataclasses.dataclass(frozen=True)
class CredentialKind:
    slug: str  # as in the holder's URLs (records.timeline.KINDS)
    model: type
    name: str  # French display name
    description: str
    claims: Callable  # record → {claim: value} (selectively disclosable)
    achievement: Callable  # record → (achievementType, name, description, extra subject)

    @property
    def vct(self) -> str:
        return f"{keys.issuer_url()}/credentials/vct/{self.slug}"

    @property
    def configuration_id(self) -> str:
        return f"passeport_{self.slug}_dc_sd_jwt"


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _clean(values: dict) -> dict:
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}


def holder_claims(person) -> dict:
    birthdate = None
    if person.birth_month and person.birth_day:
        birthdate = f"{person.birth_year:04d}-{person.birth_month:02d}-{person.birth_day:02d}"
    return _clean(
        {
            "given_name": person.first_names,
            "family_name": person.birth_name,
            "birthdate": birthdate,
        }
    )


def expiry(record) -> datetime.datetime | None:
    """The end of the record's validity (the end of its last day, in Paris), if any."""
    valid_until = getattr(record, "valid_until", None)
    if valid_until is None:
        return None
    return datetime.datetime.combine(
        valid_until + datetime.timedelta(days=1), datetime.time(), tzinfo=PARIS
    )


# --- Per kind --------------------------------------------------------------------------


def _employment_claims(record: EmploymentPeriod) -> dict:
    nature = record.contract_nature
    return _clean(
        {
            "job_title": record.job_title,
            "employer_name": record.employer_name,
            "employer_siret": record.siret,
            "contract_type": CONTRACT_NATURES.get(nature, nature) if nature else None,
            "start_date": _date(record.start_date),
            "end_date": _date(record.end_date),
        }
    )


def _employment_achievement(record: EmploymentPeriod):
    return (
        "ext:EmploymentPeriod",
        record.job_title,
        f"Période d'emploi chez {record.employer_name}, déclarée par l'employeur (DSN).",
        {"role": record.job_title},
    )


def _certification_claims(record: Certification) -> dict:
    return _clean(
        {
            "achievement_title": record.title,
            "achievement_code": record.code,
            "certification_register": record.certification_kind,
            "eqf_level": record.level,
            "awarding_body": record.certifier_name,
            "achievement_date": _date(record.awarded_on),
            "valid_from": _date(record.valid_from),
            "date_of_expiry": _date(record.valid_until),
            "specialisation": record.option_label,
            "assessment_grade": record.mention,
            "learning_outcomes": [
                f"{bloc.get('code', '')} {bloc.get('label', '')}".strip()
                for bloc in record.blocs or []
                if isinstance(bloc, dict)
            ],
            "language_level": record.language_level,
            "digital_level": record.digital_level,
        }
    )


def _certification_achievement(record: Certification):
    label = {"RNCP": "RNCP", "RS": "Répertoire spécifique"}.get(record.certification_kind, "")
    description = f"Certification {label} {record.code}".strip() if record.code else record.title
    if record.certifier_name:
        description += f", délivrée par {record.certifier_name}"
    return ("Certification", record.title, description + ".", {})


def _training_claims(record: Training) -> dict:
    return _clean(
        {
            "achievement_title": record.title,
            "learning_provider": record.provider_name,
            "start_date": _date(record.start_date),
            "end_date": _date(record.end_date),
            "duration_hours": record.hours,
            "targeted_certification": record.certification_code,
        }
    )


def _training_achievement(record: Training):
    description = "Formation suivie"
    if record.provider_name:
        description += f" auprès de {record.provider_name}"
    return ("Course", record.title, description + ".", {})


def _prevention_claims(record: PreventionTraining) -> dict:
    return _clean(
        {
            "achievement_title": record.title,
            "declaration_type": record.get_declaration_kind_display(),
            "learning_provider": record.provider_name,
            "start_date": _date(record.start_date),
            "end_date": _date(record.end_date),
            "valid_from": _date(record.valid_from),
            "date_of_expiry": _date(record.valid_until),
            "learning_outcomes": [str(code) for code in record.transferable_skills or []],
            "assessment_grade": record.result,
            "certification_code": record.certification_code,
        }
    )


def _prevention_achievement(record: PreventionTraining):
    kind = "Certificate" if record.declaration_kind == "JDR" else "CertificateOfCompletion"
    return (
        kind,
        record.title,
        f"Formation en santé et sécurité au travail ({record.get_declaration_kind_display()}), "
        "passeport de prévention.",
        {},
    )


KINDS = {
    kind.slug: kind
    for kind in (
        CredentialKind(
            "emploi",
            EmploymentPeriod,
            "Expérience professionnelle",
            "Période d'emploi déclarée par l'employeur (DSN).",
            _employment_claims,
            _employment_achievement,
        ),
        CredentialKind(
            "diplome",
            Certification,
            "Diplôme ou certification",
            "Certification RNCP ou RS déclarée par le certificateur.",
            _certification_claims,
            _certification_achievement,
        ),
        CredentialKind(
            "formation",
            Training,
            "Formation",
            "Formation continue suivie (Mon Compte Formation, organisme de formation).",
            _training_claims,
            _training_achievement,
        ),
        CredentialKind(
            "prevention",
            PreventionTraining,
            "Formation en santé et sécurité au travail",
            "Attestation de formation (ADF) ou justificatif de réussite (JDR) du passeport "
            "de prévention.",
            _prevention_claims,
            _prevention_achievement,
        ),
    )
}
KIND_BY_MODEL = {kind.model: kind for kind in KINDS.values()}
KIND_BY_CONFIGURATION = {kind.configuration_id: kind for kind in KINDS.values()}


def kind_for(record) -> CredentialKind | None:
    return KIND_BY_MODEL.get(type(record))


def achievement_id(kind: CredentialKind, record) -> str:
    """Stable per achievement (a certification code, a training title), not per holder."""
    key = getattr(record, "code", "") or getattr(record, "title", "") or record.job_title
    return f"urn:uuid:{uuid.uuid5(ACHIEVEMENT_NAMESPACE, f'{kind.slug}:{key}')}"


def organisation_profile(record) -> dict | None:
    """The declarant as an Open Badges Profile (its public SIRET page as identifier)."""
    declarant = record.declarant
    if declarant is None:
        return None
    return {
        "id": f"https://annuaire-entreprises.data.gouv.fr/etablissement/{declarant.siret}",
        "type": ["Profile"],
        "name": declarant.name,
    }


def type_metadata(kind: CredentialKind) -> dict:
    """SD-JWT VC type metadata served at the `vct` URL."""
    return {
        "vct": kind.vct,
        "name": kind.name,
        "description": kind.description,
        "display": [{"lang": "fr-FR", "name": kind.name, "description": kind.description}],
        "claims": [
            {"path": [name], "sd": "always", "display": [{"lang": "fr-FR", "label": label}]}
            for name, label in claim_labels(kind).items()
        ],
    }


CLAIM_LABELS = {
    "given_name": "Prénoms",
    "family_name": "Nom de naissance",
    "birthdate": "Date de naissance",
    "job_title": "Emploi",
    "employer_name": "Employeur",
    "employer_siret": "SIRET de l'établissement",
    "contract_type": "Nature du contrat",
    "start_date": "Début",
    "end_date": "Fin",
    "achievement_title": "Intitulé",
    "achievement_code": "Code (RNCP, RS)",
    "certification_register": "Répertoire",
    "eqf_level": "Niveau européen",
    "awarding_body": "Certificateur",
    "achievement_date": "Obtenu le",
    "valid_from": "Valable à partir du",
    "date_of_expiry": "Valable jusqu'au",
    "specialisation": "Option",
    "assessment_grade": "Résultat ou mention",
    "learning_outcomes": "Compétences (blocs, codes ROME)",
    "language_level": "Niveau de langue européen",
    "digital_level": "Niveau numérique européen",
    "learning_provider": "Organisme de formation",
    "duration_hours": "Durée (heures)",
    "targeted_certification": "Certification visée",
    "declaration_type": "Type de déclaration",
    "certification_code": "Certification (RS, RNCP)",
}

_CLAIMS_OF_KIND = {
    "emploi": (
        "job_title",
        "employer_name",
        "employer_siret",
        "contract_type",
        "start_date",
        "end_date",
    ),
    "diplome": (
        "achievement_title",
        "achievement_code",
        "certification_register",
        "eqf_level",
        "awarding_body",
        "achievement_date",
        "valid_from",
        "date_of_expiry",
        "specialisation",
        "assessment_grade",
        "learning_outcomes",
        "language_level",
        "digital_level",
    ),
    "formation": (
        "achievement_title",
        "learning_provider",
        "start_date",
        "end_date",
        "duration_hours",
        "targeted_certification",
    ),
    "prevention": (
        "achievement_title",
        "declaration_type",
        "learning_provider",
        "start_date",
        "end_date",
        "valid_from",
        "date_of_expiry",
        "learning_outcomes",
        "assessment_grade",
        "certification_code",
    ),
}


def claim_labels(kind: CredentialKind) -> dict[str, str]:
    names = ("given_name", "family_name", "birthdate", *_CLAIMS_OF_KIND[kind.slug])
    return {name: CLAIM_LABELS[name] for name in names}
