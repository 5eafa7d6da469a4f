"""Status lists are a public contract: URL, media type, layout, size, caching; and
correcting or cancelling a record revokes what was issued from it."""

import datetime
import gzip
import json
import zlib

import pytest

from passeport.credentials import revocation, services, statuslists, verification
from passeport.credentials.models import Issuance, IssuanceState, StatusList
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.records import services as records

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def _jwt_payload(token: str) -> dict:
    return json.loads(statuslists.b64url_decode(token.split(".")[1]))


def test_token_status_list_url_and_layout(client, training):
    issuance, _ = services.issue_sd_jwt(training, actor=ACTOR)
    status_list = issuance.status_list
    # Pinned: the URL shape verifiers in the field have stored.
    assert statuslists.url(status_list) == (
        f"http://127.0.0.1:8000/credentials/status/{status_list.public_id}"
    )
    response = client.get(f"/credentials/status/{status_list.public_id}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/statuslist+jwt"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    token = response.content.decode()
    header = json.loads(statuslists.b64url_decode(token.split(".")[0]))
    assert header["typ"] == "statuslist+jwt" and header["kid"]
    payload = _jwt_payload(token)
    assert payload["sub"] == statuslists.url(status_list)
    assert payload["ttl"] == 300 and payload["exp"] > payload["iat"]
    bits = zlib.decompress(statuslists.b64url_decode(payload["status_list"]["lst"]))
    assert payload["status_list"]["bits"] == 2
    assert len(bits) * 4 >= 131_072 and not any(bits)

    revocation.revoke(issuance, actor=ACTOR, reason="test")
    payload = _jwt_payload(
        client.get(f"/credentials/status/{status_list.public_id}").content.decode()
    )
    bits = zlib.decompress(statuslists.b64url_decode(payload["status_list"]["lst"]))
    index = issuance.status_index
    # Entry i: bits 2·(i mod 4) and up of byte i // 4 (least significant first); 1 = invalid.
    assert (bits[index // 4] >> (2 * (index % 4))) & 0b11 == 1
    assert sum(bin(byte).count("1") for byte in bits) == 1


def test_bitstring_status_list_layout(client, training):
    issuance, badge = services.issue_open_badge(training, actor=ACTOR)
    revocation.suspend(issuance, actor=ACTOR, reason="test")
    revoked_url, suspension = (entry["statusListCredential"] for entry in badge["credentialStatus"])
    for url, purpose, expected in ((revoked_url, "revocation", 0), (suspension, "suspension", 1)):
        response = client.get(url.removeprefix("http://127.0.0.1:8000"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vc+ld+json"
        document = response.json()
        assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert document["id"] == url
        subject = document["credentialSubject"]
        assert subject["type"] == "BitstringStatusList"
        assert subject["statusPurpose"] == purpose
        assert subject["encodedList"].startswith("u")
        bits = gzip.decompress(statuslists.b64url_decode(subject["encodedList"][1:]))
        assert len(bits) * 8 >= 131_072
        index = issuance.status_index
        # Entry i: bit 7 - (i mod 8) of byte i // 8 (most significant first).
        assert (bits[index // 8] >> (7 - index % 8)) & 1 == expected
        assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_indexes_are_allocated_once(training):
    indexes = {services.issue_sd_jwt(training, actor=ACTOR)[0].status_index for _ in range(30)}
    assert len(indexes) == 30
    assert StatusList.objects.get(format="token").allocated == 30


def test_a_full_list_opens_a_new_one(training, settings):
    status_list, _ = statuslists.allocate("token")
    StatusList.objects.filter(pk=status_list.pk).update(allocated=status_list.size)
    issuance, _ = services.issue_sd_jwt(training, actor=ACTOR)
    assert issuance.status_list_id != status_list.pk


def test_unknown_status_list_is_404(client):
    assert client.get("/credentials/status/6f1c2a52-6a0e-4d7e-9b0e-2f4c1e5d7a10").status_code == 404


def test_correction_revokes_and_new_version_is_issuable(training):
    old_sd, sd_jwt = services.issue_sd_jwt(training, actor=ACTOR)
    old_ob, badge = services.issue_open_badge(training, actor=ACTOR)
    new = records.revise(training, actor=ACTOR, reason="Dates corrigées", hours=40)
    for issuance in (old_sd, old_ob):
        issuance.refresh_from_db()
        assert issuance.state == IssuanceState.REVOKED
        assert "corrigée" in issuance.state_reason
    assert not verification.verify_sd_jwt(sd_jwt).ok
    assert not verification.verify_open_badge(badge).ok
    assert JournalEntry.objects.filter(action="credential.revoked").count() == 2

    fresh, credential = services.issue_sd_jwt(new, actor=ACTOR)
    assert fresh.record_version == 2
    verdict = verification.verify_sd_jwt(credential)
    assert verdict.ok and verdict.claims["duration_hours"] == 40


def test_cancellation_revokes(certification):
    issuance, credential = services.issue_sd_jwt(certification, actor=ACTOR)
    records.cancel(certification, actor=ACTOR, reason="Passage supprimé par le certificateur")
    issuance.refresh_from_db()
    assert issuance.state == IssuanceState.REVOKED
    status = next(c for c in verification.verify_sd_jwt(credential).checks if c.code == "status")
    assert not status.ok and "Révoqué" in status.detail


def test_publication_change_does_not_revoke(training):
    issuance, _ = services.issue_sd_jwt(training, actor=ACTOR)
    records.set_publication([training], published=True, actor=ACTOR)
    issuance.refresh_from_db()
    assert issuance.state == IssuanceState.VALID


def test_suspension_is_reversible_revocation_is_not(training):
    issuance, credential = services.issue_sd_jwt(training, actor=ACTOR)
    revocation.suspend(issuance, actor=ACTOR, reason="Contrôle")
    verdict = verification.verify_sd_jwt(credential)
    assert not verdict.ok
    assert "Suspendu" in next(c.detail for c in verdict.checks if c.code == "status")
    revocation.reinstate(issuance, actor=ACTOR, reason="Contrôle terminé")
    assert verification.verify_sd_jwt(credential).ok
    revocation.revoke(issuance, actor=ACTOR, reason="test")
    assert not revocation.reinstate(issuance, actor=ACTOR, reason="test")
    assert Issuance.objects.get(pk=issuance.pk).state == IssuanceState.REVOKED


def test_resigned_when_bits_change(client, training):
    issuance, _ = services.issue_sd_jwt(training, actor=ACTOR)
    url = f"/credentials/status/{issuance.status_list.public_id}"
    first = client.get(url).content
    assert client.get(url).content == first  # cached signature
    revocation.revoke(issuance, actor=ACTOR, reason="test")
    second = client.get(url).content
    assert second != first
    # An old signature is renewed even without change (the JWT expires after a day).
    StatusList.objects.filter(pk=issuance.status_list_id).update(
        signed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    assert client.get(url).content != second
