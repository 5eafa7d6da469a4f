from datetime import date

import pytest

from passeport.referentials.loaders.rncp import (
    clean_siret,
    clean_text,
    parse_excel_date,
    parse_french_date,
    parse_level,
)
from passeport.referentials.models import naf_code_with_dot
from passeport.referentials.text import normalize


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sécurité au TRAVAIL", "securite au travail"),
        ("  Management et ingénierie d'affaires ", "management et ingenierie d affaires"),
        ("Chef d’équipe — BTP (H/F)", "chef d equipe btp h f"),
        ("Œuvre, ex-æquo", "oeuvre ex aequo"),
        ("62.01Z", "62 01z"),
        ("Île-de-France\u00a0", "ile de france"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize(value, expected):
    assert normalize(value) == expected


def test_excel_dates_are_month_first_with_two_digit_years():
    assert parse_excel_date("8/31/16") == date(2016, 8, 31)
    assert parse_excel_date("1/1/24") == date(2024, 1, 1)
    assert parse_excel_date("") is None
    assert parse_excel_date("31/8/16") is None  # not a month: left empty, not guessed


def test_french_dates():
    assert parse_french_date("31/08/2023") == date(2023, 8, 31)
    assert parse_french_date("") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("NIV3", 3), ("niveau7", 7), ("NIV8", 8), ("REPRISE", None), ("", None), ("NIV9", None)],
)
def test_levels(value, expected):
    assert parse_level(value) == expected


def test_siret_cleaning():
    assert clean_siret("\t11004301500012") == "11004301500012"
    assert clean_siret("") == ""
    assert clean_siret("1100430150001") == ""  # 13 digits: not a SIRET


def test_escaped_apostrophes_and_multiline_titles():
    assert clean_text("Management et ingénierie d''affaires") == (
        "Management et ingénierie d'affaires"
    )
    assert clean_text("Master \nDomaine : SANTE\r") == "Master Domaine : SANTE"


def test_naf_code_forms():
    assert naf_code_with_dot("6201z") == "62.01Z"
    assert naf_code_with_dot("62.01Z") == "62.01Z"
    assert naf_code_with_dot("62 01 Z") == "62.01Z"
    assert naf_code_with_dot("620") is None
