"""A deterministic demo population: persons with valid NIRs consistent with their birth
data and real birthplaces, careers at organisations with valid SIRETs and real NAF
codes, certifications with real RNCP/RS codes, prevention trainings (some expired, some
expiring within 90 days), engagements and declared items; plus FranceConnect's test
identities, so that they can log in.

Everything goes through the people and records layers in bulk (`records.services.
store_many`, `journal.append`): same provenance, same journal as any import.

One module on purpose, though longer than the house's ~400 lines: the demo is one
story (who works where, holds what, logs in as whom), and its parts refer to each other's
choices; split, the story would be read across files.
"""

import datetime
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from faker.providers.person.fr_FR import Provider as FrenchNames

from passeport.consent.models import ConsentScope, PreventionConsent
from passeport.core.bulk import bulk_insert, new_instance
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.organisations.siret import make_siren, make_siret
from passeport.people.models import Person
from passeport.people.nir import NirError, make_nir
from passeport.people.services import build_person
from passeport.records import services as records
from passeport.records.enums import SourceKind
from passeport.records.models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    Engagement,
    PreventionTraining,
    Training,
)
from passeport.referentials.models import (
    Commune,
    Country,
    Fiche,
    FicheCertifier,
    NafCode,
    RomeAppellation,
)

from . import catalogue
from .franceconnect import TestIdentity, read_identities

ACTOR = Actor.system("seed_demo")
FIRST_NAMES = {"M": FrenchNames.first_names_male, "F": FrenchNames.first_names_female}
LAST_NAMES = FrenchNames.last_names
CONTRACT_NATURES = ["01"] * 12 + ["02"] * 5 + ["03"] * 2 + ["29"]


class ReferentialsMissing(Exception):
    pass


@dataclass
class Pools:
    """What the generator draws from, read once from the referentials."""

    communes: list[tuple[str, str]]  # (code, department)
    countries: list[str]
    job_titles: list[str]
    fiches: list[tuple[str, str, str, int | None, str]]  # code, kind, title, level, certifier
    prevention_codes: dict[str, str] = field(default_factory=dict)
    naf_codes: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> "Pools":
        communes = list(
            Commune.objects.filter(kind__in=["COM", "ARM"])
            .exclude(code__in=["75056", "69123", "13055"])  # cities with arrondissements
            .values_list("code", "department_code")
            .order_by("code")
        )
        countries = list(
            Country.objects.exclude(code="99100").values_list("code", flat=True).order_by("code")
        )
        job_titles = list(
            RomeAppellation.objects.values_list("short_label", flat=True).order_by("ogr")[:5000]
        )
        certifier_by_fiche = dict(
            FicheCertifier.objects.order_by("fiche_id", "pk").values_list("fiche_id", "name")
        )
        fiches = [
            (code, kind, title, level, certifier_by_fiche.get(pk, ""))
            for pk, code, kind, title, level in Fiche.objects.filter(active=True)
            .order_by("code")
            .values_list("pk", "code", "kind", "title", "level")[:20000]
        ]
        if not communes or not countries or not fiches:
            raise ReferentialsMissing(
                "Les référentiels ne sont pas chargés : lancez d'abord "
                "« manage.py load_referentials »."
            )
        pools = cls(communes, countries, job_titles or ["Employé polyvalent"], fiches)
        pools.naf_codes = set(NafCode.objects.values_list("code", flat=True))
        for title, _kind, _months, words in catalogue.PREVENTION_TRAININGS:
            if words:
                match = _find_rs(words)
                if match:
                    pools.prevention_codes[title] = match
        return pools


def _find_rs(words: str) -> str:
    from passeport.referentials.text import normalize

    query = Fiche.objects.filter(kind="RS", active=True)
    for word in normalize(words).split():
        query = query.filter(search_text__contains=word)
    return query.order_by("code").values_list("code", flat=True).first() or ""


def _build_record(model, person, provenance, **fields):
    """`records.build_record`, built with `new_instance` (`Model.__init__` shows on
    100,000 holders); `tests/demo/test_seed_demo.py` checks they build the same records."""
    return new_instance(
        model,
        person=person,
        source_kind=provenance.source_kind,
        declarant=provenance.declarant,
        received_at=provenance.received_at,
        source_reference=provenance.reference[:255],
        assurance=provenance.assurance,
        **fields,
    )


class Generator:
    def __init__(self, seed: int, today: datetime.date, pools: Pools):
        self.rng = random.Random(seed)
        self.today = today
        self.pools = pools
        # The demo is seeded into an empty database: only its own NIRs can collide.
        self.used_nir13: set[str] = set()
        self.now = timezone.now()

    # --- identifiers ----------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def nir(self, sex, year, month, place) -> str:
        for _ in range(50):
            nir = make_nir(sex, year, month, place, self.rng.randint(1, 999))
            if nir[:13] not in self.used_nir13:
                self.used_nir13.add(nir[:13])
                return nir
        raise NirError("Plus de numéro d'ordre libre pour cette naissance.")

    # --- organisations --------------------------------------------------------------

    def organisations(self, holders: int) -> dict[str, list[Organisation]]:
        rng = self.rng
        trades = [t for t in catalogue.EMPLOYER_TRADES if t[1] in self.pools.naf_codes] or [
            ("Entreprise", "")
        ]
        sirets: set[str] = set()

        def new_siret():
            while True:
                siret = make_siret(
                    make_siren(f"{rng.randint(10_000_000, 99_999_999)}"),
                    f"{rng.randint(1, 9999):04d}",
                )
                if siret not in sirets:
                    sirets.add(siret)
                    return siret

        employers = []
        for _ in range(max(20, min(20_000, holders // 50))):
            trade, naf = rng.choice(trades)
            employers.append(
                Organisation(
                    public_id=self.uuid(),
                    siret=new_siret(),
                    name=f"{trade} {rng.choice(LAST_NAMES)} {rng.choice(catalogue.LEGAL_FORMS)}",
                    naf_code=naf,
                    is_employer=True,
                )
            )
        providers = []
        for index in range(max(5, min(2_000, holders // 500))):
            providers.append(
                Organisation(
                    public_id=self.uuid(),
                    siret=new_siret(),
                    name=f"Centre de formation {rng.choice(LAST_NAMES)} Prévention",
                    naf_code="85.59A" if "85.59A" in self.pools.naf_codes else "",
                    is_training_provider=True,
                    is_employer=True,
                    nda_number=f"{rng.choice([11, 24, 32, 44, 52, 75, 84, 93])}"
                    f"{rng.randint(0, 999_999_999):09d}",
                    qualiopi_valid_until=self.today + datetime.timedelta(days=365 + index),
                )
            )
        certifiers = {}
        for _code, _kind, _title, _level, certifier in self.pools.fiches:
            if certifier and certifier not in certifiers and len(certifiers) < 200:
                certifiers[certifier] = Organisation(
                    public_id=self.uuid(),
                    siret=new_siret(),
                    name=certifier[:255],
                    naf_code="85.59A" if "85.59A" in self.pools.naf_codes else "",
                    is_certifier=True,
                    certifier_id_client=f"{rng.getrandbits(40):010X}"[-8:],
                )
        for org in employers + providers + list(certifiers.values()):
            org.siren = org.siret[:9]
        Organisation.objects.bulk_create(
            employers + providers + list(certifiers.values()), batch_size=500
        )
        return {"employers": employers, "providers": providers, "certifiers": certifiers}

    # --- persons --------------------------------------------------------------------

    def random_person(self) -> Person:
        rng = self.rng
        sex = rng.choice("MF")
        year = rng.randint(self.today.year - 64, self.today.year - 16)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        for _ in range(20):
            if rng.random() < 0.92:
                commune, _dept = rng.choice(self.pools.communes)
                place, country = commune, "99100"
            else:
                place = country = rng.choice(self.pools.countries)
                commune = ""
            try:
                nir = self.nir(sex, year, month, place)
                return build_person(
                    nir=nir,
                    birth_name=rng.choice(LAST_NAMES),
                    first_names=" ".join(rng.sample(FIRST_NAMES[sex], rng.choice([1, 2, 2, 3]))),
                    sex=sex,
                    birth_year=year,
                    birth_month=month,
                    birth_day=None if rng.random() < 0.01 else day,
                    birth_commune_code=commune,
                    birth_country_code=country,
                )
            except NirError:
                # A commune that did not exist at that birth date (e.g. Essonne before
                # 1968): draw another birthplace.
                continue
        raise NirError("Aucun lieu de naissance cohérent trouvé.")

    def identity_person(self, identity: TestIdentity) -> Person | None:
        born = identity.birth_date
        place = identity.birthplace or identity.birthcountry
        try:
            nir = self.nir(identity.sex, born.year, born.month, place)
            return build_person(
                nir=nir,
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
        except (NirError, ValueError):
            return None

    # --- records --------------------------------------------------------------------

    def passport(self, person: Person, orgs, *, rich: bool = False) -> list:
        rng, today = self.rng, self.today
        built = []
        adult = datetime.date(person.birth_year + 18, person.birth_month or 6, 1)
        start = adult + datetime.timedelta(days=rng.randint(0, 5 * 365))
        periods = rng.randint(2, 5) if rich else rng.randint(0, 5)
        for index in range(periods):
            if start >= today:
                break
            employer = rng.choice(orgs["employers"])
            months = rng.randint(3, 120)
            end = start + datetime.timedelta(days=months * 30)
            ongoing = index == periods - 1 and rng.random() < 0.7
            if end >= today:
                end, ongoing = None, True
            if rich and (ongoing or index == periods - 1):
                # A test identity works today for the first demo employer, the one with
                # ProConnect demo accounts: « give consent, then see it on the employer's
                # board » can be done with two demo logins.
                employer, end, ongoing = orgs["employers"][0], None, True
            built.append(
                _build_record(
                    EmploymentPeriod,
                    person,
                    records.Provenance(
                        SourceKind.DSN,
                        self.now,
                        employer,
                        f"DSN mensuelle {employer.siret} {start:%Y-%m}",
                    ),
                    public_id=self.uuid(),
                    lineage=self.uuid(),
                    employer=employer,
                    employer_name=employer.name,
                    siret=employer.siret,
                    contract_number=f"{rng.randint(1, 99999):05d}",
                    contract_nature=rng.choice(CONTRACT_NATURES),
                    job_title=rng.choice(self.pools.job_titles)[:255],
                    start_date=start,
                    end_date=None if ongoing else end,
                )
            )
            if ongoing:
                break
            start = end + datetime.timedelta(days=rng.randint(1, 365))

        for _ in range(rng.randint(1, 2) if rich else rng.choice([0, 0, 1, 1, 2])):
            code, kind, title, level, certifier_name = rng.choice(self.pools.fiches)
            awarded = min(
                adult + datetime.timedelta(days=rng.randint(0, 12 * 365)),
                today - datetime.timedelta(days=rng.randint(30, 365)),
            )
            if awarded.year - person.birth_year < 16:
                continue
            certifier = orgs["certifiers"].get(certifier_name)
            built.append(
                _build_record(
                    Certification,
                    person,
                    records.Provenance(
                        SourceKind.ACCROCHAGE,
                        self.now,
                        certifier,
                        f"Accrochage {code} passage {rng.getrandbits(32):08x}",
                    ),
                    public_id=self.uuid(),
                    lineage=self.uuid(),
                    certification_kind=kind,
                    code=code,
                    title=title[:500],
                    level=level,
                    certifier=certifier,
                    certifier_name=certifier_name[:255],
                    awarded_on=awarded,
                    valid_from=awarded,
                    award_mode="PAR_ADMISSION",
                )
            )

        trainings = rng.sample(
            catalogue.PREVENTION_TRAININGS,
            rng.randint(2, 3) if rich else rng.choice([0, 1, 1, 2, 3]),
        )
        if rich and not any(months for _t, _k, months, _w in trainings):
            # A rich passport always shows one training about to expire: one that renews.
            trainings[0] = next(t for t in catalogue.PREVENTION_TRAININGS if t[2])
        expiring = rich
        for title, kind, months, _words in trainings:
            provider = rng.choice(orgs["providers"])
            if expiring and months:
                expiring = False
                valid_until = today + datetime.timedelta(days=rng.randint(10, 80))
                end = valid_until - datetime.timedelta(days=months * 30)
            else:
                end = today - datetime.timedelta(days=rng.randint(20, 5 * 365))
                valid_until = end + datetime.timedelta(days=months * 30) if months else None
            begin = end - datetime.timedelta(days=rng.randint(0, 4))
            built.append(
                _build_record(
                    PreventionTraining,
                    person,
                    records.Provenance(
                        SourceKind.TRAINING_PROVIDER,
                        self.now,
                        provider,
                        f"Déclaration {kind} {provider.siret} n° {rng.randint(1, 10**6)}",
                    ),
                    public_id=self.uuid(),
                    lineage=self.uuid(),
                    declaration_kind=kind,
                    title=title,
                    provider_name=provider.name,
                    start_date=begin,
                    end_date=end,
                    valid_from=end,
                    valid_until=valid_until,
                    certification_code=self.pools.prevention_codes.get(title, ""),
                    training_kind=catalogue.PREVENTION_KIND_CODES[title],
                    partner_unique_id=str(self.uuid()),
                )
            )

        if rng.random() < (0.5 if rich else 0.2):
            provider = rng.choice(orgs["providers"])
            code, _kind, title, _level, _cert = rng.choice(self.pools.fiches)
            begin = today - datetime.timedelta(days=rng.randint(60, 8 * 365))
            built.append(
                _build_record(
                    Training,
                    person,
                    records.Provenance(
                        SourceKind.MON_COMPTE_FORMATION,
                        self.now,
                        provider,
                        f"Dossier CPF {rng.randint(10**9, 10**10 - 1)}",
                    ),
                    public_id=self.uuid(),
                    lineage=self.uuid(),
                    title=title[:500],
                    provider=provider,
                    provider_name=provider.name,
                    start_date=begin,
                    end_date=begin + datetime.timedelta(days=rng.randint(2, 120)),
                    hours=rng.choice([14, 21, 35, 70, 140, 400]),
                    certification_code=code,
                    funded_by_cpf=True,
                )
            )

        if rng.random() < 0.08:
            kind, organisation, role, hours = rng.choice(catalogue.ENGAGEMENTS)
            begin = adult + datetime.timedelta(days=rng.randint(0, 10 * 365))
            if begin < today:
                built.append(
                    _build_record(
                        Engagement,
                        person,
                        records.Provenance(
                            SourceKind.CEC, self.now, None, "CEC déclaration annuelle"
                        ),
                        public_id=self.uuid(),
                        lineage=self.uuid(),
                        engagement_kind=kind,
                        organisation_name=organisation,
                        role=role,
                        start_date=begin,
                        end_date=min(today, begin + datetime.timedelta(days=365)),
                        hours=hours,
                    )
                )

        if rng.random() < (0.6 if rich else 0.25):
            kind, title, level = rng.choice(catalogue.DECLARED)
            built.append(
                _build_record(
                    DeclaredItem,
                    person,
                    records.Provenance.from_holder(self.now),
                    public_id=self.uuid(),
                    lineage=self.uuid(),
                    item_kind=kind,
                    title=title,
                    language_level=level,
                )
            )
        return built


def _consents(generator: "Generator", built: list) -> None:
    """Most employees let their current employer see their passeport de prévention (all of
    it; a few a chosen part, a few nothing), so the employers' follow-up board has data.
    Only holders who have logged in already (CPF activated): a test identity's first login
    is yet to come, and nothing of theirs is dated before it."""
    rng = generator.rng
    consents, events = [], []
    for record in built:
        if not isinstance(record, EmploymentPeriod) or record.end_date is not None:
            continue
        if record.person.cpf_activated_at is None:
            continue
        draw = rng.random()
        if draw >= 0.8:
            continue
        scope = ConsentScope.ALL if draw < 0.7 else ConsentScope.NONE
        consents.append(
            PreventionConsent(
                person_id=record.person_id, employer_id=record.employer_id, scope=scope
            )
        )
        events.append(
            journal.Event(
                ACTOR,
                "consent.prevention_updated",
                "organisations.Organisation",
                str(record.employer.public_id),
                record.person_id,
                payload={"siret": record.employer.siret, "scope": scope, "lineages": []},
            )
        )
    bulk_insert(PreventionConsent, consents)
    journal.append(events)


def seed(
    holders: int,
    *,
    seed: int,
    today: datetime.date,
    batch_size: int = 1000,
    include_test_identities: bool = True,
) -> Iterator[int]:
    """Creates the population; yields the number of holders written after each batch."""
    pools = Pools.load()
    generator = Generator(seed, today, pools)
    with transaction.atomic():
        orgs = generator.organisations(holders)
    identities = read_identities() if include_test_identities else []
    identities = identities[:holders]
    written = 0
    while written < holders:
        size = min(batch_size, holders - written)
        people, rich = [], []
        while identities and len(people) < size:
            person = generator.identity_person(identities.pop(0))
            if person is not None:
                people.append(person)
                rich.append(True)
        while len(people) < size:
            people.append(generator.random_person())
            rich.append(False)
        with transaction.atomic():
            for person, is_test_identity in zip(people, rich, strict=True):
                person.public_id = generator.uuid()
                # Test identities activate their account at their first login; most
                # others already have.
                if not is_test_identity and generator.rng.random() < 0.7:
                    person.cpf_activated_at = generator.now
            bulk_insert(Person, people)
            pks = dict(
                Person.objects.filter(public_id__in=[p.public_id for p in people]).values_list(
                    "public_id", "pk"
                )
            )
            for person in people:
                person.pk = person.id = pks[person.public_id]
            journal.append(
                journal.Event(ACTOR, "person.created", "people.Person", str(p.public_id), p.pk)
                for p in people
            )
            built = []
            for person, is_rich in zip(people, rich, strict=True):
                built.extend(generator.passport(person, orgs, rich=is_rich))
            records.store_many(built, actor=ACTOR)
            _consents(generator, built)
        written += size
        yield written
