import pytest

from passeport.referentials.enums import SkillKind
from passeport.referentials.search import (
    search_appellations,
    search_communes,
    search_countries,
    search_fiches,
    search_naf,
    search_rome,
    search_skills,
)
from passeport.referentials.text import normalize

pytestmark = pytest.mark.usefixtures("referentials")


def codes(results):
    return [result.code for result in results]


def test_fiches_by_code_any_case():
    assert codes(search_fiches("rncp1000", active_only=False))[0] == "RNCP1000"
    assert codes(search_fiches(" RS6117 "))[0] == "RS6117"
    assert codes(search_fiches("6117")) == ["RS6117"]  # a bare number: either répertoire


def test_fiches_code_prefix_before_words():
    results = codes(search_fiches("rncp3", limit=50))
    assert results
    assert all(code.startswith("RNCP3") for code in results)
    assert results == sorted(results, key=lambda code: (len(code), code))


def test_fiches_active_only_by_default():
    assert "RNCP509" not in codes(search_fiches("RNCP509"))
    assert codes(search_fiches("RNCP509", active_only=False)) == ["RNCP509"]


def test_fiches_by_words_ignore_accents_and_case():
    results = search_fiches("SECURITE prevention", limit=50)
    assert results
    for fiche in results:
        assert fiche.active
        assert "securite" in fiche.search_text
        assert "prevention" in fiche.search_text
    assert codes(search_fiches("amiante opérateur")) == ["RNCP32249"]


def test_fiches_title_start_ranks_first():
    results = search_fiches("agent de prévention", limit=10)
    assert normalize(results[0].title).startswith("agent de prevention")


def test_rome_by_code_prefix_and_words():
    assert codes(search_rome("m1805"))[0] == "M1805"
    assert all(code.startswith("M18") for code in codes(search_rome("M18", limit=100)))
    assert "M1805" in codes(search_rome("développeur informatique"))
    # Through an appellation only: "back-end" is not in M1855's label.
    assert "M1855" in codes(search_rome("back end"))
    assert codes(search_rome("back end", include_appellations=False)) == []


def test_appellations():
    results = search_appellations("developpeur")
    assert results
    assert all("developpeur" in appellation.search_text for appellation in results)


def test_skills_ignore_accents():
    results = search_skills("securite travail", limit=50)
    labels = [skill.label for skill in results]
    assert "Santé et sécurité au travail" in labels
    assert all("securite" in s.search_text and "travail" in s.search_text for s in results)
    savoirs = search_skills("caces", kind=SkillKind.SAVOIR, limit=50)
    assert savoirs
    assert {skill.kind for skill in savoirs} == {SkillKind.SAVOIR}


def test_communes():
    assert search_communes("75056")[0].name == "Paris"
    assert codes(search_communes("marseille"))[0] == "13055"
    assert "13201" in codes(search_communes("Marseille 1er", limit=5))
    assert codes(search_communes("2a004")) == ["2A004"]
    assert codes(search_communes("AJACCIO")) == ["2A004"]


def test_countries():
    assert codes(search_countries("99100")) == ["99100"]
    assert codes(search_countries("fr"))[0] == "99100"  # ISO code before "Afrique…"
    assert codes(search_countries("FRA"))[0] == "99100"
    assert "99132" in codes(search_countries("royaume uni"))


def test_naf_code_with_or_without_dot():
    assert codes(search_naf("6201z"))[0] == "62.01Z"
    assert codes(search_naf("62.01Z"))[0] == "62.01Z"
    assert set(codes(search_naf("62.0"))) >= {"62.01Z", "62.02A", "62.09Z"}
    assert codes(search_naf("programmation informatique")) == ["62.01Z"]


def test_empty_query():
    assert search_fiches("") == []
    assert search_communes("  ,  ") == []
