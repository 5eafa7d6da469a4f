"""Demo data for orientation, so that `make run` shows it end to end:

- a counselling organisation (a mission locale), whose two demo ProConnect accounts are
  offered by the development identity provider (`identity.devidp.accounts`);
- the third FranceConnect test identity has granted it access (career, diplomas,
  orientation) for two months and has a saved target; its counsellors wrote two steps of
  an action plan (through the real services: grant state machine, journal);
- Luigi BROSSE (FranceConnect's `test_CORSE_2B`, born in Calvi: an identity of the error
  file that logs in normally) holds declared data only: a declared experience, ROME
  skills and a language. He gets an answer from declared items alone.

Idempotent: nothing is done when a counselling organisation exists.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.journal.actors import Actor, ActorKind
from passeport.organisations.models import Organisation
from passeport.organisations.siret import make_siren, make_siret
from passeport.orientation import grants, plans
from passeport.orientation.enums import GrantScope
from passeport.orientation.models import SavedTarget
from passeport.people.models import Person
from passeport.people.nir import make_nir
from passeport.people.services import create_person
from passeport.records import services as records
from passeport.records.enums import DeclaredItemKind
from passeport.records.models import DeclaredItem
from passeport.referentials.models import NafCode, RomeAppellation, RomeCode, RomeSkillLink

from .franceconnect import _identity, read_error_rows

ACTOR = Actor.system("seed_demo")
COUNSELLING_NAME = "Mission locale de démonstration"
COUNSELLING_SIRET = make_siret(make_siren("18590101"), "0017")
DECLARED_ONLY_IDENTITY = "test_CORSE_2B"
# Jobs the demo draws its examples from, the first one loaded wins (the committed
# extract has F17, N11, M18, D11…; the full ROME has them all).
TARGET_JOBS = ("M1805", "F1702", "N1103", "D1102")
DECLARED_JOBS = ("G1803", "D1106", "N1103", "F1702")


def seed(today: datetime.date | None = None, *, test_identities: bool = True) -> dict[str, int]:
    """`test_identities`: whether the population has FranceConnect's test identities
    (`seed_demo --without-test-identities`); Luigi BROSSE is one, created only then."""
    today = today or timezone.localdate()
    if Organisation.objects.filter(is_counselling=True).exists():
        return {}
    done = {}
    with transaction.atomic():
        organisation = _organisation()
        done["organisations d'accompagnement"] = 1
        # The test identities are created first; the first two are the prevention demo's.
        holder = next(iter(Person.objects.order_by("pk")[2:3]), None)
        if holder is not None:
            done["accès accordés"] = _grant(holder, organisation, today)
        if test_identities and _declared_only_holder():
            done["titulaire aux seules données déclarées"] = 1
    return done


def _organisation() -> Organisation:
    naf = "88.99B" if NafCode.objects.filter(code="88.99B").exists() else ""
    return Organisation.objects.create(
        siret=COUNSELLING_SIRET, name=COUNSELLING_NAME, naf_code=naf, is_counselling=True
    )


def _first_code(codes) -> RomeCode | None:
    found = {rome.code: rome for rome in RomeCode.objects.filter(code__in=codes)}
    return next((found[code] for code in codes if code in found), None)


def _grant(holder, organisation, today) -> int:
    holder_actor = Actor(ActorKind.HOLDER, f"demo-{holder.public_id}", holder.first_names)
    grant = grants.grant_access(
        holder,
        organisation,
        scopes=[GrantScope.CAREER, GrantScope.CERTIFICATIONS, GrantScope.ORIENTATION],
        ends_on=today + datetime.timedelta(days=60),
        purpose="Projet de reconversion",
        actor=holder_actor,
        today=today,
    )
    rome = _first_code(TARGET_JOBS)
    if rome is not None:
        SavedTarget.objects.create(
            person=holder,
            rome=rome,
            appellation=RomeAppellation.objects.filter(rome=rome).order_by("ogr").first(),
        )
    counsellor = Actor(
        ActorKind.PROFESSIONAL, "demo-conseillere", f"Camille R., {organisation.name}"
    )
    plans.add_step(
        grant,
        title="Faire le point sur les compétences à acquérir",
        detail="Relire ensemble l'écart au métier visé, cœur de métier d'abord.",
        due_on=today + datetime.timedelta(days=14),
        actor=counsellor,
    )
    plans.add_step(
        grant,
        title="Choisir une certification ou un bloc de compétences",
        detail="Parmi les formations proposées sous l'écart : comparer durée et blocs.",
        due_on=today + datetime.timedelta(days=30),
        actor=counsellor,
    )
    return 1


def _declared_only_holder() -> bool:
    row = next((r for r in read_error_rows() if r["identifiant"] == DECLARED_ONLY_IDENTITY), None)
    identity = _identity(row) if row else None
    if identity is None:
        return False
    born = identity.birth_date
    person = None
    for order in range(101, 120):
        try:
            with transaction.atomic():
                person = create_person(
                    actor=ACTOR,
                    nir=make_nir(identity.sex, born.year, born.month, identity.birthplace, order),
                    birth_name=identity.birth_name,
                    usage_name=identity.usage_name,
                    first_names=identity.first_names,
                    sex=identity.sex,
                    birth_year=born.year,
                    birth_month=born.month,
                    birth_day=born.day,
                    birth_commune_code=identity.birthplace,
                    birth_country_code=identity.birthcountry,
                    email=identity.email,
                )
            break
        except IntegrityError:
            continue
    if person is None:
        return False
    now = timezone.now()

    def declared(**fields):
        return records.build_record(
            DeclaredItem, person, records.Provenance.from_holder(now), **fields
        )

    built = [declared(item_kind=DeclaredItemKind.LANGUAGE, title="Italien", language_level="C1")]
    rome = _first_code(DECLARED_JOBS)
    if rome is not None:
        appellation = RomeAppellation.objects.filter(rome=rome).order_by("ogr").first()
        built.append(
            declared(
                item_kind=DeclaredItemKind.EXPERIENCE,
                title=(appellation.short_label if appellation else rome.label)[:255],
                organisation_name="Restaurant familial",
                start_date=datetime.date(2015, 6, 1),
                end_date=datetime.date(2021, 9, 30),
            )
        )
        built += [
            declared(item_kind=DeclaredItemKind.SKILL, title=label[:255], rome_skills=[ogr])
            for ogr, label in RomeSkillLink.objects.filter(rome=rome, skill__is_macro=False)
            .order_by("centrality", "skill__ogr")
            .values_list("skill__ogr", "skill__label")[:6]
        ]
    records.store_many(built, actor=ACTOR)
    return True
