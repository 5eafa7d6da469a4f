"""Demo data for the funders' portal, so that `make run` shows it end to end:

- a demo Région (a funder, with ProConnect demo accounts offered by the development
  identity provider), its convention approved, an envelope of 50,000 € and a published
  rule: 800 € for residents of Île-de-France (region 11), any certification;
- the demo's first employer also funds: its convention is approved and it has sent a
  corrective 3,000 € credit order for the first FranceConnect test identity, waiting for
  its transfer (an operator confirms it in the admin: the holder then sees it in « Mes
  droits »).

Through the real services (state machines, journal). Idempotent: nothing is done when a
convention exists."""

import datetime

from django.db import transaction
from django.utils import timezone

from passeport.funding.enums import Channel, ConventionStatus, CreditKind, RuleStatus
from passeport.funding.lifecycle import decide_convention, move_rule
from passeport.funding.models import Convention, ConventionTransition, Envelope
from passeport.funding.orders import LineInput, OrderInput, receive_order
from passeport.funding.rules import RuleInput, save_rule
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.organisations.siret import make_siren, make_siret
from passeport.people.models import Person

ACTOR = Actor.system("seed_demo")
REGION_NAME = "Région Île-de-France (démonstration)"
REGION_SIRET = make_siret(make_siren("23750007"), "0019")
DEMO_ORDER = "DEMO-CORRECTIF-1"


def _approved_convention(funder, today: datetime.date) -> Convention:
    convention = Convention.objects.create(
        funder=funder, title="Convention de co-construction", starts_on=today.replace(day=1)
    )
    ConventionTransition.objects.create(
        convention=convention, to_status=convention.status, actor_label=ACTOR.label
    )
    return decide_convention(convention, ConventionStatus.APPROVED, actor=ACTOR)


def seed(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    if Convention.objects.exists():
        return {}
    done = {}
    with transaction.atomic():
        region = Organisation.objects.create(
            siret=REGION_SIRET, name=REGION_NAME, naf_code="", is_funder=True
        )
        _approved_convention(region, today)
        envelope = Envelope.objects.create(
            funder=region, name="Transition numérique 2026", budget_cents=5_000_000
        )
        rule = save_rule(
            region,
            RuleInput(
                name="Transition numérique des Franciliens",
                starts_on=today.replace(day=1),
                fixed_cents=80_000,
                targets={"region": ["11"]},
            ),
            envelope,
            actor=ACTOR,
        )
        move_rule(rule, RuleStatus.PUBLISHED, actor=ACTOR)
        done["financeurs"] = 1
        done["règles publiées"] = 1
        employer = Organisation.objects.filter(is_employer=True).order_by("pk").first()
        holder = Person.objects.order_by("pk").first()
        if employer is not None and holder is not None:
            employer.is_funder = True
            employer.save(update_fields=["is_funder"])
            _approved_convention(employer, today)
            result = receive_order(
                employer,
                OrderInput(
                    external_id=DEMO_ORDER,
                    kind=CreditKind.CORRECTIVE,
                    transfer_reference=f"CPF-{employer.siren}-BAFO-{today:%d%m%y}",
                    lines=[LineInput(1, holder.reveal_nir(), holder.birth_name, "300000")],
                ),
                channel=Channel.DEMO,
                actor=ACTOR,
            )
            done["commandes d'abondement en attente de virement"] = int(result.created)
    return done
