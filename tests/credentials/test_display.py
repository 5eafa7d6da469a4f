"""What the verifier shows a recruiter: French labels, French dates, codes with titles —
never a claim's own name (achievement_title), an ISO date or a bare ROME code."""

import pytest

from passeport.credentials.display import claim_rows, label, value_text
from passeport.credentials.verdict import Verdict
from passeport.referentials.models import RomeCode

pytestmark = pytest.mark.django_db


def test_claims_read_as_words():
    RomeCode.objects.create(code="H2909", label="Montage-assemblage mécanique", ogr="1")
    rows = dict(
        claim_rows(
            {
                "achievement_title": "Sauveteur secouriste du travail",
                "date_of_expiry": "2028-11-17",
                "learning_outcomes": ["H2909", "Z9999"],
                "declaration_type": "Attestation de formation (ADF)",
            }
        )
    )
    assert rows == {
        "Intitulé": "Sauveteur secouriste du travail",
        "Valable jusqu'au": "17/11/2028",
        "Compétences (blocs, codes ROME)": "Montage-assemblage mécanique (H2909) ; Z9999",
        "Type de déclaration": "Attestation de formation (ADF)",
    }


def test_open_badge_properties_and_instants():
    rows = dict(
        claim_rows(
            {
                "achievementType": "CertificateOfCompletion",
                "validFrom": "2026-03-10T09:00:00Z",
            }
        )
    )
    assert rows == {
        "Type": "Attestation de fin de formation",
        "Valable à partir du": "10/03/2026 à 10:00",  # Paris time
    }


def test_values_and_labels_that_are_not_ours_stay_readable():
    assert value_text("x", "2026-02-30") == "2026-02-30"  # not a date: as given
    assert value_text("x", True) == "oui"
    assert label("some_other_claim") == "Some other claim"


def test_disclosed_claims_are_named_in_french():
    verdict = Verdict(kind="sd-jwt-vc", disclosed=["achievement_title", "date_of_expiry"])
    assert verdict.disclosed_labels == ["Intitulé", "Valable jusqu'au"]
