"""SIREN / SIRET: Luhn, La Poste, and the certifiers' SIRETs published by France Compétences."""

import csv
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passeport.organisations.siret import (
    LA_POSTE_SIREN,
    SiretError,
    format_siret,
    make_siren,
    make_siret,
    siren_of,
    validate_siren,
    validate_siret,
)

SHARED_DATA = Path(
    os.environ.get(
        "PASSEPORT_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared/data"
    )
)
RNCP = SHARED_DATA / "rncp_rs"


def refusal(check, value) -> SiretError:
    with pytest.raises(SiretError) as caught:
        check(value)
    return caught.value


def test_known_values():
    assert validate_siren("732829320") == "732829320"
    assert validate_siret("73282932000074") == "73282932000074"
    assert validate_siret("732 829 320 00074") == "73282932000074"
    assert siren_of("73282932000074") == "732829320"
    assert format_siret("73282932000074") == "732 829 320 00074"
    assert refusal(validate_siret, "73282932000079").code == "siret_key"
    assert refusal(validate_siren, "732829321").code == "siren_key"


def test_la_poste():
    # The head office: Luhn-valid, digit sum 26 (not a multiple of 5).
    assert validate_siret("35600000000048") == "35600000000048"
    assert siren_of("35600000000048") == LA_POSTE_SIREN
    # Other establishments: digit sum a multiple of 5, Luhn or not.
    assert validate_siret("35600000049837")  # sum 45, Luhn-invalid
    assert refusal(validate_siret, "35600000049838").code == "la_poste_key"
    assert refusal(validate_siret, "35600000000011").code == "la_poste_key"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (73282932000074, "type"),
        ("7328293200007", "length"),
        ("732829320000741", "length"),
        ("7328293200007A", "format"),
        ("7328293200007４", "format"),
        ("00000000000000", "zero"),
        ("12345678901234", "siren_key"),
    ],
)
def test_refusals(value, code):
    error = refusal(validate_siret, value)
    assert error.code == code
    assert error.message[0].isupper() and error.message.endswith(".")


@given(st.from_regex(r"[0-9]{8}", fullmatch=True), st.from_regex(r"[0-9]{4}", fullmatch=True))
def test_make_siren_and_siret_always_validate(base, nic_base):
    if base == "00000000":
        with pytest.raises(SiretError):
            make_siren(base)
        return
    siren = make_siren(base)
    assert siren.startswith(base) and validate_siren(siren) == siren
    siret = make_siret(siren, nic_base)
    assert siret.startswith(siren + nic_base) and validate_siret(siret) == siret
    assert siren_of(siret) == siren


@given(st.from_regex(r"[0-9]{4}", fullmatch=True))
def test_make_siret_for_la_poste_uses_the_digit_sum(nic_base):
    siret = make_siret(LA_POSTE_SIREN, nic_base)
    assert sum(map(int, siret)) % 5 == 0 and validate_siret(siret) == siret


@given(st.from_regex(r"[1-9][0-9]{7}", fullmatch=True), st.data())
def test_changing_any_digit_breaks_the_siren(base, data):
    siren = make_siren(base)
    position = data.draw(st.integers(0, 8))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != siren[position]]))
    with pytest.raises(SiretError):
        validate_siren(siren[:position] + digit + siren[position + 1 :])


# --- real SIRETs ------------------------------------------------------------------------


def france_competences_sirets():
    """SIRETs of the official 2024 export (values start with a TAB inside the quotes)."""
    folder = RNCP / "fc_export_csv_2024-02-22"
    if not folder.is_dir():
        pytest.skip(f"{folder} is missing")
    sirets = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                sirets += [v for k, v in row.items() if k.startswith("Siret_") and v.strip()]
    return sirets


def rncp_2021_sirets():
    """Distinct certifier SIRETs of the RNCP as of January 2021 (cp1252)."""
    path = RNCP / "rncp_2021-01" / "rncp_certificateurs.v1.4.csv"
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    with path.open(encoding="cp1252", newline="") as handle:
        return sorted(
            {row["siret_organisme"] for row in csv.DictReader(handle, delimiter=";")} - {""}
        )


def test_france_competences_export_sirets_are_valid():
    sirets = france_competences_sirets()
    assert len(sirets) == 16  # 6 certifiers, 10 partners
    assert all(s.startswith("\t") for s in sirets)
    for siret in sirets:
        assert validate_siret(siret) == siret.strip()
    assert siren_of("\t11004301500012") == "110043015"


# Two certifiers have a placeholder NIC 00000: their SIREN is valid, their SIRET is not.
RNCP_2021_INVALID = {"18180001200000", "18330041700000"}


def test_rncp_2021_certifier_sirets():
    sirets = rncp_2021_sirets()
    assert len(sirets) == 1473
    refused = {}
    for siret in sirets:
        try:
            validate_siret(siret)
        except SiretError as error:
            refused[siret] = error
    assert set(refused) == RNCP_2021_INVALID  # 1,471 of 1,473 valid (99.86 %)
    for siret, error in refused.items():
        assert error.code == "siret_key"
        assert "NIC 00000" in error.message
        assert validate_siren(siret[:9]) == siret[:9]
