"""Prevention declarations by API (/api/v1/prevention), scope `prevention:declare`.

The JSON mirrors the official ADF/JDR lines: one declaration (training block, JDR block)
and its trainees. Each trainee becomes the line the file would carry and goes through
the same `rules` and `services.Declarer` as every other channel; errors name the official
column and the JSON field.

Idempotency, twice: `ID_UNIQUE_PARTENAIRE` (a trainee sent again with the same content is
`duplicate`, nothing changes) and the `Idempotency-Key` header (the same key with the same
body gets the stored answer again; with another body, 409).

The JSON and its mapping to the official line are in `api_schemas`.
"""

import hashlib
import json
import uuid

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status

from passeport.api.auth import ClientCredentialsAuth
from passeport.api.models import ApiScope
from passeport.organisations.models import Organisation

from .api_schemas import (
    FIELDS,
    MAX_BATCH,
    BatchIn,
    BatchOut,
    DeclarationIn,
    DeclarationOut,
    Error,
    to_rows,
)
from .enums import Channel
from .models import Declaration, IdempotencyKey
from .services import ACCEPTED, DUPLICATE, REJECTED, DeclarationRefused, Declarer, roles_of

router = Router(
    tags=["Passeport de prévention"],
    auth=ClientCredentialsAuth([ApiScope.PREVENTION_DECLARE]),
)

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
    response={200: DeclarationOut, 403: Error, 409: Error, 422: DeclarationOut | Error},
    url_name="prevention_declare",
    summary="Déclarer une formation (ADF ou JDR) et ses stagiaires",
    description=(
        "Une déclaration = une formation (`ID_DECLARATION`) et 1 à 500 stagiaires. Des "
        "stagiaires peuvent être ajoutés plus tard à une déclaration existante avec le même "
        "`declaration_id` et la même formation.\n\n**422** quand aucun stagiaire n'est "
        "déclaré (tous rejetés : le corps de la réponse dit pourquoi, stagiaire par "
        "stagiaire ; aucune déclaration n'est créée).\n\n" + DESCRIPTION_COMMON
    ),
)
def declare(request, payload: DeclarationIn):
    def answer():
        result = _declare_one(request, payload, _request_id(request))
        nothing_declared = result["id"] is None
        return (422 if nothing_declared else 200), result

    return _idempotent(request, payload.dict(), answer)


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
