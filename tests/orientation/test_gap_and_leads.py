"""The gap to a target job and the leads, on real ROME and RNCP rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passeport.journal.actors import Actor
from passeport.orientation import gap as gaps
from passeport.orientation import jobs, leads
from passeport.orientation import profile as profiles
from passeport.orientation.enums import JobMatchStatus
from passeport.orientation.items import CENTRALITY_ORDER
from passeport.orientation.models import JobMatch
from passeport.records import services as records
from passeport.records.enums import DeclaredItemKind
from passeport.referentials.models import RomeCode, RomeSkill, RomeSkillLink
from tests.factories import PersonFactory

from .conftest import it_passport


def _profile(person):
    profiles.build(person)
    for match in JobMatch.objects.filter(person=person, status=JobMatchStatus.PROPOSED):
        jobs.decide(match, JobMatchStatus.CONFIRMED, actor=Actor.system("tests"))
    return profiles.build(person)


@pytest.fixture
def profile(holder):
    it_passport(holder.person)
    return _profile(holder.person)


def test_coverage_is_the_weighted_share_with_core_items_counted_twice(profile):
    target = gaps.resolve(appellation="14153")
    assert (target.code, target.label) == ("M1805", "Développeur / Développeuse informatique")
    gap = gaps.compute(profile, target)
    rome = RomeCode.objects.get(code="M1805")
    coverage = gap.coverage
    assert coverage.total == rome.item_count == len(gap.items)
    assert coverage.core_total == rome.core_count
    assert coverage.weight_total == rome.item_count + rome.core_count
    covered = [item for item in gap.items if item.covered]
    assert coverage.covered == len(covered)
    assert coverage.weight_covered == sum(2 if i.is_core else 1 for i in covered)
    assert coverage.percent == round(100 * coverage.weight_covered / coverage.weight_total)
    # The job was held (DSN, confirmed): its whole core is covered, by guaranteed data.
    assert coverage.core_covered == coverage.core_guaranteed == rome.core_count
    assert 0 < coverage.guaranteed_percent <= coverage.percent < 100


def test_missing_items_come_core_first_grouped_by_macro_competence(holder):
    target = gaps.resolve(code="F1702")  # Ouvrier en voiries: nothing in common yet
    gap = gaps.compute(profiles.build(holder.person), target)
    assert gap.coverage.covered == 0
    assert [section.key for section in gap.missing] == ["savoir_faire", "savoir_etre", "savoir"]
    for section in gap.missing:
        for group in section.groups:
            orders = [CENTRALITY_ORDER[item.centrality] for item in group.items]
            assert orders == sorted(orders)
        cores = [group.core_count for group in section.groups]
        assert cores == sorted(cores, reverse=True)
    know_how = gap.missing[0]
    macros = {group.title for group in know_how.groups}
    assert "Réaliser des travaux de terrassement, de fondations" in macros
    savoirs = {group.title for group in gap.missing[2].groups}
    assert savoirs <= {
        "Domaines d'expertise",
        "Techniques professionnelles",
        "Certifications et habilitations",
        "Normes et procédés",
        "Produits, outils et matières",
    }
    contexts = dict(gap.contexts)
    assert "En extérieur" in contexts["Conditions de travail et risques professionnels"]


def test_a_macro_competence_is_covered_by_a_competence_under_it(holder):
    link = (
        RomeSkillLink.objects.filter(rome__code="F1702", skill__is_macro=True)
        .filter(skill__competences__isnull=False)
        .select_related("skill")
        .order_by("skill__ogr")
        .first()
    )
    child = RomeSkill.objects.filter(macro=link.skill).order_by("ogr").first()
    records.store_declared_item(
        holder.person,
        actor=Actor.for_user(holder),
        item_kind=DeclaredItemKind.SKILL,
        title=child.label,
        rome_skills=[child.ogr],
    )
    gap = gaps.compute(profiles.build(holder.person), gaps.resolve(code="F1702"))
    macro = next(item for item in gap.items if item.skill_id == link.skill_id)
    assert macro.covered and macro.via == child.label
    assert not macro.guaranteed
    assert gap.coverage.guaranteed_percent == 0 < gap.coverage.percent


def test_job_leads_mobilities_first_then_overlap(profile):
    found = leads.job_leads(profile)
    mobility = [lead for lead in found if lead.kind == "mobility"]
    overlap = [lead for lead in found if lead.kind == "overlap"]
    # France Travail's order from M1805: M1802 first.
    assert mobility[0].code == "M1802" and "Développeur" in mobility[0].reason
    assert "M1805" not in {lead.code for lead in found}  # held already
    assert not {lead.code for lead in mobility} & {lead.code for lead in overlap}
    percents = [lead.percent for lead in overlap]
    assert percents == sorted(percents, reverse=True)
    for lead in found:
        assert lead.percent == round(
            100 * (lead.covered + lead.core_covered) / (lead.total + lead.core_total)
        )


def test_training_leads_close_the_gap_best_coverage_first(profile):
    gap = gaps.compute(profile, gaps.resolve(code="M1801"))
    missing = gap.missing_ids
    result = leads.training_leads(gap, profile)
    assert not result.catalogue_available  # the catalogue does not exist yet
    assert result.leads
    weights = [lead.weight for lead in result.leads]
    assert weights == sorted(weights, reverse=True)
    for lead in result.leads:
        assert lead.code not in profile.fiche_codes
        assert {item.skill_id for item in lead.covered} <= missing
        for bloc in lead.bloc_list:
            assert bloc.code.startswith(lead.code) and bloc.items


def test_profile_gap_and_leads_take_a_fixed_number_of_queries(referentials):
    counts = []
    for copies in (1, 6):  # 5 then 30 entries
        person = PersonFactory()
        for _ in range(copies):
            it_passport(person)
        built = _profile(person)
        with CaptureQueriesContext(connection) as queries:
            built = profiles.build(person)
            gap = gaps.compute(built, gaps.resolve(appellation="14153"))
            leads.job_leads(built)
            leads.training_leads(gap, built, person)
        counts.append(len(queries))
    assert counts[0] == counts[1]
