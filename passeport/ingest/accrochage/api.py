"""Accrochage by API: certifiers' software sends its files and reads the accusé.

The third way in, after the `ingest_accrochage` command and the certifier's portal: the
same `submit_accrochage`, the certifier being the calling client's organisation. Mounted
at /api/v1/accrochage by `passeport.api.urls` (which mounts every domain's router), scope
`certifications:declare`. Operation ids are given by hand: they are the ones the API had
before the router moved here from `passeport/api/` (clients generated from the OpenAPI
document name their methods after them).
"""

import datetime
import hashlib
import uuid

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from passeport.api.auth import ClientCredentialsAuth
from passeport.api.models import ApiScope
from passeport.organisations.models import Organisation

from .models import AccrochageSubmission, SubmissionStatus
from .services import resume_if_stale, submit_accrochage

router = Router(
    tags=["Accrochage des certifications"],
    auth=ClientCredentialsAuth([ApiScope.CERTIFICATIONS_DECLARE]),
)

STATUS_DESCRIPTION = (
    "`received` (reçu), `processing` (en cours de traitement), `processed` (traité : "
    "l'accusé dit le sort de chaque passage), `rejected` (fichier rejeté en entier, motif "
    "dans `error_message`)."
)


class Error(Schema):
    detail: str


class Links(Schema):
    self: str
    accuse_xml: str
    accuse_json: str


class SubmissionOut(Schema):
    id: uuid.UUID
    status: str
    status_label: str
    file_name: str
    sha256: str
    size: int
    received_at: datetime.datetime
    processed_at: datetime.datetime | None
    id_flux: str
    schema_version: str
    passages_count: int
    processed_count: int
    ok_count: int
    ko_count: int
    error_message: str
    already_received: bool = False
    links: Links


SubmissionOut.model_fields["status"].description = STATUS_DESCRIPTION
SubmissionOut.model_fields["already_received"].description = (
    "Vrai quand ce fichier (même empreinte SHA-256) avait déjà été reçu : le dépôt existant "
    "est renvoyé, rien n'est retraité."
)


def _certifier(request) -> Organisation:
    organisation = request.auth.client.organisation
    if not organisation.is_certifier:
        raise HttpError(
            403,
            "L'organisation de ce client d'API n'est pas un certificateur : seul un "
            "certificateur dépose des fichiers d'accrochage.",
        )
    return organisation


def _submission(request, submission_id: uuid.UUID) -> AccrochageSubmission:
    certifier = _certifier(request)
    submission = AccrochageSubmission.objects.filter(
        public_id=submission_id, certifier=certifier
    ).first()
    if submission is None:
        # Another certifier's submission does not exist for this one.
        raise HttpError(404, "Aucun dépôt d'accrochage de votre organisation ne porte cet id.")
    return submission


def _out(submission: AccrochageSubmission, *, already_received: bool = False) -> dict:
    def link(name):
        return reverse(f"api:{name}", kwargs={"submission_id": submission.public_id})

    return {
        "id": submission.public_id,
        "status": submission.status,
        "status_label": submission.get_status_display(),
        "file_name": submission.file_name,
        "sha256": submission.sha256,
        "size": submission.size,
        "received_at": submission.received_at,
        "processed_at": submission.processed_at,
        "id_flux": submission.id_flux,
        "schema_version": submission.schema_version,
        "passages_count": submission.passages_count,
        "processed_count": submission.processed_count,
        "ok_count": submission.ok_count,
        "ko_count": submission.ko_count,
        "error_message": submission.error_message,
        "already_received": already_received,
        "links": {
            "self": link("accrochage_status"),
            "accuse_xml": link("accrochage_accuse_xml"),
            "accuse_json": link("accrochage_accuse_json"),
        },
    }


def _sha256(file) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@router.post(
    "",
    response={200: SubmissionOut, 202: SubmissionOut, 403: Error},
    url_name="accrochage_submit",
    operation_id="passeport_api_accrochage_submit",
    summary="Déposer un fichier d'accrochage",
    description=(
        "Envoi d'un fichier XML d'accrochage (schéma CPF 1.1.2 ou 1.1.5) en "
        "`multipart/form-data`, champ `file`. Le certificateur est l'organisation du client "
        "d'API (droit `certifications:declare`) : l'idClient du fichier doit être le sien.\n\n"
        "Réponse **202** : le dépôt est enregistré ; un petit fichier est traité aussitôt "
        "(`status` vaut alors `processed` ou `rejected`), un gros fichier en arrière-plan : "
        "suivez `links.self` jusqu'à `processed` ou `rejected`, puis lisez l'accusé de "
        "traitement (`links.accuse_xml` ou `links.accuse_json`).\n\n"
        "Renvoi idempotent : un fichier identique (même empreinte SHA-256) déjà reçu de ce "
        "certificateur et non rejeté n'est pas retraité ; la réponse **200** désigne le dépôt "
        "existant (`already_received` vrai). Un passage renvoyé dans un autre fichier avec le "
        "même contenu est lui aussi sans effet (INCHANGE dans l'accusé).\n\n"
        "**403** : organisation qui n'est pas un certificateur, ou jeton sans le droit "
        "`certifications:declare`. **401** : jeton absent, inconnu ou expiré."
    ),
)
def submit(request, file: File[UploadedFile]):
    certifier = _certifier(request)
    sha256 = _sha256(file)
    previous = (
        AccrochageSubmission.objects.filter(certifier=certifier, sha256=sha256)
        .exclude(status=SubmissionStatus.REJECTED)
        .order_by("received_at", "pk")
        .first()
    )
    if previous is not None:
        return Status(200, _out(previous, already_received=True))
    submission = submit_accrochage(file, certifier=certifier, file_name=file.name or "flux.xml")
    return Status(202, _out(submission))


@router.get(
    "/{uuid:submission_id}",
    response={200: SubmissionOut, 403: Error, 404: Error},
    url_name="accrochage_status",
    operation_id="passeport_api_accrochage_status",
    summary="Suivre un dépôt d'accrochage",
    description=(
        "L'état du dépôt (" + STATUS_DESCRIPTION + ") et ses compteurs : passages du "
        "fichier, traités, acceptés, rejetés. **404** pour un id inconnu ou le dépôt d'une "
        "autre organisation."
    ),
)
def status(request, submission_id: uuid.UUID):
    submission = _submission(request, submission_id)
    resume_if_stale(submission)  # a run stopped by a restart is taken up again
    return _out(submission)


def _accuse(request, submission_id: uuid.UUID, fmt: str):
    submission = _submission(request, submission_id)
    if submission.is_pending:
        raise HttpError(
            409,
            "Le dépôt est en cours de traitement : l'accusé de traitement sera disponible "
            "quand son état sera « processed » ou « rejected ».",
        )
    field = submission.accuse_xml if fmt == "xml" else submission.accuse_json
    if not field:
        raise HttpError(404, "Ce dépôt n'a pas d'accusé de traitement.")
    content_type = "application/xml" if fmt == "xml" else "application/json"
    name = f"accuse-traitement-{submission.id_flux or submission.public_id}.{fmt}"
    response: HttpResponse = FileResponse(
        field.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    return response


ACCUSE_DESCRIPTION = (
    "L'accusé de traitement du dépôt : pour chaque passage, son sort (créé, modifié, "
    "inchangé, supprimé ou rejeté avec le motif). **409** tant que le dépôt est en cours de "
    "traitement ; **404** pour un id inconnu ou le dépôt d'une autre organisation."
)


@router.get(
    "/{uuid:submission_id}/accuse.xml",
    response={403: Error, 404: Error, 409: Error},
    url_name="accrochage_accuse_xml",
    operation_id="passeport_api_accrochage_accuse_xml",
    summary="Accusé de traitement (XML)",
    description=ACCUSE_DESCRIPTION,
    openapi_extra={
        "responses": {
            "200": {
                "description": "Accusé de traitement XML",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            }
        }
    },
)
def accuse_xml(request, submission_id: uuid.UUID):
    return _accuse(request, submission_id, "xml")


@router.get(
    "/{uuid:submission_id}/accuse.json",
    response={403: Error, 404: Error, 409: Error},
    url_name="accrochage_accuse_json",
    operation_id="passeport_api_accrochage_accuse_json",
    summary="Accusé de traitement (JSON)",
    description=ACCUSE_DESCRIPTION,
    openapi_extra={
        "responses": {
            "200": {
                "description": "Accusé de traitement JSON",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def accuse_json(request, submission_id: uuid.UUID):
    return _accuse(request, submission_id, "json")
