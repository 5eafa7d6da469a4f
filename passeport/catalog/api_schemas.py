"""The JSON of the providers' API (offers and training files)."""

import datetime
import uuid

from ninja import Field, Schema


class Error(Schema):
    detail: str


class Refused(Schema):
    detail: str
    reasons: list[str]


class SessionIn(Schema):
    provider_ref: str = Field(max_length=100, description="Votre identifiant de la session")
    start_date: datetime.date
    end_date: datetime.date
    enrolment: str = Field("open", description="open, closed ou suspended")
    capacity: int | None = Field(None, ge=1, le=10_000)


class ActionIn(Schema):
    provider_ref: str = Field(max_length=100)
    price_cents: int = Field(gt=0, le=100_000_000, description="Prix TTC en centimes")
    hours: int = Field(gt=0, le=10_000)
    modality: str = Field(description="in_person, remote ou mixed")
    commune_code: str = Field("", max_length=5, description="Code INSEE (COG) ; vide à distance")
    prerequisites: str = Field("", max_length=3000)
    sessions: list[SessionIn] = Field(default_factory=list, max_length=500)


class TrainingIn(Schema):
    provider_ref: str = Field(max_length=100, description="Votre identifiant de la formation")
    title: str = Field(max_length=255)
    objectives: str = Field(max_length=3000)
    content: str = Field("", max_length=10_000)
    expected_results: str = Field("", max_length=3000)
    certification_code: str = Field("", max_length=20, description="RNCP12345 ou RS1234")
    level: int | None = Field(None, ge=1, le=8)
    has_prerequisites: bool = False
    formacodes: list[str] = Field(default_factory=list, max_length=5)
    nsf_codes: list[str] = Field(default_factory=list, max_length=3)
    rome_codes: list[str] = Field(default_factory=list, max_length=5)
    actions: list[ActionIn] = Field(default_factory=list, max_length=50)


class TrainingOut(Schema):
    id: uuid.UUID
    provider_ref: str
    certification_code: str
    actions: int
    sessions: int


class WebhookIn(Schema):
    url: str = Field(max_length=500, pattern=r"^https?://")


class WebhookOut(Schema):
    url: str
    secret: str


class FileOut(Schema):
    id: uuid.UUID
    reference: str
    state: str
    state_label: str
    reason: str
    act_before: datetime.date | None
    late: bool
    holder_first_name: str
    holder_birth_name: str
    session_ref: str
    training_ref: str
    price_cents: int
    hours: int
    start_date: datetime.date
    end_date: datetime.date
    billing: str = Field(description="Facturation : vide, to_bill, billed ou paid")
    billing_label: str
    invoice_number: str | None = Field(None, description="F-AAAA-000123, une fois facturé")
    invoice_amount_cents: int | None = Field(
        None, description="Montant facturé : le prix au prorata du taux de réalisation"
    )
    invoice_due_on: datetime.date | None
    paid_at: datetime.date | None = Field(None, description="Jour du paiement reçu")


class ProposalIn(Schema):
    price_cents: int = Field(gt=0, le=100_000_000)
    start_date: datetime.date
    end_date: datetime.date
    hours: int = Field(gt=0, le=10_000)


class ReasonIn(Schema):
    reason: str = Field(description="Code du motif (voir la description)")
    detail: str = Field("", max_length=500)


class DateIn(Schema):
    date: datetime.date


class TerminateIn(Schema):
    date: datetime.date
    reason: str = Field(description="exit_completed, exit_abandoned ou exit_force_majeure")


class ServiceDoneIn(Schema):
    completion_percent: int = Field(ge=0, le=100)
    absence_hours: int = Field(0, ge=0)
    certification_obtained: bool | None = None
