"""Issue #15's walkthrough through the catalogue's purchase, on seed_demo's data: the demo
Région's published rule tops up a test identity's training in Paris; accepting commits
its share in the envelope, cancelling gives it back."""

import datetime
import io

import pytest
from django.core.management import call_command

from passeport.catalog import files, plan
from passeport.catalog.enums import FileState
from passeport.catalog.models import Session
from passeport.demo.franceconnect import read_identities
from passeport.demo.funding import REGION_NAME
from passeport.funding.models import Envelope
from passeport.people.models import Person
from passeport.referentials.loaders import EXTRACT_DIR

from .helpers import holder_actor, validated_file

pytestmark = pytest.mark.django_db


def test_the_region_s_share_is_shown_committed_and_given_back():
    call_command("load_referentials", source=EXTRACT_DIR, no_progress=True, stdout=io.StringIO())
    today = datetime.date.today()
    call_command("seed_demo", holders=20, seed=3, today=today, stdout=io.StringIO())
    identity = read_identities()[0]  # « test », Angela DUBOIS
    angela = Person.objects.get(
        birth_name=identity.birth_name.upper(), first_names=identity.first_names
    )
    session = (
        Session.objects.filter(action__commune_code="75056").order_by("start_date", "pk").first()
    )
    assert session is not None, "a demo session in Paris, where the Région tops up"
    shown = plan.compute(angela, session, session.action.price_cents, today)
    region = [t for t in shown.topups if t.funder_name.startswith("Région Île-de-France")]
    assert region and region[0].amount_cents > 0, shown
    assert REGION_NAME.startswith(region[0].funder_name.split(" (")[0])

    envelope = Envelope.objects.get(funder__name=REGION_NAME)
    file = validated_file(angela, session, today=today)
    proposal = plan.compute(angela, session, file.price_cents, today)
    file = files.accept(
        file, actor=holder_actor(angela), today=today, paid_cents=proposal.holder_cents
    )
    envelope.refresh_from_db()
    assert envelope.committed_cents == region[0].amount_cents
    assert file.topups and file.topups[0]["amount_cents"] == region[0].amount_cents

    files.end(
        file, FileState.CANCELED_BY_HOLDER, actor=holder_actor(angela), reason="holder_personal"
    )
    envelope.refresh_from_db()
    assert envelope.committed_cents == 0
