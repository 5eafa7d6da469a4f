"""The funders' API (/api/v1/funding, scope `funding:write`): credit orders (idempotent
by the funder's own identifier), rules (written in draft, then published, suspended,
closed) and the simulation of a rule. The same services as the funder's web space."""

import datetime
import uuid

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from passeport.api.auth import ClientCredentialsAuth
from passeport.api.models import ApiScope
from passeport.journal.actors import Actor

from . import engine
from .enums import Channel, CreditKind, Modality, RuleStatus, TargetDimension
from .lifecycle import TransitionError, has_approved_convention, move_rule
from .models import CreditOrder, Envelope, Rule
from .orders import LineInput, OrderError, OrderInput, receive_order
from .rules import RuleError, RuleInput, save_rule, simulate

router = Router(tags=["Financeurs"])
AUTH = ClientCredentialsAuth([ApiScope.FUNDING_WRITE])
MAX_API_LINES = 10_000


class Error(Schema):
    detail: str


class LineIn(Schema):
    nir: str = Field(max_length=15)
    birth_name: str = Field(max_length=80)
    amount_cents: int = Field(gt=0)


class OrderIn(Schema):
    external_id: str = Field(max_length=64, description="Votre identifiant de la commande")
    kind: CreditKind
    transfer_reference: str = Field(max_length=26, description="CPF-SIREN-CVCV-JJMMAA")
    ends_on: datetime.date | None = None
    restrictions: dict[str, list[str]] = Field(
        default_factory=dict, description="certification, rome, formacode, provider → codes"
    )
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_API_LINES)


class Rejected(Schema):
    line: int
    field: str
    message: str


class OrderOut(Schema):
    id: str | None
    external_id: str
    status: str | None
    created: bool
    accepted: int
    rejected: list[Rejected] = []


class RuleIn(Schema):
    name: str = Field(max_length=120)
    envelope_id: uuid.UUID
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    fixed_cents: int | None = None
    percent_bp: int | None = Field(None, description="Centièmes de pour cent (5000 = 50 %)")
    per_holder_cap_cents: int | None = None
    exempts_contribution: bool = False
    job_seekers_only: bool = False
    below_level_3_only: bool = False
    age_min: int | None = None
    age_max: int | None = None
    max_price_cents: int | None = None
    modalities: list[Modality] = []
    targets: dict[TargetDimension, list[str]] = {}


class RuleOut(Schema):
    id: str
    name: str
    status: str


class StatusIn(Schema):
    status: RuleStatus
    note: str = Field("", max_length=255)


class SimulationIn(Schema):
    age: int | None = None
    job_seeker: bool = False
    below_level_3: bool = False
    employer_sirets: list[str] = []
    department_code: str = ""
    region_code: str = ""
    price_cents: int = Field(ge=0)
    rights_cents: int = Field(0, ge=0)
    certification_code: str = ""
    rome_codes: list[str] = []
    formacodes: list[str] = []
    provider_siret: str = ""
    modality: Modality = Modality.IN_PERSON
    day: datetime.date | None = None


class SimulationOut(Schema):
    applies: bool
    amount_cents: int
    text: str


def _funder(request, *, acting: bool = True):
    organisation = request.auth.client.organisation
    if not organisation.is_funder:
        raise HttpError(403, "Seul un financeur utilise cette API.")
    if acting and not has_approved_convention(organisation):
        raise HttpError(403, "Votre convention avec la Caisse des Dépôts n'est pas approuvée.")
    return organisation


def _actor(request) -> Actor:
    return Actor.for_organisation(request.auth.client.organisation)


@router.post(
    "/orders",
    auth=AUTH,
    response={200: OrderOut, 201: OrderOut, 400: Error, 403: Error},
    url_name="funding_order",
    operation_id="passeport_funding_api_order",
    summary="Envoyer une commande d'abondement",
    description=(
        "Droit `funding:write`. Les lignes acceptées sont enregistrées, les autres "
        "rejetées avec le motif ; la même commande (même `external_id`) renvoyée ne "
        "change rien (200). Les comptes sont crédités à réception du virement."
    ),
)
def send_order(request, payload: OrderIn):
    funder = _funder(request)
    data = OrderInput(
        external_id=payload.external_id,
        kind=payload.kind,
        transfer_reference=payload.transfer_reference,
        ends_on=payload.ends_on,
        restrictions=payload.restrictions,
        lines=[
            LineInput(i, line.nir, line.birth_name, str(line.amount_cents))
            for i, line in enumerate(payload.lines, start=1)
        ],
    )
    try:
        result = receive_order(funder, data, channel=Channel.API, actor=_actor(request))
    except OrderError as error:
        raise HttpError(400, error.message) from error
    body = {
        "id": str(result.order.public_id) if result.order else None,
        "external_id": payload.external_id,
        "status": result.order.status if result.order else None,
        "created": result.created,
        "accepted": result.accepted,
        "rejected": [
            {"line": r.number, "field": r.field, "message": r.message} for r in result.rejected
        ],
    }
    return Status(201 if result.created else 200, body)


@router.get(
    "/orders/{order_id}",
    auth=AUTH,
    response={200: OrderOut, 403: Error, 404: Error},
    url_name="funding_order_read",
    operation_id="passeport_funding_api_order_read",
    summary="Suivre une commande d'abondement",
)
def read_order(request, order_id: uuid.UUID):
    funder = _funder(request, acting=False)
    order = get_object_or_404(CreditOrder, public_id=order_id, funder=funder)
    return Status(
        200,
        {
            "id": str(order.public_id),
            "external_id": order.external_id,
            "status": order.status,
            "created": False,
            "accepted": order.line_count,
        },
    )


def _rule_out(rule: Rule) -> dict:
    return {"id": str(rule.public_id), "name": rule.name, "status": rule.status}


@router.post(
    "/rules",
    auth=AUTH,
    response={201: RuleOut, 400: Error, 403: Error, 404: Error},
    url_name="funding_rule",
    operation_id="passeport_funding_api_rule",
    summary="Écrire une règle d'abondement (brouillon)",
)
def write_rule(request, payload: RuleIn):
    funder = _funder(request)
    envelope = get_object_or_404(Envelope, public_id=payload.envelope_id, funder=funder)
    values = payload.dict(exclude={"envelope_id"})
    values["modalities"] = [str(m) for m in payload.modalities]
    values["targets"] = {str(d): codes for d, codes in payload.targets.items()}
    try:
        rule = save_rule(funder, RuleInput(**values), envelope, actor=_actor(request))
    except RuleError as error:
        raise HttpError(400, error.message) from error
    return Status(201, _rule_out(rule))


@router.post(
    "/rules/{rule_id}/status",
    auth=AUTH,
    response={200: RuleOut, 400: Error, 403: Error, 404: Error},
    url_name="funding_rule_status",
    operation_id="passeport_funding_api_rule_status",
    summary="Publier, suspendre ou clore une règle",
)
def rule_status(request, rule_id: uuid.UUID, payload: StatusIn):
    funder = _funder(request)
    rule = get_object_or_404(Rule, public_id=rule_id, funder=funder)
    try:
        rule = move_rule(rule, payload.status, actor=_actor(request), note=payload.note)
    except TransitionError as error:
        raise HttpError(400, error.message) from error
    return Status(200, _rule_out(rule))


@router.post(
    "/rules/{rule_id}/simulation",
    auth=AUTH,
    response={200: SimulationOut, 403: Error, 404: Error},
    url_name="funding_rule_simulation",
    operation_id="passeport_funding_api_rule_simulation",
    summary="Simuler une règle sur un profil de titulaire et une formation",
)
def rule_simulation(request, rule_id: uuid.UUID, payload: SimulationIn):
    funder = _funder(request, acting=False)
    rule = get_object_or_404(Rule, public_id=rule_id, funder=funder)
    profile = engine.HolderProfile(
        age=payload.age,
        job_seeker=payload.job_seeker,
        below_level_3=payload.below_level_3,
        employer_sirets=frozenset(payload.employer_sirets),
        department_code=payload.department_code.upper(),
        region_code=payload.region_code.upper(),
    )
    training = engine.Training(
        price_cents=payload.price_cents,
        rights_cents=payload.rights_cents,
        certification_code=payload.certification_code.upper(),
        rome_codes=tuple(c.upper() for c in payload.rome_codes),
        formacodes=tuple(payload.formacodes),
        provider_siret=payload.provider_siret,
        modality=payload.modality,
    )
    result = simulate(rule, profile, training, payload.day or rule.starts_on)
    return Status(
        200,
        {
            "applies": not result.reasons,
            "amount_cents": result.amount_cents,
            "text": result.text(funder.name),
        },
    )
