"""Mon orientation and the counsellors' pages in a real browser: each answers 200 and
axe-core finds no violation, on a desktop and on a phone (360 px)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from passeport.journal.actors import Actor
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from passeport.orientation import grants, jobs, plans
from passeport.orientation import profile as profiles
from passeport.orientation.enums import GrantScope, JobMatchStatus
from passeport.orientation.models import JobMatch, SavedTarget
from passeport.referentials.loaders import EXTRACT_DIR
from passeport.referentials.models import RomeAppellation, RomeCode
from tests.browser.test_new_pages import check
from tests.factories import OrganisationFactory, UserFactory
from tests.orientation.conftest import it_passport

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting():
    call_command(
        "load_referentials",
        source=EXTRACT_DIR,
        no_progress=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    holder = UserFactory(holder=True, first_name="Angela", last_name="Dubois")
    it_passport(holder.person)
    profiles.build(holder.person)  # the job proposal, left pending on the home page
    for code, ogr in (("M1805", "14153"), ("F1702", "")):
        SavedTarget.objects.create(
            person=holder.person,
            rome=RomeCode.objects.get(code=code),
            appellation=RomeAppellation.objects.filter(ogr=ogr).first(),
        )
    organisation = OrganisationFactory(counselling=True, name="Mission locale de Lille")
    counsellor = UserFactory(first_name="Camille", last_name="Conseil")
    Membership.objects.create(user=counsellor, organisation=organisation, role=MembershipRole.ADMIN)
    grant = grants.grant_access(
        holder.person,
        organisation,
        scopes=[GrantScope.CAREER, GrantScope.ORIENTATION],
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
        actor=Actor.for_user(holder),
    )
    plans.add_step(grant, title="Bilan", actor=Actor("professional", "x", "Camille Conseil"))
    return holder, counsellor, grant


def test_holder_orientation_pages_are_accessible(logged_in, live_server, setting, axe):
    holder, _counsellor, grant = setting
    match = JobMatch.objects.get(person=holder.person)
    a, b = SavedTarget.objects.filter(person=holder.person).order_by("pk")
    pages = {
        "orientation": "/mon-espace/orientation/",
        "emploi": f"/mon-espace/orientation/emplois/{match.public_id}/?q=cariste",
        "competences": "/mon-espace/orientation/competences/",
        "recherche": "/mon-espace/orientation/metiers/?q=developpeur",
        "ecart": "/mon-espace/orientation/metiers/14153/",
        "pistes": "/mon-espace/orientation/pistes/",
        "comparer": f"/mon-espace/orientation/comparer/?a={a.public_id}&b={b.public_id}",
        "conseillers": "/mon-espace/orientation/conseillers/",
        "acces": f"/mon-espace/orientation/conseillers/{grant.public_id}/",
    }
    check(logged_in(holder), live_server, axe, pages, prefix="orientation-")
    jobs.decide(match, JobMatchStatus.CONFIRMED, actor=Actor.for_user(holder))
    check(
        logged_in(holder, width=360, height=800),
        live_server,
        axe,
        {key: pages[key] for key in ("orientation", "ecart", "pistes", "comparer")},
        prefix="orientation-tel-",
    )


def test_counsellor_pages_are_accessible(logged_in, live_server, setting, axe):
    _holder, counsellor, grant = setting
    base = f"/pro/organisations/{grant.organisation.public_id}/accompagnement"
    pages = {
        "liste": f"{base}/",
        "dossier": f"{base}/{grant.public_id}/",
        "ecart": f"{base}/{grant.public_id}/metiers/M1805/",
    }
    check(logged_in(counsellor), live_server, axe, pages, prefix="conseil-")
    check(
        logged_in(counsellor, width=360, height=800), live_server, axe, pages, prefix="conseil-tel-"
    )
