"""The providers' API (EDOF): their offer (`/api/v1/catalog`, scope `catalog:write`) and
their training files (`/api/v1/training-files`, scope `training_files:manage`), through
the same services as the portal. `Idempotency-Key` on every POST/PUT: the same key with
the same body gets the same answer (`Idempotent-Replayed: true`), another body a 409."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status

from passeport.api.auth import ClientCredentialsAuth
from passeport.api.models import ApiScope
from passeport.journal.actors import Actor
from passeport.www.holder.access import record_read

from . import billing, files, offers, webhooks
from .api_schemas import (
    DateIn,
    Error,
    FileOut,
    ProposalIn,
    ReasonIn,
    Refused,
    ServiceDoneIn,
    TerminateIn,
    TrainingIn,
    TrainingOut,
    WebhookIn,
    WebhookOut,
)
from .enums import FileState
from .models import IdempotencyKey, Invoice, TrainingFile

router = Router(tags=["Catalogue (organismes de formation)"])
files_router = Router(tags=["Dossiers de formation (organismes de formation)"])
CATALOG = ClientCredentialsAuth([ApiScope.CATALOG_WRITE])
FILES = ClientCredentialsAuth([ApiScope.TRAINING_FILES])
LIMIT = 200


def _provider(request):
    organisation = request.auth.client.organisation
    if not organisation.is_training_provider:
        raise HttpError(403, "Seuls les organismes de formation utilisent cette API.")
    return organisation


def _idempotent(request, body: dict, answer):
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return Status(*answer())
    if len(key) > 255:
        raise HttpError(422, "L'en-tête Idempotency-Key dépasse 255 caractères.")
    client = request.auth.client
    digest = hashlib.sha256(
        (request.path + "\n" + json.dumps(body, sort_keys=True, default=str)).encode()
    ).hexdigest()

    def replay(stored):
        if stored.request_digest != digest:
            raise HttpError(409, "Cette clé d'idempotence a déjà servi pour une autre requête.")
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
        return replay(IdempotencyKey.objects.get(client=client, key=key))
    return Status(status, content)


# --- the offer -----------------------------------------------------------------------------


def _save(provider, payload: TrainingIn) -> tuple[int, dict]:
    try:
        with transaction.atomic():
            training = offers.save_training(
                provider,
                offers.TrainingData(
                    provider_ref=payload.provider_ref,
                    title=payload.title,
                    objectives=payload.objectives,
                    content=payload.content,
                    expected_results=payload.expected_results,
                    certification_code=payload.certification_code,
                    level=payload.level,
                    has_prerequisites=payload.has_prerequisites,
                    codes={
                        kind: values
                        for kind, values in (
                            ("formacode", payload.formacodes),
                            ("nsf", payload.nsf_codes),
                            ("rome", payload.rome_codes),
                        )
                        if values
                    },
                ),
            )
            sessions = 0
            for item in payload.actions:
                action = offers.save_action(
                    training,
                    offers.ActionData(
                        provider_ref=item.provider_ref,
                        price_cents=item.price_cents,
                        hours=item.hours,
                        modality=item.modality,
                        commune_code=item.commune_code,
                        prerequisites=item.prerequisites,
                    ),
                )
                for session in item.sessions:
                    offers.save_session(action, offers.SessionData(**session.dict()))
                    sessions += 1
    except offers.OfferError as error:
        return 422, {"detail": "Offre refusée.", "reasons": error.reasons}
    return 200, {
        "id": training.public_id,
        "provider_ref": training.provider_ref,
        "certification_code": training.certification_code,
        "actions": len(payload.actions),
        "sessions": sessions,
    }


@router.put(
    "/trainings",
    auth=CATALOG,
    response={200: TrainingOut, 403: Error, 409: Error, 422: Refused},
    url_name="catalog_training_put",
    operation_id="catalog_training_put",
    summary="Créer ou mettre à jour une formation, ses actions et ses sessions",
    description=(
        "Par vos identifiants (`provider_ref`) : renvoyer la même formation la met à jour. "
        "Les règles de référencement s'appliquent (NDA, Qualiopi au début de chaque "
        "session, habilitation du certificateur) : **422** avec les motifs en français, "
        "rien n'est enregistré de cette formation."
    ),
)
def put_training(request, payload: TrainingIn):
    provider = _provider(request)
    return _idempotent(request, payload.dict(), lambda: _save(provider, payload))


@router.put(
    "/webhook",
    auth=FILES,
    response={200: WebhookOut, 403: Error},
    url_name="catalog_webhook_put",
    operation_id="catalog_webhook_put",
    summary="Déclarer l'adresse qui reçoit les changements d'état des dossiers",
    description=(
        "Chaque changement d'état d'un de vos dossiers y est envoyé (POST JSON, `event_id` "
        "unique) et signé : `X-Passeport-Signature: sha256=<HMAC-SHA256 du corps avec le "
        "secret>`. Nouvel appel : nouveau secret. Réessais avec attente croissante."
    ),
)
def put_webhook(request, payload: WebhookIn):
    webhook = webhooks.register(_provider(request), payload.url)
    return {"url": webhook.url, "secret": webhook.secret}


# --- training files -----------------------------------------------------------------------


def _out(file, today) -> dict:
    person = file.person
    return {
        "id": file.public_id,
        "reference": file.reference,
        "state": file.state,
        "state_label": file.get_state_display(),
        "reason": file.reason_code,
        "act_before": file.act_before,
        "late": bool(file.act_before and file.act_before < today),
        "holder_first_name": person.first_names.split(" ")[0],
        "holder_birth_name": person.birth_name,
        "session_ref": file.session.provider_ref,
        "training_ref": file.session.action.training.provider_ref,
        "price_cents": file.price_cents,
        "hours": file.hours,
        "start_date": file.start_date,
        "end_date": file.end_date,
        **_billing(file),
    }


def _billing(file) -> dict:
    try:
        invoice = file.invoice
    except Invoice.DoesNotExist:
        invoice = None
    return {
        "billing": file.billing,
        "billing_label": file.get_billing_display() if file.billing else "",
        "invoice_number": invoice.number if invoice else None,
        "invoice_amount_cents": invoice.amount_cents if invoice else None,
        "invoice_due_on": invoice.due_on if invoice else None,
        "paid_at": invoice.paid_on if invoice else None,
    }


@files_router.get(
    "",
    auth=FILES,
    response={200: list[FileOut], 403: Error, 422: Error},
    url_name="training_files_list",
    operation_id="training_files_list",
    summary="Vos dossiers dans un état, l'échéance la plus proche d'abord",
    description=f"`state` : {', '.join(FileState.values)}. {LIMIT} dossiers au plus par page.",
)
def list_files(request, state: str = FileState.NOT_PROCESSED, page: int = 1):
    provider = _provider(request)
    if state not in FileState.values:
        raise HttpError(422, "État inconnu : " + ", ".join(FileState.values) + ".")
    start = (max(page, 1) - 1) * LIMIT
    rows = list(
        TrainingFile.objects.filter(provider=provider, state=state)
        .select_related("person", "session__action__training", "invoice")
        .order_by("act_before", "pk")[start : start + LIMIT]
    )
    actor = Actor.for_organisation(provider)
    today = timezone.localdate()
    for file in rows:
        record_read(file.person, actor, "catalog.api_file_list")
    return [_out(file, today) for file in rows]


def _act(request, file_id, body: dict, change):
    provider = _provider(request)
    file = TrainingFile.objects.filter(public_id=file_id, provider=provider).first()
    if file is None:
        raise HttpError(404, "Dossier inconnu.")
    actor = Actor.for_organisation(provider)

    def answer():
        try:
            changed = change(file, actor, timezone.localdate())
        except files.FileError as error:
            return 422, {"detail": error.message}
        record_read(changed.person, actor, "catalog.api_file")
        return 200, _out(changed, timezone.localdate())

    return _idempotent(request, body, answer)


def _operation(verb, summary):
    return {
        "auth": FILES,
        "response": {200: FileOut, 403: Error, 404: Error, 409: Error, 422: Error},
        "url_name": f"training_file_{verb.replace('-', '_')}",
        "operation_id": f"training_file_{verb.replace('-', '_')}",
        "summary": summary,
    }


@files_router.post("/{file_id}/validate", **_operation("validate", "Valider avec une proposition"))
def validate(request, file_id: str, payload: ProposalIn):
    return _act(
        request,
        file_id,
        payload.dict(),
        lambda f, a, today: files.validate(f, actor=a, today=today, **payload.dict()),
    )


@files_router.post("/{file_id}/refuse", **_operation("refuse", "Refuser avec un motif"))
def refuse(request, file_id: str, payload: ReasonIn):
    return _act(
        request,
        file_id,
        payload.dict(),
        lambda f, a, today: files.end(
            f, FileState.REFUSED_BY_PROVIDER, actor=a, reason=payload.reason, detail=payload.detail
        ),
    )


@files_router.post("/{file_id}/cancel", **_operation("cancel", "Annuler avec un motif"))
def cancel(request, file_id: str, payload: ReasonIn):
    to_state = (
        FileState.CANCELED_BY_HOLDER_NOT_REALIZED
        if payload.reason == "holder_no_show"
        else FileState.CANCELED_BY_PROVIDER
    )
    return _act(
        request,
        file_id,
        payload.dict(),
        lambda f, a, today: files.end(
            f, to_state, actor=a, reason=payload.reason, detail=payload.detail
        ),
    )


@files_router.post("/{file_id}/in-training", **_operation("in-training", "Déclarer l'entrée"))
def in_training(request, file_id: str, payload: DateIn):
    return _act(
        request,
        file_id,
        payload.dict(),
        lambda f, a, today: files.declare_entry(f, actor=a, entered_on=payload.date, today=today),
    )


@files_router.post("/{file_id}/terminate", **_operation("terminate", "Déclarer la sortie"))
def terminate(request, file_id: str, payload: TerminateIn):
    return _act(
        request,
        file_id,
        payload.dict(),
        lambda f, a, today: files.declare_exit(
            f, actor=a, exited_on=payload.date, reason=payload.reason, today=today
        ),
    )


@files_router.post(
    "/{file_id}/service-done", **_operation("service-done", "Déclarer le service fait")
)
def service_done(request, file_id: str, payload: ServiceDoneIn):
    return _act(
        request,
        file_id,
        payload.dict(),
        lambda f, a, today: files.declare_service_done(f, actor=a, today=today, **payload.dict()),
    )


@files_router.post(
    "/{file_id}/invoice",
    **{
        **_operation("invoice", "Facturer un dossier « À facturer »"),
        "description": (
            "Émet la facture du dossier (service fait validé) : numéro `F-AAAA-000123`, "
            "montant = prix × taux de réalisation (centimes, arrondi au centime inférieur), "
            "payable par la Caisse des Dépôts sous 30 jours. Idempotent : un dossier déjà "
            "facturé renvoie sa facture. Le PDF se télécharge depuis l'espace organisme."
        ),
    },
)
def invoice(request, file_id: str):
    return _act(
        request,
        file_id,
        {},
        lambda f, a, today: billing.invoice(f, actor=a).file,
    )
