"""Demo prevention declarations, so that `make run` shows the lifecycle to the demo
professional accounts (`identity.devidp.accounts.demo_organisations`: the first
training provider and the first employer of the database) and to the first test
identities' holders.

Everything goes through the real paths: `prevention.services.Declarer` (rules, records,
journal) and `prevention.lifecycle` (corrections, cancellation, reviews, settlement).
The provider declares for the employer's employees:

- a recent SST session: lines **to verify** by the employer (one confirmed);
- an electrical habilitation session that ended over a year ago, declared **late**, whose
  review deadline has passed: **deemed verified** once settled;
- a CACES JDR on which the employer **asked for a correction**, and a line the provider
  then **corrected** (a new version with its reason, visible in the holder's history);
- a session without employer with one **cancelled** line;

and the employer declares a working-at-height training itself, after the provider's
deadline (a **reprise**).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.people.models import Person
from passeport.prevention import lifecycle
from passeport.prevention.enums import Channel, DeclarantRole
from passeport.prevention.models import Declaration, DeclarationLine
from passeport.prevention.services import ACCEPTED, Declarer
from passeport.records.models import EmploymentPeriod
from passeport.referentials.models import RomeCode

# ROME codes of trades exposed to the risks these trainings address (first found wins).
PREFERRED_ROME = ("H2909", "H2913", "I1304", "N1101", "F1703", "K2204", "F1602", "N1103")


def _fr(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _skills() -> list[str]:
    codes = list(RomeCode.objects.filter(code__in=PREFERRED_ROME).values_list("code", flat=True))
    if len(codes) < 3:
        codes += list(
            RomeCode.objects.exclude(code__in=codes)
            .order_by("code")
            .values_list("code", flat=True)[: 3 - len(codes)]
        )
    return sorted(codes)[:3]


def _trainees(employer: Organisation, count: int) -> list[Person]:
    """The first test identities (so that a demo holder sees declarations), then the
    employer's employees, then anyone."""
    chosen: list[Person] = list(Person.objects.order_by("pk")[:2])
    employees = (
        EmploymentPeriod.objects.filter(employer=employer)
        .exclude(person__in=chosen)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()[: count - len(chosen)]
    )
    chosen += list(Person.objects.filter(pk__in=list(employees)).order_by("pk"))
    if len(chosen) < count:
        chosen += list(
            Person.objects.exclude(pk__in=[p.pk for p in chosen]).order_by("pk")[
                : count - len(chosen)
            ]
        )
    return chosen[:count]


def _training(title, start, end, skills, **extra) -> dict:
    values = {
        "REFERENCE_DECLARATION": f"SESSION-{end:%Y%m%d}",
        "NOM_FORMATION": title,
        "DATE_DEBUT_FORMATION": _fr(start),
        "DATE_FIN_FORMATION": _fr(end),
        "MODALITE_DISPENSE": "PRESENTIEL",
        "COMPETENCE_TRANSFERABLE": "/".join(skills),
        "QUALIFICATION_FORMATEUR": "PREVENTEUR",
        "FORMATION_CERTIFIANTE": "NON",
        "DOMAINE_FORMATION": "42866",
        "SPECIALITE_FORMATION": "344t",
    }
    values.update(extra)
    return values


def _line(declaration_id, person, employer, valid_from, **extra) -> dict:
    values = {
        "ID_DECLARATION": declaration_id,
        "ID_UNIQUE_PARTENAIRE": f"{declaration_id}-{person.public_id.hex[:12]}",
        "NIR": person.reveal_nir()[:13],
        "NOM_TITULAIRE": person.birth_name[:30],
        "PRESENCE_EMPLOYEUR": "OUI" if employer else "NON",
        "SIRET_EMPLOYEUR": employer.siret if employer else "",
        "REFERENCE_EMPLOYEUR": f"BC-{valid_from:%y%m}" if employer else "",
        "DATE_DEBUT_VALIDITE": _fr(valid_from),
    }
    values.update(extra)
    return values


def _declare(declarant, role, kind, lines, now) -> list[DeclarationLine]:
    declarer = Declarer(kind, declarant, role, Channel.WEB, now=now, source_label="Démonstration")
    rows = [(n, declarer.rules.row_from_mapping(values)) for n, values in enumerate(lines, 2)]
    accepted = [r.partner_unique_id for r in declarer.declare(rows) if r.status == ACCEPTED]
    return list(
        DeclarationLine.objects.filter(
            declarant=declarant, partner_unique_id__in=accepted
        ).order_by("pk")
    )


@transaction.atomic
def seed(today: datetime.date) -> dict[str, int]:
    """Creates the demo declarations; returns counts by kind of situation. Does nothing
    (empty counts) without a provider, an employer, persons or ROME codes, or if the
    provider already has declarations."""
    provider = Organisation.objects.filter(is_training_provider=True).order_by("pk").first()
    employer = (
        Organisation.objects.filter(is_employer=True)
        .exclude(pk=getattr(provider, "pk", None))
        .order_by("pk")
        .first()
    )
    skills = _skills()
    if provider is None or employer is None or len(skills) < 3:
        return {}
    if Declaration.objects.filter(declarant=provider).exists():
        return {}
    people = _trainees(employer, 8)
    if len(people) < 4:
        return {}
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 30)))
    days = datetime.timedelta
    provider_actor = Actor.for_organisation(provider)
    employer_actor = Actor.for_organisation(employer)

    # To verify: a recent SST session of the employer's employees.
    end = today - days(20)
    sst = _training("Sauveteur secouriste du travail (SST)", end - days(1), end, skills)
    to_verify = _declare(
        provider,
        DeclarantRole.PROVIDER,
        "ADF",
        [{**sst, **_line("DEMO-SST", p, employer, end)} for p in people[:4]],
        now,
    )
    if to_verify:
        lifecycle.confirm(
            to_verify[-1], organisation=employer, user=None, actor=employer_actor, today=today
        )

    # Late and deemed verified: a session that ended more than a year ago.
    end = today - days(420)
    habilitation = _training(
        "Habilitation électrique B1V-BR-BC",
        end - days(2),
        end,
        skills,
        DATE_FIN_VALIDITE=_fr(end + days(3 * 365)),
    )
    late = _declare(
        provider,
        DeclarantRole.PROVIDER,
        "ADF",
        [{**habilitation, **_line("DEMO-HABELEC", p, employer, end)} for p in people[2:6]],
        now,
    )
    settled = lifecycle.settle_reviews(today)

    # A JDR: the employer asks for a correction; the provider corrects one line.
    end = today - days(45)
    caces = _training(
        "Préparation au CACES R489",
        end - days(4),
        end,
        skills,
        TYPE_JDR="CERTIFICAT",
        NOM_JDR="CACES R489 — chariots de manutention automoteurs",
        MODE_OBTENTION="PAR_ADMISSION",
        PRESENCE_FORMATION="OUI",
    )
    jdr_lines = _declare(
        provider,
        DeclarantRole.PROVIDER,
        "JDR",
        [
            {
                **caces,
                **_line("DEMO-CACES", p, employer, end, RESULTAT_OBTENU="Admis"),
                "DATE_FIN_VALIDITE": _fr(end + days(365)),
            }
            for p in people[:3]
        ],
        now,
    )
    corrected = 0
    if jdr_lines:
        lifecycle.request_correction(
            jdr_lines[1],
            organisation=employer,
            user=None,
            actor=employer_actor,
            message="Le CACES R489 est valable 5 ans, pas 1 an : merci de corriger la fin de "
            "validité.",
            today=today,
        )
        lifecycle.request_correction(
            jdr_lines[0],
            organisation=employer,
            user=None,
            actor=employer_actor,
            message="Fin de validité erronée.",
            today=today,
        )
        lifecycle.correct_line(
            jdr_lines[0],
            changes={"DATE_FIN_VALIDITE": end + days(5 * 365)},
            reason="Validité du CACES R489 portée à 5 ans à la demande de l'employeur",
            actor=provider_actor,
        )
        corrected = 1

    # Without employer, one line cancelled.
    end = today - days(60)
    gestures = _training("Gestes et postures — prévention des TMS", end, end, skills)
    alone = _declare(
        provider,
        DeclarantRole.PROVIDER,
        "ADF",
        [{**gestures, **_line("DEMO-TMS", p, None, end)} for p in people[4:8]],
        now,
    )
    cancelled = 0
    if alone:
        lifecycle.cancel_line(
            alone[-1], reason="Stagiaire absent à la session", actor=provider_actor
        )
        cancelled = 1

    # A reprise: the employer declares a training its provider did not declare in time.
    end = today - days(200)
    height = _training("Travail en hauteur — port du harnais", end, end, skills)
    reprise = _declare(
        employer,
        DeclarantRole.EMPLOYER,
        "ADF",
        [{**height, **_line("DEMO-HAUTEUR", p, employer, end)} for p in people[:2]],
        now,
    )
    return {
        "to_verify": len(to_verify),
        "late": len(late),
        "deemed_verified": settled,
        "correction_requested": max(len(jdr_lines) - 1, 0),
        "corrected": corrected,
        "cancelled": cancelled,
        "reprise": len(reprise),
    }
