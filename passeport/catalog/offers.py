"""The one set of rules for writing the offer, whatever the way in (portal forms, LHEO
import, CSV of sessions, API): each function checks the referencing rules and refuses
with French reasons, and creates or updates by the provider's own identifier."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction

from passeport.referentials.models import Commune
from passeport.referentials.models.certifications import resolve_active

from . import referencing, search
from .enums import CodeKind, EnrolmentStatus, Modality
from .models import Action, Session, Training, TrainingCode

CERTIFICATION_RE = re.compile(r"^(RNCP|RS)[0-9]{1,6}$", re.ASCII)
CODE_RES = {
    CodeKind.FORMACODE: re.compile(r"^[0-9]{5}$", re.ASCII),
    CodeKind.NSF: re.compile(r"^[0-9]{3}[a-z]?$", re.ASCII),
    CodeKind.ROME: re.compile(r"^[A-N][0-9]{4}$", re.ASCII),
}
CODE_LIMITS = {CodeKind.FORMACODE: 5, CodeKind.NSF: 3, CodeKind.ROME: 5}


class OfferError(ValueError):
    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


@dataclass
class TrainingData:
    provider_ref: str
    title: str
    objectives: str
    content: str = ""
    expected_results: str = ""
    certification_code: str = ""
    level: int | None = None
    has_prerequisites: bool = False
    codes: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ActionData:
    provider_ref: str
    price_cents: int
    hours: int
    modality: str
    commune_code: str = ""
    prerequisites: str = ""


@dataclass
class SessionData:
    provider_ref: str
    start_date: datetime.date
    end_date: datetime.date
    enrolment: str = EnrolmentStatus.OPEN
    capacity: int | None = None


def _check_codes(codes: dict[str, list[str]]) -> list[str]:
    reasons = []
    for kind, values in codes.items():
        label = CodeKind(kind).label
        if len(values) > CODE_LIMITS[kind]:
            reasons.append(f"Au plus {CODE_LIMITS[kind]} codes {label}.")
        reasons += [
            f"Code {label} invalide : « {value} »."
            for value in values
            if not CODE_RES[kind].match(value)
        ]
    return reasons


@transaction.atomic
def save_training(provider, data: TrainingData) -> Training:
    code = (data.certification_code or "").strip().upper()
    reasons = referencing.provider_refusals(provider)
    if code and not CERTIFICATION_RE.match(code):
        reasons.append(f"Code de certification invalide : « {code} » (RNCP12345 ou RS1234).")
        fiche = None
    else:
        fiche = resolve_active(code) if code else None
        reasons += referencing.certification_refusals(provider, fiche, code)
    if not data.title.strip():
        reasons.append("L'intitulé de la formation est obligatoire.")
    if not data.objectives.strip():
        reasons.append("Les objectifs de la formation sont obligatoires.")
    if data.level is not None and not 1 <= data.level <= 8:
        reasons.append("Le niveau européen est compris entre 1 et 8.")
    reasons += _check_codes(data.codes)
    if reasons:
        raise OfferError(reasons)
    training, _ = Training.objects.update_or_create(
        provider=provider,
        provider_ref=data.provider_ref,
        defaults={
            "title": data.title.strip()[:255],
            "objectives": data.objectives.strip(),
            "content": data.content.strip(),
            "expected_results": data.expected_results.strip(),
            "certification_code": fiche.code if fiche else "",
            "fiche": fiche,
            "level": data.level if data.level is not None else (fiche.level if fiche else None),
            "has_prerequisites": data.has_prerequisites,
        },
    )
    training.codes.all().delete()
    TrainingCode.objects.bulk_create(
        TrainingCode(training=training, kind=kind, code=value)
        for kind, values in data.codes.items()
        for value in dict.fromkeys(values)
    )
    if fiche and not data.codes.get(CodeKind.ROME):
        TrainingCode.objects.bulk_create(
            TrainingCode(training=training, kind=CodeKind.ROME, code=rome)
            for rome in fiche.rome_codes.values_list("rome_code", flat=True)[:5]
        )
    search.index_trainings([training.pk])
    return training


@transaction.atomic
def save_action(training: Training, data: ActionData) -> Action:
    reasons = []
    if data.modality not in Modality.values:
        reasons.append("Modalité inconnue : présentiel, à distance ou mixte.")
    if data.price_cents <= 0:
        reasons.append("Le prix TTC est un montant positif.")
    if data.hours <= 0:
        reasons.append("La durée en heures est positive.")
    commune = None
    if data.commune_code:
        commune = Commune.objects.filter(code=data.commune_code, kind="COM").first()
        if commune is None:
            reasons.append(f"Commune inconnue du code officiel géographique : {data.commune_code}.")
    elif data.modality != Modality.REMOTE:
        reasons.append("Une action en présentiel ou mixte indique la commune où elle a lieu.")
    if reasons:
        raise OfferError(reasons)
    action, _ = Action.objects.update_or_create(
        training=training,
        provider_ref=data.provider_ref,
        defaults={
            "price_cents": data.price_cents,
            "hours": data.hours,
            "modality": data.modality,
            "prerequisites": data.prerequisites,
            "commune_code": commune.code if commune else "",
            "commune_name": commune.name if commune else "",
            "department_code": commune.department_code if commune else "",
            "region_code": commune.region_code if commune else "",
        },
    )
    return action


@transaction.atomic
def save_session(action: Action, data: SessionData) -> Session:
    training = action.training
    reasons = referencing.session_refusals(training.provider, training, data.start_date)
    if data.end_date < data.start_date:
        reasons.append("La fin de la session ne précède pas son début.")
    if data.enrolment not in EnrolmentStatus.values:
        reasons.append("État des inscriptions inconnu.")
    if reasons:
        raise OfferError(reasons)
    session, _ = Session.objects.update_or_create(
        action=action,
        provider_ref=data.provider_ref,
        defaults={
            "start_date": data.start_date,
            "end_date": data.end_date,
            "enrolment": data.enrolment,
            "capacity": data.capacity,
        },
    )
    return session
