"""A NIR is written with ASCII digits: a superscript ("¹", a digit for `str.isdigit()`
that `int()` refuses) or a digit of another script ("٣", "５", which `int()` reads) is a
malformed NIR with its reason, never an exception nor a key computed from it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passeport.core.digits import ascii_digits, ascii_int
from passeport.people.nir import NirError, compute_key, validate_nir, validate_nir13

VALID13 = "2880469123456"
DIGIT_LIKE = ["¹", "²", "³", "٣", "５", "߁", "𝟗"]


@pytest.mark.parametrize("character", DIGIT_LIKE)
@pytest.mark.parametrize("position", [1, 6, 9, 12])
def test_digit_like_characters_make_a_malformed_nir(character, position):
    nir13 = VALID13[:position] + character + VALID13[position + 1 :]
    for check in (compute_key, validate_nir13):
        with pytest.raises(NirError):
            check(nir13)
    with pytest.raises(NirError):
        validate_nir(nir13 + "22")
    with pytest.raises(NirError):
        validate_nir(VALID13 + character + "2")


@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=13, max_size=15))
def test_no_digit_of_any_script_crashes_the_nir_checks(text):
    for check in (compute_key, validate_nir13, validate_nir):
        try:
            check(text)
        except NirError:
            pass
        else:
            assert text.isascii()


def test_ascii_digits_only():
    assert ascii_digits("0123456789")
    for value in ["", "¹", "٣", "12a", " 1", "1_000", "+1", "５"]:
        assert not ascii_digits(value)
        assert ascii_int(value) is None
    assert ascii_int("007") == 7
