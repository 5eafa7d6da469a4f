"""The catalogue's pages in a real browser — the public search and a training, the
holder's CPF files, the provider's portal with its invoices — each answers 200, breaks
no CSP rule and axe-core finds no violation, on a desktop and on a phone."""

import pytest
from django.urls import reverse

from passeport.catalog import billing
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from tests.catalog.helpers import PROVIDER_ACTOR, billable_file, offer, provider, validated_file
from tests.cpf.helpers import account_with
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue():
    """A provider with a member, a holder with one file waiting for their answer and one
    done, validated and invoiced."""
    org = provider(name="Organisme de formation Démo")
    member = UserFactory()
    Membership.objects.create(user=member, organisation=org, role=MembershipRole.ADMIN)
    holder = UserFactory(holder=True, first_name="Angela", last_name="Dubois")
    account_with(holder.person, 300_000)
    training, _, session = offer(org, ref="WEB", title="Développeur web")
    waiting = validated_file(holder.person, session)
    _, _, other = offer(org, ref="ANG", title="Anglais professionnel")
    done = billable_file(holder.person, other, completion=80)
    billing.invoice(done, actor=PROVIDER_ACTOR)
    return {"org": org, "member": member, "holder": holder, "training": training,
            "waiting": waiting, "done": done}  # fmt: skip


def _check(page, live_server, axe, pages, prefix):
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        axe(page, prefix + name)


@pytest.mark.parametrize(("width", "prefix"), [(1280, ""), (390, "tel-")])
def test_catalogue_pages_are_accessible(
    browser, logged_in, live_server, axe, catalogue, width, prefix
):
    org, holder = catalogue["org"], catalogue["holder"]
    public = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    _check(
        public.new_page(),
        live_server,
        axe,
        {
            "catalogue-recherche": reverse("public:catalog_search") + "?q=web",
            "catalogue-formation": reverse(
                "public:catalog_training", args=[catalogue["training"].public_id]
            ),
        },
        prefix,
    )
    _check(
        logged_in(holder, width=width, height=900),
        live_server,
        axe,
        {
            "titulaire-dossiers": reverse("holder:training_files"),
            "titulaire-proposition": reverse(
                "holder:training_file", args=[catalogue["waiting"].public_id]
            ),
            "titulaire-droits": reverse("holder:rights"),
        },
        prefix,
    )
    _check(
        logged_in(catalogue["member"], width=width, height=900),
        live_server,
        axe,
        {
            "organisme-dossiers": reverse("pro:catalog_files", args=[org.public_id]),
            "organisme-dossier": reverse(
                "pro:catalog_file", args=[org.public_id, catalogue["done"].public_id]
            ),
            "organisme-factures": reverse("pro:catalog_invoices", args=[org.public_id]),
            "organisme-tableau": reverse("pro:catalog_board", args=[org.public_id]),
        },
        prefix,
    )
