"""The eligibility checker (`prevention.eligibility`): every exclusion, every exception,
every category, ADF vs JDR, and the transition dates for each kind of declarant."""

import datetime

import pytest

from passeport.prevention import eligibility as e

AFTER = datetime.date(2026, 11, 23)  # after both transitions
DURING = datetime.date(2026, 3, 1)  # before both


def answers(**overrides):
    values = {
        "declarant": "provider",
        "purpose": "yes",
        "subject": "other",
        "proof": "adf",
        "cpf_holder": "yes",
        "transferable": "yes",
        "category": "1",
    }
    values.update(overrides)
    return values


def texts(verdict):
    return " ".join(reason.text for reason in verdict.reasons)


def test_a_category_1_adf_is_eligible():
    verdict = e.evaluate(answers(), AFTER)
    assert verdict.outcome == e.ELIGIBLE and verdict.eligible
    assert verdict.declare == "ADF"
    assert "Catégorie 1" in texts(verdict)
    assert all(reason.rule for reason in verdict.reasons)


@pytest.mark.parametrize("category", ["1", "2", "3", "4"])
def test_each_category_is_eligible_after_the_transition(category):
    verdict = e.evaluate(answers(category=category), AFTER)
    assert verdict.outcome == e.ELIGIBLE
    assert f"Catégorie {category}" in texts(verdict)


def test_category_2_says_the_training_is_declared_not_the_habilitation():
    assert "pas l'acte d'habilitation" in texts(e.evaluate(answers(category="2"), AFTER))


def test_no_category_is_not_eligible():
    verdict = e.evaluate(answers(category="none"), AFTER)
    assert verdict.outcome == e.NOT_ELIGIBLE
    assert "quatre catégories" in texts(verdict)


@pytest.mark.parametrize(
    ("subject", "words"),
    [
        ("trainers", "formation de formateurs"),
        ("onboarding", "R.4141-13"),
        ("security", "sécurité des personnes et des biens"),
        ("cse", "L.2315-18"),
        ("preventer", "formations de préventeur"),
    ],
)
def test_each_exclusion_stops_at_once(subject, words):
    partial = {"declarant": "employer", "purpose": "yes", "subject": subject}
    verdict = e.evaluate(partial, AFTER)
    assert verdict.outcome == e.NOT_ELIGIBLE
    assert words in texts(verdict)
    assert e.next_question(partial, AFTER) is None


@pytest.mark.parametrize(
    ("subject", "words"),
    [
        ("sst", "R.4224-15"),
        ("competent_worker", "salarié compétent"),
        ("pcr", "radioprotection"),
        ("hyperbaric", "hyperbare"),
    ],
)
def test_exceptions_go_on_and_are_cited(subject, words):
    partial = {"declarant": "provider", "purpose": "yes", "subject": subject}
    assert e.evaluate(partial, AFTER) is None
    assert e.next_question(partial, AFTER).key == "proof"
    verdict = e.evaluate(answers(subject=subject), AFTER)
    assert verdict.outcome == e.ELIGIBLE
    assert words in texts(verdict) and "exception" in texts(verdict)


def test_sst_still_needs_the_other_conditions():
    verdict = e.evaluate(answers(subject="sst", transferable="no"), AFTER)
    assert verdict.outcome == e.NOT_ELIGIBLE


def test_purpose_outside_prevention_is_not_eligible():
    verdict = e.evaluate({"declarant": "provider", "purpose": "no"}, AFTER)
    assert verdict.outcome == e.NOT_ELIGIBLE
    assert "L.4121-1" in texts(verdict)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("proof", "none", "ni attestation"),
        ("cpf_holder", "no", "compte personnel de formation"),
        ("transferable", "no", "transférables"),
    ],
)
def test_other_conditions(key, value, words):
    verdict = e.evaluate(answers(**{key: value}), AFTER)
    assert verdict.outcome == e.NOT_ELIGIBLE
    assert words in texts(verdict)


@pytest.mark.parametrize(("proof", "declare"), [("adf", "ADF"), ("jdr", "JDR"), ("both", "JDR")])
def test_adf_or_jdr(proof, declare):
    verdict = e.evaluate(answers(proof=proof), AFTER)
    assert verdict.declare == declare
    if proof == "both":
        assert "ne déclarez que le justificatif de réussite" in texts(verdict)


@pytest.mark.parametrize(
    ("declarant", "last_day"),
    [("provider", datetime.date(2026, 6, 30)), ("employer", datetime.date(2026, 9, 30))],
)
@pytest.mark.parametrize("category", ["3", "4"])
def test_transition_only_categories_1_and_2(declarant, last_day, category):
    during = e.evaluate(answers(declarant=declarant, category=category), last_day)
    assert during.outcome == e.NOT_YET
    assert during.declarable_from == last_day + datetime.timedelta(days=1)
    assert last_day.strftime("%d/%m/%Y") in texts(during)
    assert during.declare == "ADF"
    after = e.evaluate(
        answers(declarant=declarant, category=category), last_day + datetime.timedelta(days=1)
    )
    assert after.outcome == e.ELIGIBLE


def test_transition_dates_differ_between_providers_and_employers():
    july = datetime.date(2026, 7, 15)
    assert e.evaluate(answers(declarant="provider", category="3"), july).outcome == e.ELIGIBLE
    assert e.evaluate(answers(declarant="employer", category="3"), july).outcome == e.NOT_YET


@pytest.mark.parametrize("category", ["1", "2"])
def test_categories_1_and_2_during_the_transition(category):
    assert e.evaluate(answers(category=category), DURING).outcome == e.ELIGIBLE


def test_questions_come_one_by_one_in_order():
    given = {}
    asked = []
    for key, value in answers().items():
        question = e.next_question(given, AFTER)
        asked.append(question.key)
        assert key == question.key
        assert value in dict(question.choices)
        given[key] = value
    assert asked == [q.key for q in e.QUESTIONS]
    assert e.next_question(given, AFTER) is None
    assert e.evaluate(given, AFTER).eligible


def test_unknown_or_out_of_order_answers_are_ignored():
    assert e.clean({"purpose": "yes"}) == {}  # no declarant: nothing counts
    assert e.clean({"declarant": "provider", "purpose": "maybe", "subject": "sst"}) == {
        "declarant": "provider"
    }
    assert e.next_question({"declarant": "x"}, AFTER).key == "declarant"
    assert e.evaluate({}, AFTER) is None


def test_summary_gives_the_chosen_labels():
    summary = e.summary({"declarant": "employer", "purpose": "yes"})
    assert [(q.key, label) for q, label in summary] == [
        ("declarant", "Un employeur, pour une formation qu'il a organisée lui-même"),
        ("purpose", "Oui"),
    ]
