"""Rules as data: a table of cases (holder × training × rules → expected split), run
through the SQL pre-filter and the combination, and checked against the simulation's
own reading of each rule."""

import datetime

import pytest

from passeport.funding import engine
from passeport.funding.enums import RuleStatus
from passeport.funding.lifecycle import move_rule
from passeport.funding.rules import RuleInput, save_rule, simulate
from passeport.journal.actors import Actor
from tests.factories_funding import ConventionFactory, EnvelopeFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")
DAY = datetime.date(2026, 6, 1)

REGION = {"name": "Région", "fixed_cents": 80_000, "targets": {"region": ["11"]}}
EMPLOYER = {"name": "Employeur", "percent_bp": 5000, "targets": {"employer": ["1" * 14]}}
CASES = [
    # (case, rules by funder, holder profile, training, expected {funder: cents})
    ("no rule", [], {}, {}, {}),
    ("fixed, resident", [("R", REGION)], {"region_code": "11"}, {}, {"R": 80_000}),
    ("fixed, elsewhere", [("R", REGION)], {"region_code": "84"}, {}, {}),
    ("fixed capped by what remains", [("R", REGION)], {"region_code": "11"},
     {"price_cents": 150_000, "rights_cents": 100_000}, {"R": 50_000}),
    ("percentage of what remains after rights", [("E", EMPLOYER)],
     {"employer_sirets": frozenset({"1" * 14})}, {"rights_cents": 100_000}, {"E": 100_000}),
    ("two funders: first published first", [("R", REGION), ("E", EMPLOYER)],
     {"region_code": "11", "employer_sirets": frozenset({"1" * 14})},
     {"price_cents": 200_000, "rights_cents": 40_000}, {"R": 80_000, "E": 80_000}),
    ("two funders: the second gets only what remains", [("R", REGION), ("E", EMPLOYER)],
     {"region_code": "11", "employer_sirets": frozenset({"1" * 14})},
     {"price_cents": 200_000, "rights_cents": 100_000}, {"R": 80_000, "E": 20_000}),
    ("one rule per funder", [("R", REGION), ("R", {**REGION, "fixed_cents": 10_000})],
     {"region_code": "11"}, {}, {"R": 80_000}),
    ("certification restricted", [("R", {**REGION, "targets": {"certification": ["RS1234"]}})],
     {}, {"certification_code": "RNCP12345"}, {}),
    ("certification matched", [("R", {**REGION, "targets": {"certification": ["RS1234"]}})],
     {}, {"certification_code": "RS1234"}, {"R": 80_000}),
    ("ROME any of", [("R", {**REGION, "targets": {"rome": ["M1805", "K2111"]}})],
     {}, {"rome_codes": ("A1101", "K2111")}, {"R": 80_000}),
    ("too expensive", [("R", {**REGION, "targets": {}, "max_price_cents": 100_000})],
     {}, {"price_cents": 100_001}, {}),
    ("age band", [("R", {**REGION, "targets": {}, "age_min": 45})], {"age": 44}, {}, {}),
    ("age band met", [("R", {**REGION, "targets": {}, "age_min": 45})], {"age": 45}, {},
     {"R": 80_000}),
    ("job seekers only", [("R", {**REGION, "targets": {}, "job_seekers_only": True})],
     {"job_seeker": False}, {}, {}),
    ("below level 3", [("R", {**REGION, "targets": {}, "below_level_3_only": True})],
     {"below_level_3": True}, {}, {"R": 80_000}),
    ("modality", [("R", {**REGION, "targets": {}, "modalities": ["in_person"]})],
     {}, {"modality": "remote"}, {}),
    ("per-holder cap", [("R", {**REGION, "targets": {}, "per_holder_cap_cents": 30_000})],
     {}, {}, {"R": 30_000}),
    ("provider and department both needed",
     [("R", {**REGION, "targets": {"provider": ["2" * 14], "department": ["75"]}})],
     {"department_code": "75"}, {"provider_siret": "3" * 14}, {}),
]  # fmt: skip


def _training(values):
    base = {"price_cents": 300_000, "rights_cents": 0, "modality": "in_person"}
    return engine.Training(**{**base, **values})


@pytest.mark.parametrize(
    "rules,profile,training,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_split(rules, profile, training, expected):
    funders, made = {}, []
    for key, spec in rules:
        if key not in funders:
            funders[key] = ConventionFactory().funder
        envelope = EnvelopeFactory(funder=funders[key])
        data = RuleInput(starts_on=datetime.date(2026, 1, 1), **spec)
        rule = save_rule(funders[key], data, envelope, actor=ACTOR)
        made.append(move_rule(rule, RuleStatus.PUBLISHED, actor=ACTOR))
    profile = engine.HolderProfile(**{"age": 40, **profile})
    training = _training(training)
    found = engine.candidates(profile, training, DAY)
    left = {rule.envelope_id: rule.envelope.remaining_cents for rule in found}
    shares = engine.split(found, training, {}, left)
    names = {funder.pk: key for key, funder in funders.items()}
    assert {names[s.funder_id]: s.amount_cents for s in shares} == expected
    # The SQL pre-filter and the simulation's reading of each rule agree.
    for rule in made:
        applies = not simulate(rule, profile, training, DAY).reasons
        assert applies == (rule.pk in {r.pk for r in found}), rule.name
