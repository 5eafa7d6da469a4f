"""`seed_demo` gives orientation what the walkthrough of `make run` needs."""

import datetime
import io

from django.core.management import call_command

from passeport.demo import orientation as orientation_demo
from passeport.identity.devidp.accounts import error_accounts, professional_accounts
from passeport.identity.oidc.claims import HolderClaims
from passeport.organisations.models import Organisation
from passeport.orientation import gap as gaps
from passeport.orientation import profile as profiles
from passeport.orientation.enums import GrantStatus
from passeport.orientation.models import ActionStep, CounsellingGrant, SavedTarget
from passeport.people.matching import match_by_birth_identity
from passeport.records.enums import Assurance
from passeport.records.models import RECORD_MODELS

TODAY = datetime.date(2026, 11, 23)


def test_seed_demo_creates_the_counselling_side_and_a_declared_only_holder(referentials):
    out = io.StringIO()
    call_command("seed_demo", holders=12, seed=3, today=TODAY, stdout=out, stderr=io.StringIO())
    assert "Orientation de démonstration" in out.getvalue()
    organisation = Organisation.objects.get(is_counselling=True)
    # Its two demo ProConnect accounts are offered by the development provider.
    sirets = [account.claims["siret"] for account in professional_accounts()]
    assert sirets.count(organisation.siret) == 2

    grant = CounsellingGrant.objects.get(organisation=organisation)
    assert grant.status == GrantStatus.ACTIVE and grant.is_effective(TODAY)
    assert ActionStep.objects.filter(grant=grant).count() == 2
    assert SavedTarget.objects.filter(person=grant.person).exists()

    # test_CORSE_2B logs in as the holder with declared data only…
    account = next(a for a in error_accounts("franceconnect") if "test_CORSE_2B" in a.key)
    person = match_by_birth_identity(HolderClaims.from_claims(account.claims).birth_identity())
    assurances = {
        assurance
        for model in RECORD_MODELS
        for assurance in model.objects.filter(person=person).values_list("assurance", flat=True)
    }
    assert assurances == {Assurance.DECLARED}
    # …and still gets a useful answer, from declared items alone.
    profile = profiles.build(person)
    assert profile.items and profile.guaranteed_count == 0
    job = orientation_demo._first_code(orientation_demo.DECLARED_JOBS)
    gap = gaps.compute(profile, gaps.resolve(code=job.code))
    assert gap.coverage.percent > 0 and gap.coverage.guaranteed_percent == 0

    assert orientation_demo.seed(TODAY) == {}  # idempotent
