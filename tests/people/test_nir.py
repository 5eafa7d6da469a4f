"""NIR rules (docs/domain.md "Identifiers", DSN dictionary P24V01) and real test identities."""

import csv
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from passeport.people.nir import (
    NirError,
    ParsedNir,
    compute_key,
    format_nir,
    make_nir,
    validate_nir,
    validate_nir13,
)

SHARED_DATA = Path(
    os.environ.get(
        "PASSEPORT_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared/data"
    )
)
FRANCECONNECT = SHARED_DATA / "franceconnect"
THIS_YEAR = date.today().year


def with_key(nir13: str) -> str:
    return nir13 + compute_key(nir13)


def refusal(value: str, **birth) -> NirError:
    check = validate_nir13 if len(value.replace(" ", "")) == 13 else validate_nir
    with pytest.raises(NirError) as caught:
        check(value, **birth)
    return caught.value


# --- key -------------------------------------------------------------------------------


def test_key_is_97_minus_n_mod_97():
    assert compute_key("1841275107123") == f"{97 - 1841275107123 % 97:02d}"
    assert validate_nir("1 84 12 75 107 123 " + compute_key("1841275107123")).order == "123"


def test_corsica_counts_2a_as_19_and_2b_as_18():
    assert compute_key("187052A004001") == f"{97 - 1870519004001 % 97:02d}"
    assert compute_key("187052B033001") == f"{97 - 1870518033001 % 97:02d}"


@given(st.from_regex(r"[0-9]{13}", fullmatch=True))
def test_compute_key_round_trip(nir13):
    key = compute_key(nir13)
    assert 1 <= int(key) <= 97
    assert (int(nir13) + int(key)) % 97 == 0


@pytest.mark.parametrize(
    "value", ["184127510712", "18412751071234", "1841275I07123", "18412ZZ107123"]
)
def test_compute_key_needs_13_characters(value):
    with pytest.raises(NirError) as caught:
        compute_key(value)
    assert caught.value.code == "format"


# --- generated NIRs (property tests) ----------------------------------------------------

SEXES = st.sampled_from(["M", "F", "1", "2", "male", "female"])
MONTHS = st.sampled_from([*range(1, 13), 20, *range(30, 43), *range(50, 100)])
METROPOLE = st.sampled_from([f"{d:02d}" for d in range(1, 96) if d != 20])
PLACES = st.one_of(
    st.builds(lambda d, c: f"{d}{c:03d}", METROPOLE, st.integers(1, 999)),
    st.builds(lambda d, c: f"{d}{c:03d}", st.sampled_from(["2A", "2B"]), st.integers(1, 999)),
    st.builds(lambda d, c: f"97{d}{c:02d}", st.integers(1, 6), st.integers(1, 99)),
    st.builds(lambda c: f"99{c}", st.integers(101, 599).map(str)),
)


@given(SEXES, st.integers(1900, THIS_YEAR), MONTHS, PLACES, st.integers(1, 999))
def test_make_nir_always_validates(sex, year, month, place, order):
    assume(not (place.endswith("999") and order == 999))  # six trailing 9s: CCH-16
    nir = make_nir(sex, year, month, place, order)
    parsed = validate_nir(nir, birth_year=year, birth_month=month, sex=sex)
    assert len(nir) == 15
    assert parsed.nir15 == nir
    assert parsed.order == f"{order:03d}"
    if place[:2] in ("2A", "2B") and year < 1976:
        assert parsed.place5 == "20" + place[2:]
    else:
        assert parsed.place5 == place
    assert validate_nir13(nir[:13]).key == nir[13:]
    north_africa = place[:2] in ("91", "92", "93", "94", "95") and year < 1968
    assert parsed.is_born_abroad == (place[:2] == "99" or north_africa)


@given(SEXES, st.integers(1900, THIS_YEAR), MONTHS, PLACES, st.integers(1, 998), st.data())
def test_changing_any_digit_breaks_the_nir(sex, year, month, place, order, data):
    nir = make_nir(sex, year, month, place, order)
    position = data.draw(st.sampled_from([i for i, c in enumerate(nir) if c.isdigit()]))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != nir[position]]))
    with pytest.raises(NirError):
        validate_nir(nir[:position] + digit + nir[position + 1 :])


@given(SEXES, st.integers(1900, THIS_YEAR), MONTHS, PLACES, st.integers(1, 998), st.data())
def test_swapping_two_neighbour_digits_breaks_the_nir(sex, year, month, place, order, data):
    nir = make_nir(sex, year, month, place, order)
    i = data.draw(st.integers(0, 13))
    assume(nir[i] != nir[i + 1] and nir[i].isdigit() and nir[i + 1].isdigit())
    with pytest.raises(NirError):
        validate_nir(nir[:i] + nir[i + 1] + nir[i] + nir[i + 2 :])


# --- structure --------------------------------------------------------------------------


def test_tolerates_spaces_tabs_and_lowercase_corsica():
    nir = make_nir("M", 1987, 7, "2A004", 12)
    spaced = (
        f"{nir[0]} {nir[1:3]}\t{nir[3:5]} {nir[5:7].lower()} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    )
    assert validate_nir(spaced).nir15 == nir


def test_parsed_fields():
    parsed = validate_nir(make_nir("F", 1984, 12, "75107", 123))
    assert isinstance(parsed, ParsedNir)
    assert (parsed.sex, parsed.year, parsed.month, parsed.department) == ("2", "84", "12", "75")
    assert (parsed.commune, parsed.order, parsed.birthplace_code) == ("107", "123", "75107")
    assert not parsed.is_born_abroad and not parsed.is_fictitious_month
    assert parsed.country_code is None
    with pytest.raises(AttributeError):
        parsed.sex = "1"  # frozen


@pytest.mark.parametrize("month", ["20", "30", "42", "50", "99"])
def test_fictitious_months_are_allowed(month):
    parsed = validate_nir13(f"184{month}75107123")
    assert parsed.is_fictitious_month
    # an incomplete civil status cannot contradict a declared month
    validate_nir13(f"184{month}75107123", birth_month=5)


@pytest.mark.parametrize("month", ["00", "13", "19", "21", "29", "43", "49"])
def test_impossible_months_are_refused(month):
    assert refusal(f"184{month}75107123").code == "month"


@pytest.mark.parametrize(
    ("nir13", "code"),
    [
        ("3840975107123", "sex_temporary"),  # being registered
        ("4840975107123", "sex_temporary"),
        ("7840975107123", "sex_temporary"),  # provisional number of the health insurance
        ("8840975107123", "sex_temporary"),
        ("5840975107123", "sex"),
        ("0840975107123", "sex"),
        ("1840900107123", "department"),
        ("184092C107123", "department"),
        ("1840975000123", "commune"),
        ("1840975107000", "order"),
        ("1840997905123", "overseas"),  # 979 does not exist
        ("1840998305123", "overseas"),
        ("1840999100123", "country"),  # 99100 is France
        ("1840999705123", "country"),
        ("1999999999999", "filler"),  # S21.G00.30.001/CCH-13
        ("2999999999999", "filler"),
        ("1840975999999", "trailing_nines"),  # S21.G00.30.001/CCH-16
    ],
)
def test_structure_rules(nir13, code):
    error = refusal(nir13)
    assert error.code == code
    assert nir13 not in error.message
    assert refusal(nir13 + "01").code in (code, "key")


def test_five_trailing_nines_are_allowed():
    validate_nir(with_key("1840975199999"))


def test_key_mismatch_and_lengths():
    nir = make_nir("F", 1984, 12, "75107", 123)
    wrong = nir[:13] + f"{(int(nir[13:]) % 97) + 1:02d}"
    assert refusal(wrong).code == "key"
    assert refusal(nir[:13] + "XX").code == "key_format"
    assert refusal(nir[:13] + "1").code == "length"
    assert "clé" in refusal(nir[:13] + "1").message
    assert refusal(nir + "1").code == "length"
    with pytest.raises(NirError) as caught:
        validate_nir13(nir)
    assert caught.value.code == "length13"
    with pytest.raises(NirError) as caught:
        validate_nir(int(nir))
    assert caught.value.code == "type"


# --- département existed at birth (S21.G00.30.001/CCH-11) -------------------------------


@pytest.mark.parametrize(
    ("place", "year", "ok"),
    [
        ("2A004", 1976, True),
        ("2A004", 1975, False),
        ("2B033", 1975, False),
        ("20004", 1975, True),
        ("20004", 1976, False),
        ("96101", 1950, True),
        ("96101", 1967, True),
        ("96101", 1968, False),
    ],
)
def test_department_existed_at_birth(place, year, ok):
    nir = with_key(f"1{year % 100:02d}01{place}001")
    if ok:
        validate_nir(nir, birth_year=year)
    else:
        error = refusal(nir, birth_year=year)
        assert error.code == "department_era"
        assert str(year) in error.message


def test_without_birth_year_refuses_only_when_no_century_fits():
    validate_nir(with_key("1100120004123"))  # 1910 fits the 20 of Corsica
    validate_nir(with_key("110012A004123"))  # 2010 fits 2A
    assert refusal(with_key("170012A004123")).code == "department_era"  # 2070 is future
    assert refusal(with_key("1700196101123")).code == "department_era"


def test_make_nir_follows_the_corsica_rule_by_birth_year():
    assert make_nir("M", 1975, 3, "2B033", 1)[5:10] == "20033"
    assert make_nir("M", 1976, 3, "2B033", 1)[5:10] == "2B033"
    with pytest.raises(NirError) as caught:
        make_nir("M", 1980, 5, "20041", 1)
    assert caught.value.code == "corsica_code"


def test_north_africa_before_1968_and_departements_after():
    algeria = validate_nir(make_nir("F", 1943, 7, "92515", 4), birth_year=1943)
    assert algeria.is_born_abroad and algeria.country_code == "99352"
    assert algeria.birthplace_code is None
    assert validate_nir(make_nir("F", 1950, 7, "95101", 4), birth_year=1950).country_code == "99350"
    essonne = validate_nir(make_nir("F", 1975, 5, "91521", 4), birth_year=1975)
    assert not essonne.is_born_abroad and essonne.birthplace_code == "91521"


def test_overseas_and_abroad():
    guadeloupe = validate_nir(make_nir("M", 1979, 8, "97105", 7))
    assert (guadeloupe.department, guadeloupe.commune, guadeloupe.birthplace_code) == (
        "97",
        "105",
        "97105",
    )
    portugal = validate_nir(make_nir("M", 1955, 6, "99139", 7))
    assert portugal.is_born_abroad and portugal.country_code == "99139"
    assert portugal.birthplace_code is None


# --- agreement with the birth data given ------------------------------------------------


def test_birth_data_agreement():
    nir = make_nir("F", 1984, 12, "75107", 123)
    validate_nir(
        nir, birth_year=1984, birth_month=12, sex="F", birth_commune="75107", birth_country="99100"
    )
    assert refusal(nir, birth_year=1985).code == "birth_year"  # S21.G00.30.006/CCH-11
    assert refusal(nir, birth_month=11).code == "birth_month"
    assert refusal(nir, sex="male").code == "sex_mismatch"
    assert refusal(nir, sex="M").code == "sex_mismatch"
    assert refusal(nir, birth_commune="75108").code == "birth_commune"
    assert refusal(nir, birth_country="99139").code == "born_in_france"
    assert refusal(nir, sex="homme?").code == "sex_value"
    validate_nir(nir, sex="Indeterminate")  # nothing to compare with
    validate_nir(nir, birth_commune="75056")  # Paris, for one of its arrondissements
    validate_nir(nir, birth_month=0, birth_commune="", birth_country="")  # unknown data


def test_birthplace_agreement_across_history():
    corsica = make_nir("M", 1972, 6, "2B002", 3)
    validate_nir(corsica, birth_year=1972, birth_commune="2B002")  # NIR says 20002
    validate_nir(corsica, birth_year=1972, birth_commune="2A002")  # 20 cannot tell 2A from 2B
    assert refusal(corsica, birth_commune="2B003").code == "birth_commune"
    seine = with_key("1600375050001")  # Nanterre was in the Seine (75) until 1968
    validate_nir(seine, birth_year=1960, birth_commune="92050")
    assert refusal(seine, birth_year=1960, birth_commune="13055").code == "birth_commune"
    algeria = make_nir("F", 1943, 7, "92515", 4)
    validate_nir(algeria, birth_year=1943, birth_commune="92515", birth_country="99352")
    validate_nir(algeria, birth_year=1943, birth_country="99100")  # then French départements
    assert refusal(algeria, birth_year=1943, birth_country="99350").code == "birth_country"
    abroad = make_nir("M", 1955, 6, "99139", 7)
    validate_nir(abroad, birth_country="99139")
    assert refusal(abroad, birth_country="99100").code == "born_abroad"
    assert refusal(abroad, birth_country="99134").code == "birth_country"
    assert refusal(abroad, birth_commune="75107").code == "birth_commune"


# --- display ----------------------------------------------------------------------------


def test_format_nir_masks_everything_but_sex_year_month():
    nir = make_nir("F", 1984, 12, "75107", 123)
    assert format_nir(nir) == "2 84 12 ** *** *** **"
    assert format_nir(nir[:13]) == "2 84 12 ** *** ***"
    assert format_nir("2 84 12 75 107 123 27") == "2 84 12 ** *** *** **"
    assert format_nir("garbage") == "* ** ** ** *** *** **"
    assert "75107" not in format_nir(nir) and "123" not in format_nir(nir)


# --- real data: FranceConnect test identities -------------------------------------------


def franceconnect_identities():
    """(file, id, gender, birthdate, birthplace, country) of every FranceConnect test
    identity; fixed-width files, padded with spaces around the commas."""
    if not FRANCECONNECT.is_dir():
        pytest.skip(f"{FRANCECONNECT} is missing")
    identities = []
    for path in sorted(FRANCECONNECT.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                row = [cell.strip() for cell in row]
                if any(row) and row[0] != "id":
                    identities.append((path.name, row[0], row[6], row[9], row[10], row[11]))
    return identities


# Identities whose data contradict themselves: refused, and for this reason.
FRANCECONNECT_REFUSED = {
    **{("SGIN-database.csv", f"sgin-{n}"): "born_in_france" for n in (11, 12, 13, 17)},  # 95100
    ("database.csv", "62"): "born_in_france",  # country "93100": a postal code
    ("database.csv", "63"): "born_in_france",  # "75015"
    ("database.csv", "64"): "born_in_france",  # "75018"
    ("database.csv", "65"): "born_in_france",  # Paris 8e, country 99200
    ("database.csv", "123"): "born_in_france",  # Pas-de-Calais, country Comores
    ("database.csv", "130"): "born_in_france",  # country "AZERTY"
    ("database.csv", "153"): "birth_country",  # birthplace Morocco, country 99300
    ("database.csv", "159"): "corsica_code",  # "20041" for a birth in 1980
    **{("database.csv", str(n)): "commune" for n in range(83, 102)},  # "54000": postal code
    ("error-mock-identities.csv", "fim34"): "place",  # "nowhere"
    ("error-mock-identities.csv", "fim58"): "format",  # "AAAAA"
}


def test_franceconnect_identities_give_consistent_nirs():
    identities = franceconnect_identities()
    accepted, refused, no_sex = [], {}, []
    for index, (source, ident, gender, birthdate, birthplace, country) in enumerate(identities):
        if gender.lower() not in ("male", "female"):  # "Indeterminate", "": no NIR digit
            no_sex.append(ident)
            with pytest.raises(NirError):
                make_nir(gender, 1980, 1, "75107", 1)
            continue
        year, month = int(birthdate[:4]), int(birthdate[5:7])
        # Excel dropped the leading zero of some codes ("5046" for 05046)
        place = birthplace.zfill(5) if birthplace.isdigit() else birthplace
        nir = None
        try:
            nir = make_nir(gender, year, month or 20, place or country, index % 998 + 1)
            parsed = validate_nir(
                nir,
                birth_year=year,
                birth_month=month or None,
                sex=gender,
                birth_commune=place or None,
                birth_country=country,
            )
        except NirError as error:
            refused[(source, ident)] = error.code
            assert nir is None or nir[:13] not in error.message
        else:
            accepted.append((place, country, year, parsed))
    assert len(identities) >= 700
    assert refused == FRANCECONNECT_REFUSED
    assert sorted(no_sex) == ["ants-35", "ants-45", "fim33"]
    assert len(accepted) == len(identities) - len(refused) - len(no_sex)
    corsican = [p for place, _, _, p in accepted if place[:2] in ("2A", "2B")]
    assert len(corsican) >= 12
    assert any(p.department == "20" for p in corsican)  # 2B002 born 1972
    abroad = [p for place, country, _, p in accepted if not place]
    assert len(abroad) >= 40 and all(p.is_born_abroad for p in abroad)
    assert any(p.country_code == "99352" and p.department == "92" for _, _, _, p in accepted)
    assert sum(p.department in ("97", "98") for _, _, _, p in accepted) >= 8


def test_dgfip_tax_numbers_are_not_nirs():
    """The DGFiP identities carry a 13-digit tax number (SPI) starting with 3, not a NIR."""
    identities = franceconnect_identities()
    spis = [tax_number for source, tax_number in _dgfip_tax_numbers()]
    assert len(spis) == sum(source.startswith("DGFiP") for source, *_ in identities) >= 150
    for spi in spis:
        with pytest.raises(NirError) as caught:
            validate_nir13(spi)
        assert caught.value.code == "sex_temporary"


def _dgfip_tax_numbers():
    for path in sorted(FRANCECONNECT.glob("DGFiP*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                if row and row[0].strip() != "id":
                    yield path.name, row[1].strip()
