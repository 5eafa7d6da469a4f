import shutil
import unicodedata
from datetime import date

import pytest

from passeport.referentials.enums import CommuneKind, FicheKind, SkillKind
from passeport.referentials.loaders import EXTRACT_DIR, load_source
from passeport.referentials.loaders.rncp import locate
from passeport.referentials.models import (
    Commune,
    Country,
    Department,
    Fiche,
    FicheBloc,
    FicheCertifier,
    NafCode,
    Region,
    RomeAppellation,
    RomeCode,
    RomeSkill,
    RomeSkillLink,
    resolve_active,
)

from .conftest import OFFICIAL_EXPORT, table_counts

# --- The official France Compétences export, alone -----------------------------------------


@pytest.fixture
def official_export(empty_referentials):
    return load_source("rncp", OFFICIAL_EXPORT, progress=False)


def test_official_export_fiches(official_export):
    assert official_export.details["fiches"] == 9
    assert set(Fiche.objects.values_list("code", flat=True)) == {
        "RNCP509",
        "RNCP1197",
        "RNCP4049",
        "RNCP22094",
        "RNCP28155",
        "RNCP30271",
        "RS5000",
        "RNCP19468",
        "RS6117",
    }
    rs = Fiche.objects.get(code="RS6117")
    assert (rs.kind, rs.active, rs.level) == (FicheKind.RS, True, None)
    assert (rs.registered_on, rs.expires_on) == (date(2022, 9, 29), date(2025, 9, 29))
    cap = Fiche.objects.get(code="RNCP509")
    assert (cap.title, cap.abbreviation, cap.level) == (
        "Agent vérificateur d'appareils extincteurs",
        "CAP",
        3,
    )
    assert Fiche.objects.get(code="RNCP19468").level is None  # "REPRISE"
    assert FicheBloc.objects.get(code="RNCP509BC02").title == (
        "UP2 : Vérification d’une installation de robinet incendie armé"
    )
    assert Fiche.objects.get(code="RNCP4049").rome_codes.get(rome_code="H1102").rome_label == (
        "Management et ingénierie d'affaires"  # "d''affaires" in the file
    )


def test_official_export_sirets_lose_their_tab(official_export):
    assert FicheCertifier.objects.get(fiche__code="RNCP509").siret == "11004301500012"
    assert sorted(
        FicheCertifier.objects.filter(fiche__code="RS6117").values_list("siret", flat=True)
    ) == ["31504294500032", "78466840200018"]
    assert not FicheCertifier.objects.exclude(siret__regex=r"^[0-9]{14}$").exists()


def test_official_export_successor_chains(official_export):
    chain = Fiche.objects.get(code="RNCP1197").successor_chain()
    assert [fiche.code for fiche in chain] == [
        "RNCP1197",
        "RNCP4049",
        "RNCP22094",
        "RNCP28155",
        "RNCP30271",
    ]
    # No active fiche on that chain: the most recent version stands for it.
    assert resolve_active("RNCP1197").code == "RNCP30271"
    assert resolve_active("rncp19468").code == "RS6117"
    assert resolve_active("RNCP19468").active
    assert resolve_active("RS6117").code == "RS6117"
    assert resolve_active("RNCP99999999") is None
    # Successor outside the export: its code is kept, the chain stops there.
    cap = Fiche.objects.get(code="RNCP509")
    assert (cap.successor_code, cap.successor) == ("RNCP38228", None)
    assert resolve_active("RNCP509") == cap


def test_successor_found_from_the_next_fiche_row(tmp_path, empty_referentials):
    """RNCP4049's own row is missing from this copy of the export: RNCP22094's row, which
    names RNCP4049 as its Ancienne_Certification, keeps the chain whole."""
    import shutil

    copy = tmp_path / "export"
    shutil.copytree(OFFICIAL_EXPORT, copy)
    (table,) = copy.glob("*Ancienne_Nouvelle_Certification*.csv")
    lines = table.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith('"RNCP4049";')]
    assert len(kept) == len(lines) - 1
    table.write_text("".join(kept), encoding="utf-8-sig")
    load_source("rncp", copy, progress=False)
    chain = Fiche.objects.get(code="RNCP1197").successor_chain()
    assert [fiche.code for fiche in chain] == [
        "RNCP1197",
        "RNCP4049",
        "RNCP22094",
        "RNCP28155",
        "RNCP30271",
    ]


def test_successor_cycles_stop(empty_referentials):
    first = Fiche.objects.create(code="RNCP1", kind=FicheKind.RNCP, title="Un")
    second = Fiche.objects.create(code="RNCP2", kind=FicheKind.RNCP, title="Deux", successor=first)
    first.successor = second
    first.save()
    assert [f.code for f in first.successor_chain()] == ["RNCP1", "RNCP2"]
    assert resolve_active("RNCP1").code == "RNCP2"


def test_official_export_found_whatever_the_date_and_name_form(tmp_path, empty_referentials):
    """Another date suffix, and accented names decomposed as macOS archives store them."""
    for path in OFFICIAL_EXPORT.glob("export_fiches_CSV_*.csv"):
        name = path.name.replace("2024_02_22", "2025_01_15")
        shutil.copyfile(path, tmp_path / unicodedata.normalize("NFD", name))
    files = locate(tmp_path)
    assert files["tables_2021"] == []
    assert files["official"][0]["blocs"].exists()
    result = load_source("rncp", tmp_path, progress=False)
    assert result.details["blocs de compétences"] == 6


# --- The committed extract (both RNCP layouts, COG, NAF, ROME) ---------------------------


def test_extract_counts(referentials):
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert Country.objects.count() == 229
    assert NafCode.objects.count() == 732
    assert 300 <= Commune.objects.count() <= 1000
    assert RomeCode.objects.count() > 100
    assert RomeAppellation.objects.count() > 500
    assert RomeSkillLink.objects.count() > 1000
    assert Fiche.objects.filter(active=True).count() >= 250


def test_geography(referentials):
    assert set(Department.objects.filter(code__startswith="2").values_list("code", flat=True)) >= {
        "2A",
        "2B",
    }
    assert Commune.objects.filter(department_code="2A").exists()
    assert Commune.objects.filter(department_code="2B").exists()
    assert Commune.objects.filter(department_code__startswith="97").count() >= 15
    assert Commune.objects.filter(kind=CommuneKind.ARM).count() == 45  # Paris, Lyon, Marseille
    assert set(Commune.objects.values_list("kind", flat=True)) == set(CommuneKind.values)
    # Every département has communes.
    assert set(Commune.objects.values_list("department_code", flat=True)) == set(
        Department.objects.values_list("code", flat=True)
    )
    paris = Commune.objects.get(code="75056", kind=CommuneKind.COM)
    assert (paris.name, paris.region_code) == ("Paris", "11")
    assert Commune.objects.get(code="75107").parent_code == "75056"
    france = Country.objects.get(code="99100")
    assert (france.iso2, france.iso3, france.name) == ("FR", "FRA", "France")


def test_naf(referentials):
    naf = NafCode.objects.get_by_code("6201Z")
    assert (naf.code, naf.section, naf.dsn_code) == ("62.01Z", "J", "6201Z")
    assert NafCode.objects.get_by_code("62.01z") == naf
    assert NafCode.objects.get_by_code("99.99Z") is None
    assert NafCode.objects.get_by_code("n'importe quoi") is None


def test_rome(referentials):
    developer = RomeCode.objects.get(code="M1805")
    assert developer.parent is None
    assert RomeCode.objects.get(code="M1813").parent == developer  # a sub-code
    assert developer.appellations.exists()
    kinds = set(developer.skill_links.values_list("kind", flat=True))
    assert kinds == {SkillKind.SAVOIR_FAIRE, SkillKind.SAVOIR_ETRE, SkillKind.SAVOIR}
    link = developer.skill_links.select_related("skill").filter(kind=SkillKind.SAVOIR).first()
    assert link.skill.kind == SkillKind.SAVOIR
    assert RomeSkill.objects.filter(kind=SkillKind.SAVOIR, label__contains="CACES").exists()


def test_rncp_2021_tables_are_decoded_from_cp1252(referentials):
    # "d’une" is byte 0x92 in cp1252: a Latin-1 reading would garble it.
    assert Fiche.objects.get(code="RNCP20534").title == (
        "Dirigeant(e) et gérant(e) d’une sociéte de sécurité privée"
    )
    assert Fiche.objects.get(code="RNCP32249").title == (
        "Opérateur de chantier de traitement de l'amiante ou d'autres polluants particulaires"
    )
    # A title over four lines in the file, ending with a stray carriage return.
    assert Fiche.objects.get(code="RNCP10009").title == (
        "Master Domaine : SCIENCES, TECHNOLOGIES et SANTE Mention : Gestion des Risques "
        "Spécialité : Management des Risques Industriels et Environnementaux (MRIE)"
    )


def test_rncp_2021_dates_levels_and_successors(referentials):
    stone = Fiche.objects.get(code="RNCP1000")
    assert (stone.expires_on, stone.level, stone.active) == (date(2016, 8, 31), 4, False)
    assert stone.successor.code == "RNCP32230"
    assert resolve_active("RNCP1000").code == "RNCP32230"
    assert resolve_active("RNCP1000").active


def test_official_export_wins_over_2021_tables(referentials):
    # Active in the 2021 tables, inactive in the 2024 official export.
    for code in ("RNCP509", "RNCP30271"):
        assert Fiche.objects.get(code=code).active is False
    assert Fiche.objects.get(code="RNCP509").expires_on == date(2023, 8, 31)
    # Certifiers of a fiche described again are replaced, not added up.
    assert FicheCertifier.objects.filter(fiche__code="RNCP509").count() == 1


def test_reload_is_idempotent(referentials):
    before = table_counts()
    for name in ("cog", "naf", "rome", "rncp"):
        load_source(name, EXTRACT_DIR, progress=False)
    assert table_counts() == before


def test_reload_updates_changed_labels(referentials, tmp_path):
    source = tmp_path / "extract"
    shutil.copytree(EXTRACT_DIR, source)
    naf_file = source / "naf" / "naf2008_liste_n5.csv"
    naf_file.write_text(
        naf_file.read_text(encoding="utf-8").replace(
            "62.01Z,Programmation informatique", "62.01Z,Programmation informatique et logicielle"
        ),
        encoding="utf-8",
    )
    info = source / "rncp_rs" / "rncp_2021-01" / "rncp_info.v1.4.csv"
    info.write_bytes(
        info.read_bytes().replace(
            "Métiers de la pierre;8/31/16".encode("cp1252"),
            "Métiers de la pierre sèche;8/31/16".encode("cp1252"),
        )
    )
    before = table_counts()
    load_source("naf", source, progress=False)
    load_source("rncp", source, progress=False)
    assert table_counts() == before
    naf = NafCode.objects.get(code="62.01Z")
    assert naf.label == "Programmation informatique et logicielle"
    assert "logicielle" in naf.search_text
    stone = Fiche.objects.get(code="RNCP1000")
    assert stone.title == "Métiers de la pierre sèche"
    assert stone.search_text.startswith("metiers de la pierre seche")
