"""The catalogue's demo: a provider's trainings through the real rules, an unanswered
request that the deadline job cancels, idempotent seeding."""

import datetime
import io

import pytest
from django.core.management import call_command

from passeport.catalog import files, plan
from passeport.catalog.enums import FileState, ReasonCode
from passeport.catalog.models import Session, Training, TrainingFile
from passeport.demo import catalog as catalog_demo
from passeport.demo.franceconnect import read_identities
from passeport.people.models import Person
from passeport.referentials.loaders import EXTRACT_DIR

from .helpers import holder_actor

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_demo_catalogue_and_its_unanswered_request():
    call_command("load_referentials", source=EXTRACT_DIR, no_progress=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", holders=20, seed=3, today=TODAY, stdout=out, stderr=io.StringIO())
    assert "Catalogue de démonstration : formations 3, sessions 6, dossiers 1." in out.getvalue()
    assert Training.objects.count() == 3 and Session.objects.count() == 6
    assert catalog_demo.seed(TODAY) == {}
    file = TrainingFile.objects.get()
    call_command("enforce_training_file_deadlines", date=TODAY, stdout=io.StringIO())
    file.refresh_from_db()
    assert (file.state, file.reason_code) == (
        FileState.CANCELED_WITHOUT_FOLLOW_UP,
        ReasonCode.NO_ANSWER,
    )
    # The walkthrough's holder (FranceConnect's `test`, Angela DUBOIS) has CPF rights that
    # pay part of a demo training, and can apply to it.
    identity = read_identities()[0]
    angela = Person.objects.get(
        birth_name=identity.birth_name.upper(), first_names=identity.first_names
    )
    session = Session.objects.order_by("start_date", "pk").first()
    proposal = plan.compute(angela, session, session.action.price_cents, TODAY)
    assert proposal.rights_cents > 0
    applied = files.apply(angela, session, actor=holder_actor(angela), today=TODAY)
    assert applied.state == FileState.NOT_PROCESSED
