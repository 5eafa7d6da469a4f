"""The ROME 4.0 tables orientation reads (core items, macro-compétences and their tree,
mobilities, work contexts, domains) and the bloc → item links derived at load time, on
the real rows of the committed extract."""

import csv
import io
import shutil

from django.core.management import call_command

from passeport.referentials.enums import Centrality, CompetenceAreaLevel
from passeport.referentials.loaders import EXTRACT_DIR, load_source
from passeport.referentials.loaders.derived import matches, rebuild_bloc_skills, roots
from passeport.referentials.models import (
    BlocSkill,
    RomeAppellation,
    RomeCode,
    RomeCompetenceArea,
    RomeContextLink,
    RomeDomain,
    RomeMobility,
    RomeSkill,
    RomeSkillLink,
)

from .conftest import table_counts


def test_core_items_of_a_job_come_from_coherence_item(referentials):
    links = {
        link.skill.label: link.centrality
        for link in RomeSkillLink.objects.filter(rome__code="F1702").select_related("skill")
    }
    # unix_coherence_item: F1702 × « Poser des éléments de voirie » = Principale.
    assert links["Poser des éléments de voirie"] == Centrality.CORE
    assert links["Poser les gouttières, chéneaux et tuyaux de descente"] == Centrality.OTHER
    rome = RomeCode.objects.get(code="F1702")
    assert rome.item_count == len(links)
    assert rome.core_count == sum(1 for c in links.values() if c == Centrality.CORE)


def test_macro_competences_and_their_tree(referentials):
    child = RomeSkill.objects.get(label="Remblayer l'excavation et compacter les tranchées")
    assert not child.is_macro
    assert child.macro.ogr == "300219"
    assert child.macro.label == "Réaliser des travaux de terrassement, de fondations"
    assert child.macro.is_macro and child.macro.tree_code == "3D201"
    assert child.tree_code == "3D201"  # inherited, for grouping without a join
    savoir_etre = RomeSkill.objects.get(label="Faire preuve d'autonomie")
    assert savoir_etre.is_macro and savoir_etre.kind == "savoir_etre"


def test_mobilities_contexts_domains_and_appellations(referentials):
    mobilities = list(
        RomeMobility.objects.filter(source__code="F1702")
        .order_by("rank")
        .values_list("target__code", "rank")
    )
    assert mobilities[0] == ("F1705", 1)
    contexts = set(
        RomeContextLink.objects.filter(rome__code="F1702").values_list("context__label", flat=True)
    )
    assert {"En extérieur", "Travail de nuit"} <= contexts
    assert RomeDomain.objects.get(code="F17").label == "Travaux et gros oeuvre"
    assert RomeDomain.objects.get(code="F").label.startswith("Construction")
    # emploi_cadre: "O", "N" or blank.
    executive = dict(
        RomeAppellation.objects.filter(ogr__in=["10945", "405538", "14153"]).values_list(
            "ogr", "executive"
        )
    )
    assert executive == {"10945": True, "405538": False, "14153": None}


def test_bloc_skills_are_derived_with_the_shared_words(referentials):
    links = BlocSkill.objects.filter(bloc__code="RNCP34474BC01").select_related("skill")
    assert links
    for link in links:
        assert link.words
        # Every shared word is in the item's label, as written.
        assert all(word in link.skill.label.lower() for word in link.words.split(", "))
    assert not BlocSkill.objects.filter(skill__is_macro=True).exists()


def test_bloc_matching_rules():
    assert roots("Préparer et sécuriser le chantier") == {"chanti", "securi"}
    assert matches(roots("Sécuriser un chantier de voirie"), roots("Sécurité du chantier"))
    assert not matches(roots("Sécuriser un chantier"), roots("Sécurité des personnes"))
    # A one-word item inside the bloc's title.
    assert matches(roots("Communiquer y compris en anglais"), roots("Anglais"))


def test_rebuilding_what_is_derived_is_idempotent(referentials):
    before = BlocSkill.objects.count()
    assert rebuild_bloc_skills()[0] == before
    assert BlocSkill.objects.count() == before


def test_reload_keeps_the_new_tables_idempotent(referentials):
    before = table_counts()
    load_source("rome", EXTRACT_DIR, progress=False)
    assert table_counts() == before


def test_competence_tree_labels_when_the_release_has_them(referentials, tmp_path):
    """unix_arborescence_competences is absent from the v460 copy; when a release has
    it, its labels name the domains, issues and objectives of the macro-compétences."""
    source = tmp_path / "rome4"
    shutil.copytree(EXTRACT_DIR / "rome4", source)
    columns = [
        "code_domaine_competence",
        "domaine_competence",
        "code_enjeu",
        "enjeu",
        "code_objectif",
        "objectif",
        "code_macro_competence",
        "code_ogr_macro_competence",
        "libelle_macro_competence",
        "code_ogr_competence",
        "libelle_competence",
    ]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    writer.writerow(
        [
            "3",
            "Domaine 3 (essai)",
            "D",
            "Enjeu 3D (essai)",
            "2",
            "Objectif 3D2 (essai)",
            "3D201",
            "300219",
            "Réaliser des travaux de terrassement, de fondations",
            "103758",
            "Remblayer l'excavation et compacter les tranchées",
        ]
    )
    (source / "unix_arborescence_competences_v460_utf8.csv").write_text(
        out.getvalue(), encoding="utf-8"
    )
    result = load_source("rome", source, progress=False)
    assert result.details["niveaux de l'arborescence des compétences"] == 3
    areas = dict(RomeCompetenceArea.objects.values_list("code", "level"))
    assert areas == {
        "3": CompetenceAreaLevel.DOMAIN,
        "3D": CompetenceAreaLevel.ISSUE,
        "3D2": CompetenceAreaLevel.OBJECTIVE,
    }


def test_load_referentials_rebuilds_what_is_derived(referentials):
    BlocSkill.objects.all().delete()
    out = io.StringIO()
    call_command("load_referentials", source=EXTRACT_DIR, only="rome", no_progress=True, stdout=out)
    assert "compétences des blocs" in out.getvalue()
    assert BlocSkill.objects.exists()
