"""The maintained catalogue: classification of declared titles, renewal periods and the
end-of-month arithmetic of validity ends."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passeport.prevention import catalogue
from passeport.prevention.catalogue import RiskFamily


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Sauveteur Secouriste du Travail", "SST"),
        ("SST – formation initiale", "SST"),
        ("MAC SST (maintien et actualisation)", "MAC_SST"),
        ("Recyclage SST", "MAC_SST"),
        ("CACES® R489 catégorie 3", "CACES_R489"),
        ("Caces R.482 cat. A", "CACES_R482"),
        ("Conduite de chariots élévateurs", "CACES_R489"),
        ("PEMP — nacelles 3B", "CACES_R486"),
        ("HABILITATION ÉLECTRIQUE B1V BR", "HABILITATION_ELECTRIQUE"),
        ("Préparation à l'habilitation H0-B0", "HABILITATION_ELECTRIQUE"),
        ("Amiante sous-section 3 encadrement", "AMIANTE_SS3"),
        ("Amiante SS4 opérateur de chantier", "AMIANTE_SS4"),
        ("Travail en hauteur – port du harnais", "TRAVAIL_HAUTEUR"),
        ("Personne compétente en radioprotection", "RADIOPROTECTION_PCR"),
        ("Radioprotection des travailleurs exposés", "RADIOPROTECTION_TRAVAILLEURS"),
        ("CATEC® surveillant", "CATEC"),
        ("PRAP 2S sanitaire et social", "PRAP"),
        ("Gestes et postures", "GESTES_POSTURES"),
        ("Prévention du risque chimique", "RISQUE_CHIMIQUE"),
        ("Risques biologiques en laboratoire", "RISQUE_BIOLOGIQUE"),
        ("Prévenir les risques psychosociaux", "RPS"),
        ("Sensibilisation ATEX niveau 1", "ATEX"),
        ("AIPR opérateur", "AIPR"),
        ("FIMO marchandises", "FIMO"),
        ("FCO voyageurs", "FCO"),
        ("Équipier de première intervention", "EPI_INCENDIE"),
        ("Utilisation sûre des diisocyanates", "DIISOCYANATES"),
    ],
)
def test_titles_are_classified_without_regard_to_case_accents_or_punctuation(title, code):
    assert catalogue.classify(title).code == code


def test_words_only_match_whole_words_and_unknown_titles_are_not_guessed():
    assert catalogue.classify("Bureautique avancée") is None
    assert catalogue.classify("") is None
    assert catalogue.classify("Formation « assistant » commercial") is None  # no « sst » inside
    assert catalogue.classify("Généralités sur l'amiante") is None  # neither SS3 nor SS4


def test_a_known_certification_code_wins_over_the_title(monkeypatch):
    kind = catalogue.by_code("SST")
    monkeypatch.setitem(catalogue._BY_CERTIFICATION, "RS9999", kind)
    assert catalogue.classify("Intitulé libre", "rs9999") is kind


def test_every_kind_is_complete_and_codes_are_unique():
    codes = [kind.code for kind in catalogue.KINDS]
    assert len(codes) == len(set(codes))
    for kind in catalogue.KINDS:
        assert kind.label and kind.regulation and kind.keywords
        assert kind.risk_families and set(kind.risk_families) <= set(RiskFamily.values)
        assert kind.renewal_months is None or kind.renewal_months > 0
        assert catalogue.by_code(kind.code) is kind
    assert catalogue.by_code("INCONNU") is None


def test_renewal_periods_follow_the_texts():
    months = {kind.code: kind.renewal_months for kind in catalogue.KINDS}
    assert months["SST"] == months["MAC_SST"] == months["PRAP"] == 24
    assert months["CACES_R482"] == 120
    assert {months[f"CACES_R{n}"] for n in (483, 484, 485, 486, 487, 489, 490)} == {60}
    assert months["HABILITATION_ELECTRIQUE"] == months["AMIANTE_SS3"] == 36
    assert months["AMIANTE_SS4"] == months["RADIOPROTECTION_TRAVAILLEURS"] == 36
    assert months["RADIOPROTECTION_PCR"] == months["AIPR"] == months["DIISOCYANATES"] == 60
    assert months["FCO"] == 60 and months["EPI_INCENDIE"] == 12
    for code in ("TRAVAIL_HAUTEUR", "GESTES_POSTURES", "RISQUE_CHIMIQUE", "RPS", "ATEX"):
        assert months[code] is None
    assert "23 février 2012" in catalogue.by_code("AMIANTE_SS4").regulation
    assert "18 décembre 2019" in catalogue.by_code("RADIOPROTECTION_PCR").regulation
    assert "R.4224-15" in catalogue.by_code("SST").regulation


def test_validity_end_adds_calendar_months_and_keeps_the_end_of_month():
    sst = catalogue.by_code("SST")
    assert catalogue.validity_end(sst, datetime.date(2025, 1, 7)) == datetime.date(2027, 1, 7)
    assert catalogue.validity_end(sst, datetime.date(2026, 2, 28)) == datetime.date(2028, 2, 28)
    epi = catalogue.by_code("EPI_INCENDIE")
    assert catalogue.validity_end(epi, datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)
    assert catalogue.add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert catalogue.add_months(datetime.date(2023, 12, 31), 2) == datetime.date(2024, 2, 29)
    assert catalogue.validity_end(catalogue.by_code("ATEX"), datetime.date(2025, 1, 1)) is None
    assert catalogue.validity_end(None, datetime.date(2025, 1, 1)) is None


@given(st.dates(datetime.date(1950, 1, 1), datetime.date(2200, 1, 1)), st.integers(0, 240))
def test_add_months_lands_in_the_right_month_on_the_same_or_last_day(day, months):
    result = catalogue.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (
        result.day < day.day and (result + datetime.timedelta(1)).day == 1
    )


def test_families_list_their_kinds():
    assert "RADIOPROTECTION_PCR" in catalogue.codes_for_family(RiskFamily.RADIOLOGICAL)
    assert "SST" not in catalogue.codes_for_family(RiskFamily.RADIOLOGICAL)
    assert catalogue.by_code("CACES_R482").renewal_label == "10 ans"
    assert catalogue.by_code("ATEX").renewal_label == "Pas de renouvellement réglementaire"
