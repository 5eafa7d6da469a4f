"""A wallet nobody on this project wrote, over real HTTP against the live server, with
DEBUG on, as on a developer's machine (its errors must still be JSON):

- issuance (OpenID4VCI, @sphereon/oid4vci-client 0.20.1, draft 15) of every credential
  type, offers by value and by reference, with and without a transaction code; what it
  receives verified by @sd-jwt/sd-jwt-vc, with a key-binding presentation; display
  metadata read by that draft-15 reader and by a 1.0 one (@openid4vc/openid4vci); the
  refusals (wrong tx_code, reused code, expired offer, key proof with a wrong nonce or
  audience);
- presentation (OpenID4VP 1.0, @openid4vc/openid4vp + dcql + @sd-jwt/sd-jwt-vc) of what
  it received to our verifier, and the refusals (tampered disclosure, revoked credential,
  wrong nonce, replayed answer).
"""

import pytest

from passeport.credentials import claims, oid4vci, revocation, verification
from passeport.credentials.models import (
    CredentialOffer,
    Issuance,
    IssuanceChannel,
    PresentationRequest,
)
from passeport.credentials.oid4vp import identity, requests
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry

from . import independent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_wallet_installed"),
]
ACTOR = Actor.system("tests")


@pytest.fixture
def _wallet_installed():
    independent.require()


@pytest.fixture
def server(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.DEBUG = True  # the case that stopped this client
    return live_server.url


def _kind(record):
    return claims.kind_for(record)


def test_every_credential_type_reaches_the_independent_wallet(server, issuable, holder):
    steps = []
    for record in issuable:
        _, by_value, tx_code = oid4vci.create_offer(record, with_tx_code=True)
        _, by_reference, none = oid4vci.create_offer(record, with_tx_code=False, by_reference=True)
        assert tx_code and not none
        steps.append({"action": "receive", "offer": by_value, "txCode": tx_code, "readV1": True})
        steps.append({"action": "receive", "offer": by_reference})
    answers = independent.wallet(steps)

    for index, answer in enumerate(answers):
        record = issuable[index // 2]
        kind = _kind(record)
        assert "error" not in answer, answer
        assert answer["configurationId"] == kind.configuration_id
        assert answer["claims"]["vct"] == kind.vct
        assert answer["claims"]["cnf"]["jwk"]["kty"] == "EC"
        assert answer["presentationVerified"], answer
        assert answer["claims"]["given_name"] == holder.person.first_names
        # Draft-15 display (configuration level), as this wallet shows it.
        labels = claims.claim_labels(kind)
        assert answer["display"]["draft15"]["name"] == kind.name
        assert answer["display"]["draft15"]["claims"] == labels
        if "v1" in answer["display"]:
            # 1.0 display (credential_metadata), as a 1.0 reader shows it.
            assert answer["display"]["v1"] == {"name": kind.name, "claims": labels}
            assert answer["display"]["v1Version"] == "V1"
        assert verification.verify_sd_jwt(answer["credential"]).ok

    issued = Issuance.objects.filter(channel=IssuanceChannel.WALLET)
    assert issued.count() == 8
    thumbprints = {answer["cnf"]["jwk"]["x"] for answer in answers}
    assert len(thumbprints) == 8  # one key per wallet run, each credential bound to its own
    assert all(offer.state == "received" for offer in CredentialOffer.objects.all())


def test_refusals_seen_by_the_independent_wallet(server, training):
    from django.utils import timezone

    wrong_tx_offer, wrong_tx, tx_code = oid4vci.create_offer(training, with_tx_code=True)
    _, reused, _ = oid4vci.create_offer(training, with_tx_code=False)
    expired_offer, expired, _ = oid4vci.create_offer(training, with_tx_code=False)
    expired_ref_offer, expired_ref, _ = oid4vci.create_offer(
        training, with_tx_code=False, by_reference=True
    )
    CredentialOffer.objects.filter(pk__in=[expired_offer.pk, expired_ref_offer.pk]).update(
        expires_at=timezone.now()
    )
    _, bad_nonce, _ = oid4vci.create_offer(training, with_tx_code=False)
    _, bad_aud, _ = oid4vci.create_offer(training, with_tx_code=False, by_reference=True)
    wrong = "000000" if tx_code != "000000" else "111111"
    answers = independent.wallet(
        [
            {"action": "receive", "offer": wrong_tx, "txCode": wrong},
            {"action": "receive", "offer": reused},
            {"action": "receive", "offer": reused},
            {"action": "receive", "offer": expired},
            {"action": "receive", "offer": expired_ref},
            {"action": "receive", "offer": bad_nonce, "tamper": "nonce"},
            {"action": "receive", "offer": bad_aud, "tamper": "aud"},
        ]
    )
    wrong_tx_answer, first, again, too_late, too_late_ref, nonce, aud = answers
    # The client says only the status of a refused token request: 400 (invalid_grant).
    assert wrong_tx_answer["stage"] == "token" and "status: 400" in wrong_tx_answer["error"]
    wrong_tx_offer.refresh_from_db()
    assert wrong_tx_offer.tx_code_failures == 1
    assert "error" not in first, first
    assert again["stage"] == "token" and "status: 400" in again["error"]
    assert too_late["stage"] == "token" and "status: 400" in too_late["error"]
    assert "error" in too_late_ref  # the offer URI answers 404 (JSON)
    # The key proof with another nonce, or for another audience: 400 at the credential
    # endpoint (invalid_nonce, invalid_proof: tests/credentials/test_oid4vci.py).
    assert nonce["stage"] == "credential" and "status: 400" in nonce["error"], nonce
    assert aud["stage"] == "credential" and "status: 400" in aud["error"], aud
    assert Issuance.objects.count() == 1


# --- OpenID4VP ------------------------------------------------------------------------


def _receive_all(records) -> list[dict]:
    steps = []
    for record in records:
        _, link, _ = oid4vci.create_offer(record, with_tx_code=False, by_reference=True)
        steps.append({"action": "receive", "offer": link})
    answers = independent.wallet(steps)
    assert all("error" not in answer for answer in answers), answers
    return answers


def _present(server, request, held, **extra) -> dict:
    return {
        "action": "present",
        "request": requests.authorization_link(request),
        "credential": held["credential"],
        "holderKey": held["holderKey"],
        "issuer": server,
        "trustedCertificates": [identity.current().certificate_pem()],
        **extra,
    }


def test_presentations_from_the_independent_wallet(server, issuable, holder):
    wallets = _receive_all(issuable)
    asked = [
        requests.create(
            _kind(record).slug,
            [name for name, _ in requests.optional_claims(_kind(record).slug)][:2],
        )
        for record in issuable
    ]
    answers = independent.wallet(
        [_present(server, request, held) for request, held in zip(asked, wallets, strict=True)]
    )
    for request, answer, record in zip(asked, answers, issuable, strict=True):
        assert "error" not in answer, answer
        assert answer["client"] == f"x509_san_dns:{identity.host()}"
        assert answer["clientPrefix"] == "x509_san_dns"
        assert answer["version"] == 100  # OpenID4VP 1.0
        assert answer["responseMode"] == "direct_post"
        assert answer["responses"] == [{"status": 200, "body": {}}], answer
        request.refresh_from_db()
        assert request.status == "verified", request.result
        assert dict(request.result["claims"])["Prénoms"] == holder.person.first_names
        title = requests.TITLE_CLAIM[_kind(record).slug]
        assert claims.CLAIM_LABELS[title] in dict(request.result["claims"])
    reads = JournalEntry.objects.filter(action="person.read", person_id=holder.person.pk)
    assert (
        reads.filter(payload__what__startswith="présentation depuis un portefeuille").count() == 4
    )


def test_refused_presentations_from_the_independent_wallet(server, training, holder):
    good, revoked = _receive_all([training, training])
    revocation.revoke(Issuance.objects.order_by("pk").last(), actor=ACTOR, reason="test")
    tampered, revoked_request, wrong_nonce, replayed, declined, replay_target, untrusted = [
        requests.create("formation") for _ in range(7)
    ]
    answers = independent.wallet(
        [
            _present(server, tampered, good, tamper="disclosure"),
            _present(server, revoked_request, revoked),
            _present(server, wrong_nonce, good, tamper="nonce"),
            _present(server, replayed, good, replay=True),
            _present(server, declined, good, decline=True),
            _present(server, replay_target, good, replayVpTokenOf=3),
            _present(server, untrusted, good, trustedCertificates=[]),
        ]
    )
    statuses = [[r["status"] for r in answer.get("responses", [])] for answer in answers]
    assert statuses[:4] == [[400], [400], [400], [200, 400]], answers
    assert "déjà été reçue" in answers[3]["responses"][1]["body"]["error_description"]
    assert answers[4]["declined"] and answers[4]["status"] == 200
    assert statuses[5] == [400]
    assert "error" in answers[6] and untrusted.status == "pending"

    def failed(request):
        request.refresh_from_db()
        return {c["code"] for c in request.result["checks"] if not c["ok"]}

    assert failed(tampered) == {"integrity"}
    assert failed(revoked_request) == {"status"}
    assert failed(wrong_nonce) == {"holder_binding"}
    assert failed(replay_target) == {"holder_binding"}
    replayed.refresh_from_db()
    assert replayed.status == "verified"
    declined.refresh_from_db()
    assert declined.status == "declined"
    assert PresentationRequest.objects.filter(status="pending").count() == 1
