"""Prevention declarations by API (/api/v1/prevention), scope `prevention:declare`.

The JSON mirrors the official ADF/JDR lines: one declaration (training block, JDR block)
and its trainees. Each trainee becomes the line the file would carry and goes through
the same `rules` and `services.Declarer` as every other channel; errors name the official
column and the JSON field.

Idempotency, twice: `ID_UNIQUE_PARTENAIRE` (a trainee sent again with the same content is
`duplicate`, nothing changes) and the `Idempotency-Key` header (the same key with the same
body gets the stored answer again; with another body, 409).
"""

import datetime
import hashlib
import json
import re
import uuid

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from passeport.api.auth import ClientCredentialsAuth
from passeport.api.models import ApiScope
from passeport.organisations.models import Organisation

from .enums import Channel, DeclarantRole, DeclarationKind
from .models import Declaration, IdempotencyKey
from .rules import COLUMNS
from .services import ACCEPTED, DUPLICATE, REJECTED, DeclarationRefused, Declarer, roles_of

router = Router(
    tags=["Passeport de prévention"],
    auth=ClientCredentialsAuth([ApiScope.PREVENTION_DECLARE]),
)

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


class TrainingIn(Schema):
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
    certifying: bool | None = Field(None, description="FORMATION_CERTIFIANTE")
    certification_code: str = Field("", description="CERTIFICATION_VISEE : code RS ou RNCP")
    formacodes: list[str] = Field(
        default_factory=list, description="DOMAINE_FORMATION : 1 à 5 Formacodes (non certifiante)"
    )
    nsf_codes: list[str] = Field(
        default_factory=list, description="SPECIALITE_FORMATION : 1 à 3 codes NSF (non certifiante)"
    )


class JdrIn(Schema):
    type: str = Field("", description="TYPE_JDR : DIPLOME, TITRE, HABILITATION, CERTIFICAT")
    name: str = Field("", description="NOM_JDR")
    option_speciality: str = Field("", description="NOM_OPTION_SPECIALITE")
    award_mode: str = Field("", description="MODE_OBTENTION : PAR_ADMISSION, PAR_SCORING")
    training_present: bool | None = Field(None, description="PRESENCE_FORMATION")


class TraineeIn(Schema):
    partner_unique_id: str = Field(description="ID_UNIQUE_PARTENAIRE, unique à jamais")
    nir: str = Field(description="NIR sur 13 caractères, sans la clé")
    birth_name: str = Field(description="NOM_TITULAIRE : nom de naissance (30 caractères)")
    employer_present: bool | None = Field(
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


class DeclarationIn(Schema):
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
    trainees: list[TraineeIn] = Field(description="1 à 500 stagiaires")

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


class BatchIn(Schema):
    declarations: list[DeclarationIn] = Field(description=f"1 à {MAX_BATCH} déclarations")

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


# --- Declaring ---------------------------------------------------------------------------


def _organisation(request) -> Organisation:
    return request.auth.client.organisation


def _role(organisation: Organisation, asked: str | None) -> str:
    roles = roles_of(organisation)
    if asked is None:
        if not roles:
            raise HttpError(
                403,
                "L'organisation de ce client d'API n'est ni organisme de formation ni "
                "employeur : elle ne peut pas déclarer de formation de prévention.",
            )
        return roles[0]
    return asked


def _declare_one(request, payload: DeclarationIn, request_id: str) -> dict:
    organisation = _organisation(request)
    role = _role(organisation, payload.role)
    if not 1 <= len(payload.trainees) <= MAX_TRAINEES:
        raise HttpError(
            422,
            f"La déclaration « {payload.declaration_id} » doit compter de 1 à {MAX_TRAINEES} "
            f"stagiaires ({len(payload.trainees)} reçus).",
        )
    try:
        declarer = Declarer(
            payload.kind,
            organisation,
            role,
            Channel.API,
            source_label=f"API, requête {request_id}",
        )
    except DeclarationRefused as refused:
        raise HttpError(403, refused.message) from refused
    results = declarer.declare(to_rows(payload))
    declaration = next((r.declaration for r in results if r.declaration is not None), None)
    if declaration is None:
        declaration = Declaration.objects.filter(
            declarant=organisation, declaration_id=payload.declaration_id
        ).first()
    trainees = [
        {
            "index": result.line,
            "partner_unique_id": result.partner_unique_id,
            "status": result.status,
            "id": result.declaration_line.public_id if result.declaration_line else None,
            "message": result.message,
            "errors": [
                {"column": e.column, "field": FIELDS.get(e.column, ""), "message": e.message}
                for e in result.errors
            ],
        }
        for result in results
    ]
    return {
        "declaration_id": payload.declaration_id,
        "id": declaration.public_id if declaration else None,
        "declare_before": declaration.declare_before if declaration else None,
        "late": declaration.late if declaration else None,
        "accepted": sum(r.status == ACCEPTED for r in results),
        "duplicate": sum(r.status == DUPLICATE for r in results),
        "rejected": sum(r.status == REJECTED for r in results),
        "trainees": trainees,
    }


def _idempotent(request, body: dict, answer):
    """Runs `answer()` once per Idempotency-Key: the same key and body get the stored
    answer again, with `Idempotent-Replayed: true`."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return Status(*answer())
    if len(key) > 255:
        raise HttpError(422, "L'en-tête Idempotency-Key dépasse 255 caractères.")
    client = request.auth.client
    digest = hashlib.sha256(
        (request.path + "\n" + json.dumps(body, sort_keys=True, default=str)).encode()
    ).hexdigest()

    def replay(stored: IdempotencyKey):
        if stored.request_digest != digest:
            raise HttpError(
                409,
                "Cette clé d'idempotence a déjà servi pour une autre requête : utilisez une "
                "nouvelle clé pour un nouveau contenu.",
            )
        response = JsonResponse(stored.response, status=stored.status_code)
        response["Idempotent-Replayed"] = "true"
        return response

    stored = IdempotencyKey.objects.filter(client=client, key=key).first()
    if stored is not None:
        return replay(stored)
    status, content = answer()
    data = json.loads(json.dumps(content, default=str))
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                client=client, key=key, request_digest=digest, status_code=status, response=data
            )
    except IntegrityError:
        # A concurrent request with the same key won: answer as it did (what this one
        # declared is rolled back with the request's transaction).
        if transaction.get_connection().in_atomic_block:
            transaction.set_rollback(True)
        return replay(IdempotencyKey.objects.get(client=client, key=key))
    return Status(status, content)


DESCRIPTION_COMMON = (
    "Chaque stagiaire est contrôlé comme une ligne du fichier officiel (mêmes règles, mêmes "
    "messages) : NIR sur 13 caractères et nom de naissance rapprochés d'un titulaire, codes "
    "ROME, RS/RNCP, Formacode, NSF, SIRET de l'employeur connu, dates dans l'ordre. Les "
    "stagiaires valides sont déclarés même si d'autres sont rejetés.\n\n"
    "`ID_UNIQUE_PARTENAIRE` (`partner_unique_id`) est unique à jamais pour le déclarant : "
    "renvoyé à l'identique, il donne `duplicate` (rien ne change) ; avec un autre contenu, "
    "il est rejeté (double déclaration).\n\n"
    "En-tête facultatif `Idempotency-Key` : la même clé avec le même corps renvoie la même "
    "réponse (en-tête `Idempotent-Replayed: true`) ; avec un autre corps, **409**.\n\n"
    "**403** : organisation ni organisme de formation ni employeur, ou jeton sans le droit "
    "`prevention:declare`. **401** : jeton absent, inconnu ou expiré."
)


@router.post(
    "/declarations",
    response={200: DeclarationOut, 403: Error, 409: Error, 422: Error},
    url_name="prevention_declare",
    summary="Déclarer une formation (ADF ou JDR) et ses stagiaires",
    description=(
        "Une déclaration = une formation (`ID_DECLARATION`) et 1 à 500 stagiaires. Des "
        "stagiaires peuvent être ajoutés plus tard à une déclaration existante avec le même "
        "`declaration_id` et la même formation.\n\n" + DESCRIPTION_COMMON
    ),
)
def declare(request, payload: DeclarationIn):
    return _idempotent(
        request,
        payload.dict(),
        lambda: (200, _declare_one(request, payload, _request_id(request))),
    )


@router.post(
    "/declarations/batch",
    response={200: BatchOut, 403: Error, 409: Error, 422: Error},
    url_name="prevention_declare_batch",
    summary="Déclarer plusieurs formations en une requête",
    description=(
        f"1 à {MAX_BATCH} déclarations, traitées dans l'ordre ; une réponse par déclaration, "
        "un résultat par stagiaire.\n\n" + DESCRIPTION_COMMON
    ),
)
def declare_batch(request, payload: BatchIn):
    if not 1 <= len(payload.declarations) <= MAX_BATCH:
        raise HttpError(
            422,
            f"Un lot compte de 1 à {MAX_BATCH} déclarations ({len(payload.declarations)} reçues).",
        )

    def answer():
        request_id = _request_id(request)
        results = [_declare_one(request, one, request_id) for one in payload.declarations]
        return 200, {
            "accepted": sum(r["accepted"] for r in results),
            "duplicate": sum(r["duplicate"] for r in results),
            "rejected": sum(r["rejected"] for r in results),
            "declarations": results,
        }

    return _idempotent(request, payload.dict(), answer)


@router.get(
    "/declarations/{uuid:declaration_id}",
    response={200: DeclarationOut, 403: Error, 404: Error},
    url_name="prevention_declaration",
    summary="Relire une déclaration",
    description="La déclaration et ses stagiaires. **404** : id inconnu ou déclaration "
    "d'une autre organisation.",
)
def read(request, declaration_id: uuid.UUID):
    declaration = Declaration.objects.filter(
        public_id=declaration_id, declarant=_organisation(request)
    ).first()
    if declaration is None:
        raise HttpError(404, "Aucune déclaration de votre organisation ne porte cet id.")
    lines = list(declaration.lines.order_by("pk"))
    return {
        "declaration_id": declaration.declaration_id,
        "id": declaration.public_id,
        "declare_before": declaration.declare_before,
        "late": declaration.late,
        "accepted": len(lines),
        "duplicate": 0,
        "rejected": 0,
        "trainees": [
            {
                "index": index,
                "partner_unique_id": line.partner_unique_id,
                "status": ACCEPTED,
                "id": line.public_id,
                "message": line.get_status_display(),
            }
            for index, line in enumerate(lines, start=1)
        ],
    }


def _request_id(request) -> str:
    """A short identifier of the request, kept in the records' source reference."""
    return uuid.uuid4().hex[:12]
