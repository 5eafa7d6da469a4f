import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse

from passeport.ingest.accrochage.models import AccrochageSubmission, SubmissionStatus
from passeport.ingest.accrochage.services import submit_accrochage
from passeport.organisations.models import Membership
from passeport.referentials.models import Fiche
from passeport.www.certifier.permissions import can_submit_accrochage, can_view_submission
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.ingest.accrochage.builders import HANDWRITTEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def certifier():
    return OrganisationFactory(
        certifier=True, certifier_id_client="CERTA001", certifier_id_contrat="MCFCER000123"
    )


@pytest.fixture
def member(certifier):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=certifier, role="member")
    return user


@pytest.fixture
def other_member():
    other = OrganisationFactory(certifier=True)
    user = UserFactory()
    Membership.objects.create(user=user, organisation=other, role="admin")
    return user


@pytest.fixture
def world(db):
    Fiche.objects.create(code="RNCP34829", kind="RNCP", title="Technicien", active=True)
    Fiche.objects.create(code="RS5286", kind="RS", title="TOEIC", active=True)
    PersonFactory(
        birth_name="Le Bihan-Lefèvre",
        first_names="Anaïs",
        birth_year=1988,
        birth_month=4,
        birth_day=12,
        birth_commune_code="69123",
    )


def upload(client, certifier):
    file = SimpleUploadedFile("flux.xml", HANDWRITTEN.read_bytes(), "application/xml")
    return client.post(reverse("certifier:upload", args=[certifier.public_id]), {"file": file})


def test_member_uploads_and_reads_the_accuse(client, certifier, member, world):
    client.force_login(member)

    home = client.get(reverse("certifier:home"))
    assert home.status_code == 302
    form = client.get(reverse("certifier:upload", args=[certifier.public_id]))
    assert form.status_code == 200
    assert 'for="id_file"' in form.text and "accrochage (XML)" in form.text

    response = upload(client, certifier)
    submission = AccrochageSubmission.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("certifier:submission", args=[submission.public_id])
    assert submission.submitted_by == member
    assert submission.status == SubmissionStatus.PROCESSED

    page = client.get(response.url)
    assert "Fichier traité" in page.text
    assert "PASS-0001" in page.text and "PASS-0003" in page.text
    assert "Dossier de formation inconnu" in page.text
    assert "hx-trigger" not in page.text  # processed: no more polling

    listing = client.get(reverse("certifier:submissions", args=[certifier.public_id]))
    assert "flux.xml" in listing.text and "Traité" in listing.text

    xml = client.get(reverse("certifier:accuse", args=[submission.public_id, "xml"]))
    assert xml["Content-Type"] == "application/xml"
    assert b"<passageKO>" in b"".join(xml.streaming_content)
    data = client.get(reverse("certifier:accuse", args=[submission.public_id, "json"]))
    accuse = json.loads(b"".join(data.streaming_content))
    assert (accuse["nombrePassagesOK"], accuse["nombrePassagesKO"]) == (1, 2)


def test_pending_submission_polls_with_htmx(client, certifier, member):
    submission = AccrochageSubmission.objects.create(
        certifier=certifier, file_name="gros.xml", sha256="0" * 64, passages_count=10
    )
    client.force_login(member)

    page = client.get(reverse("certifier:submission", args=[submission.public_id]))
    fragment = client.get(
        reverse("certifier:submission", args=[submission.public_id]), headers={"HX-Request": "true"}
    )

    assert 'hx-trigger="every 2s"' in page.text
    assert fragment.text.lstrip().startswith('<div id="submission-status"')
    assert "<html" not in fragment.text


def test_non_xml_upload_is_refused_with_a_message(client, certifier, member):
    client.force_login(member)
    file = SimpleUploadedFile("flux.csv", b"a|b", "text/csv")

    response = client.post(reverse("certifier:upload", args=[certifier.public_id]), {"file": file})

    assert response.status_code == 400
    assert "format XML" in response.text
    assert not AccrochageSubmission.objects.exists()


def test_another_certifier_gets_404_everywhere(client, certifier, member, other_member, world):
    submission = submit_accrochage(str(HANDWRITTEN), certifier=certifier)
    client.force_login(other_member)

    urls = [
        reverse("certifier:submission", args=[submission.public_id]),
        reverse("certifier:accuse", args=[submission.public_id, "xml"]),
        reverse("certifier:accuse", args=[submission.public_id, "json"]),
        reverse("certifier:submissions", args=[certifier.public_id]),
        reverse("certifier:upload", args=[certifier.public_id]),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * 5
    assert upload(client, certifier).status_code == 404
    assert AccrochageSubmission.objects.count() == 1
    assert not can_view_submission(other_member, submission)
    assert not can_submit_accrochage(other_member, certifier)
    assert can_view_submission(member, submission)


def test_anonymous_is_redirected_to_login(client, certifier):
    response = client.get(reverse("certifier:upload", args=[certifier.public_id]))

    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_holder_is_refused(client, certifier, world):
    holder = UserFactory(holder=True)
    # Even a membership row does not make a holder a certifier's agent.
    Membership.objects.create(user=holder, organisation=certifier, role="member")
    client.force_login(holder)

    assert client.get(reverse("certifier:home")).status_code == 403
    assert client.get(reverse("certifier:upload", args=[certifier.public_id])).status_code == 404
    assert not can_submit_accrochage(holder, certifier)
