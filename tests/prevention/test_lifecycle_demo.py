"""The demo data of the lifecycle (`demo.prevention`, run by `seed_demo`): the demo
provider and employer (the dev identity provider's professional accounts) find
declarations at every stage."""

import datetime
import io

import pytest
from django.core.management import call_command

from passeport.identity.devidp.accounts import demo_organisations
from passeport.journal.verification import verify_journal
from passeport.prevention import lifecycle
from passeport.prevention.enums import DeclarantRole, LineStatus, ReviewStatus
from passeport.prevention.models import Declaration, DeclarationLine
from passeport.records.models import PreventionTraining
from passeport.referentials.loaders import EXTRACT_DIR

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_seed_demo_shows_every_stage_to_the_demo_organisations(monkeypatch):
    call_command("load_referentials", source=EXTRACT_DIR, no_progress=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", holders=60, seed=7, today=TODAY, stdout=out, stderr=io.StringIO())
    assert "Déclarations de prévention de démonstration" in out.getvalue()
    employer, provider = demo_organisations()[:2]
    assert provider.is_training_provider and employer.is_employer

    lines = DeclarationLine.objects.filter(declarant=provider)
    statuses = {lifecycle.effective_review_status(line, TODAY) for line in lines}
    assert {
        ReviewStatus.PENDING,
        ReviewStatus.CONFIRMED,
        ReviewStatus.CORRECTION_REQUESTED,
        ReviewStatus.DEEMED_VERIFIED,
        ReviewStatus.NOT_APPLICABLE,
    } <= statuses
    assert lines.filter(review_status=ReviewStatus.DEEMED_VERIFIED).exists()  # settled
    assert lines.filter(employer=employer).exclude(review_status="not_applicable").exists()
    assert Declaration.objects.filter(declarant=provider, late=True).exists()
    assert lines.filter(status=LineStatus.CANCELLED).count() == 1
    corrected = [
        line
        for line in lines
        if PreventionTraining.objects.filter(lineage=line.lineage, version=2).exists()
    ]
    assert len(corrected) == 1
    assert lifecycle.history(lines=corrected)
    reprise = Declaration.objects.get(declarant=employer, declarant_role=DeclarantRole.EMPLOYER)
    assert lifecycle.is_reprise(reprise)
    # The first test identity (a demo holder) has declarations to look at.
    first = lines.order_by("person_id").first().person
    assert DeclarationLine.objects.filter(person=first).count() >= 2
    assert verify_journal().intact
