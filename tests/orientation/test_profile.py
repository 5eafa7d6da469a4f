"""The competence profile, on real ROME and RNCP rows: each item with why it is there,
guaranteed and declared evidence kept apart."""

import pytest

from passeport.journal.actors import Actor
from passeport.orientation import jobs
from passeport.orientation import profile as profiles
from passeport.orientation.enums import EvidenceSource, JobMatchStatus
from passeport.orientation.models import JobMatch
from passeport.records import services as records
from passeport.records.enums import DeclaredItemKind
from passeport.referentials.models import RomeAppellation, RomeSkill, RomeSkillLink

from .conftest import it_passport

CODER = "400261"  # « Coder », a core item of M1805 (Développeur informatique)


@pytest.fixture
def person(holder):
    it_passport(holder.person)
    return holder.person


def _confirm_all(person):
    profiles.build(person)  # makes the proposals
    for match in JobMatch.objects.filter(person=person, status=JobMatchStatus.PROPOSED):
        jobs.decide(match, JobMatchStatus.CONFIRMED, actor=Actor.system("tests"))


def test_a_dsn_job_title_is_proposed_a_rome_job_and_counts_once_confirmed(person):
    profile = profiles.build(person)
    match = JobMatch.objects.get(person=person)
    assert (match.job_title, match.pcs_ese) == ("Développeur informatique", "388A")
    assert match.proposed.ogr == "14153"  # Développeur / Développeuse informatique, M1805
    assert match.status == JobMatchStatus.PROPOSED
    job = next(s for s in profile.sources if s.source == EvidenceSource.JOB)
    assert job.count == 0 and "confirmer" in job.note
    assert "M1805" not in profile.held_codes

    _confirm_all(person)
    profile = profiles.build(person)
    assert profile.held_codes == {"M1805": "Développeur / Développeuse informatique"}
    core = set(
        RomeSkillLink.objects.filter(rome__code="M1805", centrality="core").values_list(
            "skill_id", flat=True
        )
    )
    from_job = {
        skill_id
        for skill_id, item in profile.items.items()
        if any(e.source == EvidenceSource.JOB for e in item.evidences)
    }
    assert from_job == core
    # A second build proposes nothing more: one decision per distinct title.
    profiles.build(person)
    assert JobMatch.objects.filter(person=person).count() == 1


def test_same_title_same_decision_whatever_the_case_marks_or_numbers():
    assert jobs.label_key("DEVELOPPEUR INFORMATIQUE H/F", "388A") == jobs.label_key(
        "Développeur informatique", "388A"
    )
    assert jobs.label_key("Développeur informatique", "388A") != jobs.label_key(
        "Développeur informatique", "622A"
    )


def test_pcs_ese_orders_cadre_and_non_cadre_appellations(referentials):
    assert jobs.executive_of("388A") is True
    assert jobs.executive_of("622A") is False
    assert jobs.executive_of("") is None
    found = jobs.candidates("Cariste", "651A")
    assert found[0].label == "Cariste" and found[0].rome.code == "N1101"


def test_every_item_says_why_guaranteed_and_declared_apart(person):
    _confirm_all(person)
    profile = profiles.build(person)
    coder = next(item for item in profile.items.values() if item.ogr == CODER)
    sources = {(e.source, e.guaranteed) for e in coder.evidences}
    # The DSN job confirmed by the holder (guaranteed) and the declared skill.
    assert (EvidenceSource.JOB, True) in sources
    assert (EvidenceSource.DECLARED, False) in sources
    assert coder.guaranteed
    for item in profile.items.values():
        assert item.evidences and all(e.reason for e in item.evidences)


def test_a_certification_gives_the_core_of_its_jobs_and_what_its_blocs_name(person):
    profile = profiles.build(person)
    evidences = [
        e
        for item in profile.items.values()
        for e in item.evidences
        if e.source == EvidenceSource.CERTIFICATION
    ]
    assert evidences and all(e.guaranteed for e in evidences)
    assert any("M1801" in e.reason and "cœur de métier" in e.reason for e in evidences)
    bloc = [e for e in evidences if "RNCP34474BC01" in e.reason]
    assert bloc and "mots en commun" in bloc[0].reason
    source = next(s for s in profile.sources if s.source == EvidenceSource.CERTIFICATION)
    assert "M1801" in source.note and source.count > 0
    assert "RNCP34474" in profile.fiche_codes


def test_a_prevention_training_gives_its_catalogue_items_and_transferable_safety(person):
    profile = profiles.build(person)
    by_ogr = {item.ogr: item for item in profile.items.values()}
    caces = by_ogr["403192"]  # CACES R489 catégorie 1-3-5 - Chariots élévateurs
    assert caces.evidences[0].source == EvidenceSource.PREVENTION
    assert caces.guaranteed
    transferable = [
        e for item in profile.items.values() for e in item.evidences if "(N1101)" in e.reason
    ]
    assert transferable, "the safety items of N1101 (Cariste), named as transferable"


def test_a_training_without_certification_says_why_it_gives_nothing(person):
    profile = profiles.build(person)
    training = next(s for s in profile.sources if s.title == "Anglais professionnel")
    assert training.count == 0 and "ne prépare pas de certification" in training.note
    assert not training.guaranteed


def test_a_corrected_job_is_the_holders_declaration(person):
    profiles.build(person)
    match = JobMatch.objects.get(person=person)
    other = RomeAppellation.objects.get(ogr="11679")  # Cariste, N1101
    jobs.decide(match, JobMatchStatus.CORRECTED, actor=Actor.system("t"), appellation=other)
    profile = profiles.build(person)
    assert "N1101" in profile.held_codes
    job_evidence = [
        e
        for item in profile.items.values()
        for e in item.evidences
        if e.source == EvidenceSource.JOB
    ]
    assert job_evidence and not any(e.guaranteed for e in job_evidence)


def test_a_dismissed_title_gives_nothing(person):
    profiles.build(person)
    match = JobMatch.objects.get(person=person)
    jobs.decide(match, JobMatchStatus.DISMISSED, actor=Actor.system("t"))
    profile = profiles.build(person)
    assert not profile.held_codes
    job = next(s for s in profile.sources if s.source == EvidenceSource.JOB)
    assert job.count == 0 and "écarté" in job.note


def test_a_holder_with_declared_data_only_has_a_declared_profile(holder):
    skill = RomeSkill.objects.get(ogr=CODER)
    records.store_declared_item(
        holder.person,
        actor=Actor.for_user(holder),
        item_kind=DeclaredItemKind.SKILL,
        title=skill.label,
        rome_skills=[skill.ogr],
    )
    records.store_declared_item(
        holder.person,
        actor=Actor.for_user(holder),
        item_kind=DeclaredItemKind.SKILL,
        title="Patience",
    )
    profile = profiles.build(holder.person)
    assert list(profile.items) == [skill.pk]
    assert profile.guaranteed_count == 0 and profile.declared_count == 1
    free_text = next(s for s in profile.sources if s.title == "Patience")
    assert "texte libre" in free_text.note


def test_a_training_still_going_on_gives_nothing_yet(holder):
    import datetime

    from django.utils import timezone

    records.store_training(
        holder.person,
        provenance=records.Provenance.from_holder(),
        actor=Actor.for_user(holder),
        title="Administrateur système (en cours)",
        certification_code="RNCP34474",
        start_date=timezone.localdate() - datetime.timedelta(days=30),
        end_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    profile = profiles.build(holder.person)
    assert not profile.items
    assert "en cours" in profile.sources[0].note
    later = profiles.build(holder.person, today=timezone.localdate() + datetime.timedelta(days=61))
    assert later.items and not later.guaranteed_count
