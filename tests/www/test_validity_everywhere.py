"""One validity for a prevention training on every page: the SST declared without an end
of validity gets the catalogue's renewal period once, and the holder, the declaring
provider, the employer verifying it, the credential and the PDF all show that end (the
employer's page once said « sans date de fin » where the holder's said « jusqu'au … »)."""

import datetime
import html as html_lib

import pytest
from django.urls import reverse
from django.utils import timezone

from passeport.credentials.claims import _prevention_claims
from passeport.documents.builders import entry_data
from passeport.records.models import PreventionTraining
from tests.prevention.lifecycle_builders import (  # noqa: F401 (fixtures)
    adf,
    declare,
    employer_fixture,
    employer_user_fixture,
    persons_fixture,
    provider_fixture,
    provider_user_fixture,
    referentials_fixture,
)
from tests.www.test_pro_prevention_declarations import url

pytestmark = pytest.mark.django_db


def _page(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return html_lib.unescape(response.content.decode())


def test_every_page_shows_the_same_end_of_validity(
    client, referentials, provider, provider_user, employer, employer_user, persons
):
    from tests.factories import UserFactory

    (line,) = declare(provider, [adf(persons[0], employer)])
    assert line.valid_until is None  # declared without an end
    record = PreventionTraining.objects.get(lineage=line.lineage)
    assert record.valid_until is not None  # the SST's renewal period
    until = record.valid_until.strftime("%d/%m/%Y")
    since = record.valid_from.strftime("%d/%m/%Y")
    period = f"Du {since} au {until}"

    client.force_login(provider_user)
    assert period in _page(client, url(provider, "detail", line.declaration.public_id))
    client.force_login(employer_user)
    page = _page(client, url(employer, "review", line.public_id))
    assert period in page and "sans date de fin" not in page

    holder = UserFactory(holder=True, person=persons[0])
    client.force_login(holder)
    page = _page(client, reverse("holder:prevention_line", args=[line.public_id]))
    assert period in page and "sans date de fin" not in page
    entry = reverse("holder:entry", args=["prevention", record.public_id])
    assert f"Valide jusqu'au {until}" in _page(client, entry)

    assert _prevention_claims(record)["date_of_expiry"] == record.valid_until.isoformat()
    today = timezone.localdate()
    assert entry_data(record, today)["validity"] == record.validity(today).label
    assert record.validity(record.valid_until + datetime.timedelta(days=1)).label == (
        f"Expirée depuis le {until}"
    )


def test_without_end_the_badge_has_an_icon_of_the_design_system(client, referentials, persons):
    from tests.factories import PreventionTrainingFactory, UserFactory

    holder = UserFactory(holder=True, person=persons[0])
    record = PreventionTrainingFactory(person=persons[0], valid_until=None)
    client.force_login(holder)
    page = _page(client, reverse("holder:entry", args=["prevention", record.public_id]))
    assert "Valide sans date de fin" in page
    assert "fr-icon-checkbox-circle-line" in page and "fr-icon-infinity" not in page
