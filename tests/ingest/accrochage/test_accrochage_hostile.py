"""Hostile accrochage files from the attacker's side."""

import io
import json

import pytest

from passeport.ingest.accrochage.services import submit_accrochage
from tests.ingest.accrochage.builders import flux, holder, passage

pytestmark = pytest.mark.django_db


def ko(submission) -> dict:
    with submission.accuse_json.open("rb") as file:
        return {e["idTechnique"]: e for e in json.loads(file.read())["passagesKO"]}


@pytest.mark.parametrize("code", ["٣٤٨٢٩", "RNCP٣٤٨٢٩", "34829¹", "RNCP３４８２９"])
def test_a_certification_code_of_digit_like_characters_is_refused_with_its_reason(
    certifier, fiches, persons, code
):
    data = flux(("RNCP", code, [passage("PASS-1", identification=holder())]))
    submission = submit_accrochage(io.BytesIO(data), certifier=certifier, file_name="f.xml")

    refused = ko(submission)["PASS-1"]
    assert refused["codeErreur"] == "certification_code_type"
    assert "suivi de chiffres" in refused["messageErreur"]
