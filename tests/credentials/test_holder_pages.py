"""The holder's "Recevoir dans mon portefeuille" page, downloads and revocation, and
what another holder, a professional or an anonymous visitor gets."""

import json

import pytest

from passeport.credentials import services, verification
from passeport.credentials.models import CredentialOffer, Issuance, IssuanceState
from passeport.journal.actors import Actor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def _wallet_url(record, kind="formation"):
    return f"/mon-espace/entrees/{kind}/{record.public_id}/portefeuille/"


def test_entry_page_links_to_the_wallet_page(holder_client, training):
    page = holder_client.get(f"/mon-espace/entrees/formation/{training.public_id}/")
    assert _wallet_url(training) in page.content.decode()


def test_declared_entry_has_no_wallet(holder_client, holder):
    from tests.credentials.conftest import TrainingFactory

    declared = TrainingFactory(person=holder.person, declared=True)
    page = holder_client.get(f"/mon-espace/entrees/formation/{declared.public_id}/")
    assert _wallet_url(declared) not in page.content.decode()
    response = holder_client.post(_wallet_url(declared))
    assert response.status_code == 200
    assert "Seule une donnée garantie" in response.content.decode()
    assert not CredentialOffer.objects.exists()


def test_wallet_page_get_creates_nothing(holder_client, training):
    response = holder_client.get(_wallet_url(training))
    assert response.status_code == 200
    assert "Afficher le QR code" in response.content.decode()
    assert not CredentialOffer.objects.exists()


def test_offer_page_shows_qr_code_and_transaction_code(holder_client, training):
    response = holder_client.post(_wallet_url(training))
    body = response.content.decode()
    assert 'alt="QR code de l' in body
    assert response.context["tx_code"] in body
    assert "openid-credential-offer://" in body
    assert "<script" not in body.split("<main", 1)[-1].split("</main>")[0]  # CSP: no inline


def test_downloads(holder_client, training):
    url = f"/mon-espace/entrees/formation/{training.public_id}/attestation/"
    sd_jwt = holder_client.post(url, {"format": "sd-jwt"})
    assert sd_jwt.status_code == 200
    assert sd_jwt["Content-Type"] == "application/dc+sd-jwt"
    assert "attachment" in sd_jwt["Content-Disposition"]
    assert verification.verify_sd_jwt(sd_jwt.content.decode()).ok
    badge = holder_client.post(url, {"format": "open-badge"})
    assert badge["Content-Type"] == "application/vc+ld+json"
    assert verification.verify_open_badge(json.loads(badge.content)).ok
    assert Issuance.objects.count() == 2
    listing = holder_client.get(_wallet_url(training)).content.decode()
    assert "SD-JWT VC" in listing and "Open Badges 3.0" in listing


def test_holder_revokes_an_issued_credential(holder_client, training):
    issuance, credential = services.issue_sd_jwt(training, actor=ACTOR)
    response = holder_client.post(f"/mon-espace/attestations/{issuance.public_id}/revoquer/")
    assert response.status_code == 302
    assert response["Location"] == _wallet_url(training)
    issuance.refresh_from_db()
    assert issuance.state == IssuanceState.REVOKED
    assert not verification.verify_sd_jwt(credential).ok


def test_another_holder_sees_and_revokes_nothing(client, training, other_holder):
    issuance, _ = services.issue_sd_jwt(training, actor=ACTOR)
    offer = CredentialOffer.objects.create(
        person=training.person,
        record_type="records.Training",
        record_public_id=training.public_id,
        configuration_id="passeport_formation_dc_sd_jwt",
        code_hash="x" * 64,
        expires_at=issuance.issued_at,
    )
    client.force_login(other_holder)
    assert client.get(_wallet_url(training)).status_code == 404
    assert client.post(_wallet_url(training)).status_code == 404
    download = f"/mon-espace/entrees/formation/{training.public_id}/attestation/"
    assert client.post(download, {"format": "sd-jwt"}).status_code == 404
    revoke = f"/mon-espace/attestations/{issuance.public_id}/revoquer/"
    assert client.post(revoke).status_code == 404
    assert client.get(f"/mon-espace/attestations/offres/{offer.public_id}/").status_code == 404
    issuance.refresh_from_db()
    assert issuance.state == IssuanceState.VALID
    assert not CredentialOffer.objects.exclude(pk=offer.pk).exists()


def test_professional_and_anonymous_are_kept_out(client, training):
    issuance, _ = services.issue_sd_jwt(training, actor=ACTOR)
    revoke = f"/mon-espace/attestations/{issuance.public_id}/revoquer/"
    anonymous = client.post(revoke)
    assert anonymous.status_code == 302 and "/identity/" in anonymous["Location"]
    assert client.get(_wallet_url(training)).status_code == 302
    client.force_login(UserFactory())
    assert client.post(revoke).status_code == 403
    assert client.post(_wallet_url(training)).status_code == 403
    issuance.refresh_from_db()
    assert issuance.state == IssuanceState.VALID


def test_revoke_needs_post(holder_client, training):
    issuance, _ = services.issue_sd_jwt(training, actor=ACTOR)
    assert (
        holder_client.get(f"/mon-espace/attestations/{issuance.public_id}/revoquer/").status_code
        == 405
    )
