"""CPF by API (/api/v1/cpf): the public simulator (no login), and the declarations of
civic-engagement bodies (scope `cec:declare`) and public employers (scope `cpf:declare`),
which go through the same services as the web forms and files."""

from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from passeport.api.auth import ClientCredentialsAuth
from passeport.api.models import ApiScope
from passeport.api.types import BodySchema, IsoDate, StrictBool, StrictInt, decimal_number
from passeport.journal.actors import Actor
from passeport.people.matching import MatchError, match_many_by_nir

from . import agents, cec, history, rules
from .enums import Channel
from .imports import ACTIVITY_CODES

router = Router(tags=["Droits CPF"])
MAX_DECLARATIONS = 500


class SimulationQuery(Schema):
    year: int = Field(
        description="Année des heures travaillées (AAAA)", ge=rules.FIRST_EURO_YEAR, le=2100
    )
    hours: decimal_number(0, 8784) = Field(
        description="Heures travaillées dans l'année, tous contrats (arrondies au centième)",
        ge=0,
        le=8784,
    )
    reference_hours: decimal_number(1, 8784) = Field(
        int(rules.REFERENCE_HOURS),  # a number in the document, a Decimal once validated
        validate_default=True,
        description="Durée légale ou conventionnelle de référence (1607 par défaut), d'une "
        "heure au moins",
        ge=1,
        le=8784,
    )
    low_qualified: bool = Field(
        False, description="Sans qualification de niveau 3 (CAP, BEP) : 800 € / 8 000 €"
    )
    disability: bool = Field(False, description="Travailleur handicapé : 800 € / 8 000 €")
    balance: decimal_number(0, 100_000) = Field(
        Decimal(0),
        description="Solde actuel des droits acquis, en euros (ex. 1200.50 ; arrondi au centime)",
        ge=0,
        le=100_000,
    )


class SimulationOut(Schema):
    year: int
    hours: str
    reference_hours: str
    low_qualified: bool
    disability: bool
    rate: str = Field(description="Montant annuel applicable, en euros (ex. « 500.00 »)")
    ceiling: str = Field(description="Plafond applicable, en euros")
    amount: str = Field(description="Montant de l'année avant plafond")
    pro_rata: bool
    acquired: str = Field(description="Droits acquis, plafond appliqué")
    balance: str
    balance_after: str
    at_ceiling: bool
    explanation: str


@router.get(
    "/simulation",
    auth=None,
    response=SimulationOut,
    url_name="cpf_simulation",
    summary="Simuler les droits CPF acquis pour une année",
    description=(
        "Sans authentification. Au moins la moitié de la durée de référence : le montant "
        "annuel (500 €, 800 € sans qualification de niveau 3 ou pour un travailleur "
        "handicapé) ; en dessous : montant × heures ÷ (référence ÷ 2), arrondi au centime "
        "supérieur ; le plafond (5 000 € / 8 000 €) s'applique au solde. Montants en euros, "
        "chaînes décimales (« 248.92 »). **422** : paramètre absent ou invalide, message en "
        "français."
    ),
)
def simulation(request, query: Query[SimulationQuery]):
    cents = int((query.balance * 100).to_integral_value())
    acquisition = rules.acquisition(
        query.year,
        query.hours,
        reference_hours=query.reference_hours,
        low_qualified=query.low_qualified,
        disability=query.disability,
        balance_cents=cents,
    )
    return {
        "year": query.year,
        "hours": str(query.hours),
        "reference_hours": str(query.reference_hours),
        "low_qualified": query.low_qualified,
        "disability": query.disability,
        "rate": rules.decimal_euros(acquisition.annual_cents),
        "ceiling": rules.decimal_euros(acquisition.ceiling_cents),
        "amount": rules.decimal_euros(acquisition.gross_cents),
        "pro_rata": acquisition.pro_rata,
        "acquired": rules.decimal_euros(acquisition.acquired_cents),
        "balance": rules.decimal_euros(cents),
        "balance_after": rules.decimal_euros(acquisition.balance_after_cents),
        "at_ceiling": acquisition.at_ceiling,
        "explanation": history.explain_acquisition(acquisition),
    }


# --- declarations ------------------------------------------------------------------------------


class Error(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class CecIn(BodySchema):
    nir: str = Field(description="NIR (13 ou 15 caractères)")
    birth_name: str = Field(description="Nom de naissance")
    year: StrictInt = Field(description="Année de l'activité")
    activity: str = Field(description="Activité : " + ", ".join(ACTIVITY_CODES))
    quantity: StrictInt = Field(
        description="Durée dans l'année : mois (service civique, maître d'apprentissage), "
        "jours (réserves militaire et sanitaire), vacations (réserve de police), heures "
        "(sapeurs-pompiers, réserve civique, associations)"
    )
    engagement_years: StrictInt | None = Field(None, description="Réserve de police : années")
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    role: str = Field("", max_length=255, description="Mission")


class CecBatchIn(BodySchema):
    declarations: list[CecIn] = Field(min_length=1, max_length=MAX_DECLARATIONS)


class CecResult(Schema):
    index: int
    accepted: bool
    id: str | None = None
    status: str | None = Field(None, description="validated, confirmed (seuil pas atteint)")
    status_label: str | None = None
    credited: str | None = Field(None, description="Crédit en euros (« 240.00 »)")
    errors: list[FieldError] = []


class AgentIn(BodySchema):
    nir: str
    birth_name: str
    year: StrictInt
    months: StrictInt = Field(description="Mois de service dans l'année (1 à 12)")
    low_qualified: StrictBool = Field(
        False, description="Catégorie C sans qualification de niveau 3"
    )


class AgentBatchIn(BodySchema):
    declarations: list[AgentIn] = Field(min_length=1, max_length=MAX_DECLARATIONS)


class AgentResult(Schema):
    index: int
    accepted: bool
    id: str | None = None
    hours_credited: str | None = Field(None, description="Heures créditées ou régularisées")
    errors: list[FieldError] = []


def _organisation(request, flag: str, message: str):
    organisation = request.auth.client.organisation
    if not getattr(organisation, flag):
        raise HttpError(403, message)
    return organisation


def _persons(items):
    return match_many_by_nir([(item.nir, item.birth_name) for item in items])


@router.post(
    "/cec/declarations",
    auth=ClientCredentialsAuth([ApiScope.CEC_DECLARE]),
    response={200: list[CecResult], 403: Error},
    url_name="cpf_cec_declare",
    summary="Déclarer des activités du compte d'engagement citoyen",
    description=(
        "Droit `cec:declare`, organisation d'engagement citoyen. Une activité au-dessus "
        "de son seuil est validée et créditée (240 € par activité et par an, plafond "
        "720 €) ; en dessous, refusée avec le motif. Heures associatives : confirmées, "
        "validées quand l'année atteint 200 h dont 100 h dans une même association. Un "
        "résultat par déclaration, dans l'ordre."
    ),
)
def declare_cec(request, payload: CecBatchIn):
    body = _organisation(
        request,
        "is_civic_body",
        "L'organisation de ce client d'API ne valide pas d'activités citoyennes.",
    )
    actor = Actor.for_organisation(body)
    results = []
    for index, (item, person) in enumerate(
        zip(payload.declarations, _persons(payload.declarations), strict=True)
    ):
        if isinstance(person, MatchError):
            results.append({"index": index, "accepted": False, "errors": [_err("nir", person)]})
            continue
        if item.activity.upper() not in ACTIVITY_CODES:
            errors = [{"field": "activity", "message": "Activité inconnue."}]
            results.append({"index": index, "accepted": False, "errors": errors})
            continue
        try:
            declaration = cec.declare_by_body(
                body,
                person,
                activity=ACTIVITY_CODES[item.activity.upper()],
                year=item.year,
                quantity=item.quantity,
                engagement_years=item.engagement_years,
                start_date=item.start_date,
                end_date=item.end_date,
                role=item.role,
                channel=Channel.API,
                actor=actor,
                today=timezone.localdate(),
            )
        except cec.CecError as error:
            results.append(
                {"index": index, "accepted": False, "errors": [_err(error.field, error)]}
            )
            continue
        results.append(
            {
                "index": index,
                "accepted": True,
                "id": str(declaration.public_id),
                "status": declaration.status,
                "status_label": declaration.get_status_display(),
                "credited": None
                if declaration.credited_cents is None
                else rules.decimal_euros(declaration.credited_cents),
            }
        )
    return results


@router.post(
    "/agents/declarations",
    auth=ClientCredentialsAuth([ApiScope.CPF_DECLARE]),
    response={200: list[AgentResult], 403: Error},
    url_name="cpf_agents_declare",
    summary="Déclarer les années de service des agents publics",
    description=(
        "Droit `cpf:declare`, employeur public. 25 h par année complète (50 h en catégorie C "
        "sans qualification de niveau 3), au prorata des mois, plafond 150 h (400 h). "
        "Déclarer de nouveau la même année remplace la déclaration : seule la différence "
        "est créditée ou reprise."
    ),
)
def declare_agents(request, payload: AgentBatchIn):
    employer = _organisation(
        request,
        "is_public_employer",
        "L'organisation de ce client d'API n'est pas un employeur public.",
    )
    actor = Actor.for_organisation(employer)
    results = []
    for index, (item, person) in enumerate(
        zip(payload.declarations, _persons(payload.declarations), strict=True)
    ):
        if isinstance(person, MatchError):
            results.append({"index": index, "accepted": False, "errors": [_err("nir", person)]})
            continue
        try:
            declaration, movement = agents.declare_agent(
                employer,
                person,
                year=item.year,
                months=item.months,
                low_qualified=item.low_qualified,
                channel=Channel.API,
                actor=actor,
            )
        except agents.AgentError as error:
            results.append(
                {"index": index, "accepted": False, "errors": [_err(error.field, error)]}
            )
            continue
        results.append(
            {
                "index": index,
                "accepted": True,
                "id": str(declaration.public_id),
                "hours_credited": rules.hours_text(movement.amount) if movement else "0 h",
            }
        )
    return results


def _err(field: str, error) -> dict:
    return {"field": field or "", "message": getattr(error, "message", str(error))}
