"""The CPF pages in a real browser: each answers 200 and axe-core finds no violation, on a
desktop and on a phone (360 px)."""

import datetime

import pytest
from django.utils import timezone

from passeport.cpf import agents, annual, cec
from passeport.cpf.enums import CecActivity, Channel
from passeport.journal.actors import Actor
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from tests.cpf.helpers import civic_body, monthly_hours, public_employer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor.system("tests")


@pytest.fixture
def world():
    holder = UserFactory(holder=True, first_name="Angela", last_name="Dubois")
    person = holder.person
    for year in (2022, 2023, 2024):
        monthly_hours(person, year, 400 if year == 2023 else 1820)
        annual.compute_rights(year, value_date=datetime.date(year + 1, 3, 31))
    today = timezone.localdate()
    association = civic_body(CecActivity.ASSOCIATION_LEADER, name="Les Jardins partagés")
    sdis = civic_body(CecActivity.VOLUNTEER_FIREFIGHTER, name="SDIS du Rhône")
    cec.declare_by_body(
        sdis, person, activity=CecActivity.VOLUNTEER_FIREFIGHTER, year=today.year - 1,
        quantity=100, channel=Channel.WEB, actor=ACTOR, today=datetime.date(today.year, 2, 1),
    )  # fmt: skip
    cec.declare_by_volunteer(
        person, association, year=today.year - 1, hours=220, role="Trésorière", actor=ACTOR,
        today=datetime.date(today.year, 4, 1),
    )  # fmt: skip
    town = public_employer(name="Mairie de Villeurbanne")
    agents.declare_agent(
        town, person, year=today.year - 1, months=12, low_qualified=False,
        channel=Channel.WEB, actor=ACTOR,
    )  # fmt: skip
    members = {}
    for organisation in (association, town):
        user = UserFactory()
        Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.ADMIN)
        members[organisation.pk] = user
    return holder, association, town, members


def check(page, live_server, axe, pages, *, prefix=""):
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        axe(page, prefix + name)


def test_cpf_pages_are_accessible(logged_in, browser, live_server, axe, world):
    holder, association, town, members = world
    holder_pages = {
        "droits": "/mon-espace/droits/",
        "accueil": "/mon-espace/",
        "convertir": "/mon-espace/droits/convertir/?direction=hours_to_euros&amount=10",
        "benevolat": "/mon-espace/droits/benevolat/",
    }
    check(logged_in(holder), live_server, axe, holder_pages)
    check(logged_in(holder, width=360, height=800), live_server, axe, holder_pages, prefix="tel-")
    pro_pages = {"engagement": f"/pro/organisations/{association.public_id}/engagement/"}
    check(logged_in(members[association.pk]), live_server, axe, pro_pages)
    agents_pages = {"agents": f"/pro/organisations/{town.public_id}/agents/"}
    check(logged_in(members[town.pk], width=360, height=800), live_server, axe, agents_pages)
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    page = context.new_page()
    check(
        page,
        live_server,
        axe,
        {"simulateur": "/droits-cpf/simulateur/?year=2025&hours=400&reference_hours=1607"},
    )
    context.close()
