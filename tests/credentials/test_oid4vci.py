"""The OpenID4VCI pre-authorized code flow, driven as a wallet would: scan the offer,
exchange the code (with the transaction code), get a nonce, prove the key, receive the
SD-JWT VC bound to that key."""

import datetime
import hashlib
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

from passeport.credentials import oid4vci, statuslists, verification
from passeport.credentials.models import CredentialOffer, Issuance, IssuanceChannel
from passeport.journal.models import JournalEntry

from . import independent

pytestmark = pytest.mark.django_db
ISSUER = "http://127.0.0.1:8000"
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def _offer(holder_client, record, kind="formation"):
    response = holder_client.post(f"/mon-espace/entrees/{kind}/{record.public_id}/portefeuille/")
    assert response.status_code == 200
    link = response.context["offer_link"]
    assert link.startswith("openid-credential-offer://?credential_offer_uri=")
    assert 'src="data:image/svg+xml' in response.content.decode()
    return _resolve(link), response.context["tx_code"]


def _resolve(link):
    """The offer a link carries by value, or the one its credential_offer_uri serves."""
    query = parse_qs(urlsplit(link).query)
    if "credential_offer" in query:
        return json.loads(query["credential_offer"][0])
    uri = query["credential_offer_uri"][0]
    assert uri.startswith(ISSUER + "/credentials/oid4vci/offres/")
    response = Client().get(urlsplit(uri).path)
    assert response.status_code == 200 and response["Cache-Control"].startswith("no-store")
    return response.json()


def _proof(key: JWK, nonce: str, *, aud=ISSUER, typ="openid4vci-proof+jwt") -> str:
    token = JWS(json.dumps({"aud": aud, "iat": int(time.time()), "nonce": nonce}))
    header = {"alg": "ES256", "typ": typ, "jwk": key.export_public(as_dict=True)}
    token.add_signature(key, alg="ES256", protected=json.dumps(header))
    return token.serialize(compact=True)


def _token(wallet, code, tx_code):
    data = {"grant_type": GRANT, "pre-authorized_code": code}
    if tx_code is not None:
        data["tx_code"] = tx_code
    return wallet.post("/credentials/oid4vci/token", data)


def _nonce(wallet):
    return wallet.post("/credentials/oid4vci/nonce").json()["c_nonce"]


def _credential(wallet, access_token, body):
    return wallet.post(
        "/credentials/oid4vci/credential",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {access_token}"},
    )


def test_full_wallet_flow(holder_client, training, wallet_key):
    offer, tx_code = _offer(holder_client, training)
    assert offer["credential_issuer"] == ISSUER
    configuration = offer["credential_configuration_ids"][0]
    grant = offer["grants"][GRANT]
    assert grant["tx_code"]["length"] == 6 and len(tx_code) == 6

    wallet = Client()  # no session: what a phone's wallet is
    metadata = wallet.get("/.well-known/openid-credential-issuer").json()
    assert configuration in metadata["credential_configurations_supported"]

    token = _token(wallet, grant["pre-authorized_code"], tx_code)
    assert token.status_code == 200, token.content
    assert token["Cache-Control"].startswith("no-store")
    access_token = token.json()["access_token"]

    nonce = _nonce(wallet)
    response = _credential(
        wallet,
        access_token,
        {
            "credential_configuration_id": configuration,
            "proofs": {"jwt": [_proof(wallet_key, nonce)]},
        },
    )
    assert response.status_code == 200, response.content
    credential = response.json()["credentials"][0]["credential"]
    payload = json.loads(statuslists.b64url_decode(credential.split("~")[0].split(".")[1]))
    assert payload["cnf"]["jwk"] == wallet_key.export_public(as_dict=True)
    assert verification.verify_sd_jwt(credential).ok

    issuance = Issuance.objects.get()
    assert issuance.channel == IssuanceChannel.WALLET
    assert issuance.holder_key_thumbprint == wallet_key.thumbprint()
    journal = JournalEntry.objects.get(action="credential.issued")
    assert journal.actor_kind == "holder"

    # The holder's page sees the wallet has it.
    stored = CredentialOffer.objects.get()
    status = holder_client.get(f"/mon-espace/attestations/offres/{stored.public_id}/")
    assert "a reçu l'attestation" in status.content.decode()

    # Single use: the code, the token and the nonce.
    assert _token(wallet, grant["pre-authorized_code"], tx_code).json()["error"] == "invalid_grant"
    again = _credential(
        wallet,
        access_token,
        {
            "credential_configuration_id": configuration,
            "proofs": {"jwt": [_proof(wallet_key, nonce)]},
        },
    )
    assert again.status_code == 401 and again.json()["error"] == "invalid_token"

    # What the wallet then presents, with key binding, passes the independent verifier.
    if independent.available():
        sd_hash = statuslists.b64url(hashlib.sha256(credential.encode()).digest())
        kb = JWS(
            json.dumps(
                {"iat": int(time.time()), "aud": "verifier", "nonce": "n-42", "sd_hash": sd_hash}
            )
        )
        kb.add_signature(
            wallet_key, alg="ES256", protected=json.dumps({"alg": "ES256", "typ": "kb+jwt"})
        )
        presentation = credential + kb.serialize(compact=True)
        answer = independent.run(
            [independent.sd_jwt_request(wallet, presentation, keyBindingNonce="n-42")]
        )[0]
        assert answer["verified"] and answer["kb"], answer
        assert verification.verify_sd_jwt(presentation, expected_aud="verifier", nonce="n-42").ok


def test_wrong_transaction_code_is_counted_then_burns_the_code(holder_client, training):
    offer, tx_code = _offer(holder_client, training)
    code = offer["grants"][GRANT]["pre-authorized_code"]
    wallet = Client()
    wrong = "000000" if tx_code != "000000" else "111111"
    for _ in range(oid4vci.MAX_TX_CODE_FAILURES):
        response = _token(wallet, code, wrong)
        assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert CredentialOffer.objects.get().tx_code_failures == oid4vci.MAX_TX_CODE_FAILURES
    assert _token(wallet, code, tx_code).status_code == 400  # burnt


def test_expired_offer_and_unknown_grant(holder_client, training):
    offer, tx_code = _offer(holder_client, training)
    code = offer["grants"][GRANT]["pre-authorized_code"]
    CredentialOffer.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    wallet = Client()
    assert _token(wallet, code, tx_code).json()["error"] == "invalid_grant"
    response = wallet.post(
        "/credentials/oid4vci/token", {"grant_type": "client_credentials", "code": "x"}
    )
    assert response.json()["error"] == "unsupported_grant_type"


def test_offer_by_value_and_by_reference(training):
    _, by_value, tx_code = oid4vci.create_offer(training, with_tx_code=False)
    assert by_value.startswith("openid-credential-offer://?credential_offer=") and not tx_code
    offer = _resolve(by_value)
    assert "tx_code" not in offer["grants"][GRANT]
    assert _token(Client(), offer["grants"][GRANT]["pre-authorized_code"], None).status_code == 200

    _, by_reference, tx_code = oid4vci.create_offer(training, by_reference=True)
    assert len(by_reference) < len(by_value)
    offer = _resolve(by_reference)
    assert offer["grants"][GRANT]["tx_code"]["length"] == 6
    code = offer["grants"][GRANT]["pre-authorized_code"]
    stored = CredentialOffer.objects.order_by("-created_at").first()
    assert code not in stored.code_hash
    reference_path = urlsplit(parse_qs(urlsplit(by_reference).query)["credential_offer_uri"][0])
    assert _token(Client(), code, tx_code).status_code == 200
    # Once its code is used (or expired), the reference serves nothing.
    gone = Client().get(reference_path.path)
    assert gone.status_code == 404 and gone.json()["error"] == "not_found"
    assert Client().get("/credentials/oid4vci/offres/inventee").status_code == 404


def test_codes_and_tokens_are_stored_hashed(holder_client, training):
    offer, tx_code = _offer(holder_client, training)
    code = offer["grants"][GRANT]["pre-authorized_code"]
    access_token = _token(Client(), code, tx_code).json()["access_token"]
    stored = CredentialOffer.objects.get()
    assert code not in stored.code_hash and access_token != stored.token_hash
    assert tx_code not in stored.tx_code_hash


@pytest.mark.parametrize(
    "problem", ["no-proof", "wrong-aud", "wrong-typ", "reused-nonce", "other-config"]
)
def test_bad_credential_requests(holder_client, training, wallet_key, problem):
    offer, tx_code = _offer(holder_client, training)
    wallet = Client()
    access_token = _token(wallet, offer["grants"][GRANT]["pre-authorized_code"], tx_code).json()[
        "access_token"
    ]
    nonce = _nonce(wallet)
    body = {
        "credential_configuration_id": offer["credential_configuration_ids"][0],
        "proofs": {"jwt": [_proof(wallet_key, nonce)]},
    }
    expected = "invalid_proof"
    if problem == "no-proof":
        del body["proofs"]
    elif problem == "wrong-aud":
        body["proofs"]["jwt"] = [_proof(wallet_key, nonce, aud="https://ailleurs.example")]
    elif problem == "wrong-typ":
        body["proofs"]["jwt"] = [_proof(wallet_key, nonce, typ="JWT")]
    elif problem == "reused-nonce":
        oid4vci._consume_nonce(nonce)
        expected = "invalid_nonce"
    else:
        body["credential_configuration_id"] = "passeport_diplome_dc_sd_jwt"
        expected = "invalid_credential_request"
    response = _credential(wallet, access_token, body)
    assert response.status_code == 400
    assert response.json()["error"] == expected
    assert not Issuance.objects.exists()


def test_record_corrected_after_the_offer(holder_client, training, wallet_key):
    from passeport.journal.actors import Actor
    from passeport.records import services as records

    offer, tx_code = _offer(holder_client, training)
    wallet = Client()
    access_token = _token(wallet, offer["grants"][GRANT]["pre-authorized_code"], tx_code).json()[
        "access_token"
    ]
    records.revise(training, actor=Actor.system("tests"), reason="Correction", hours=12)
    response = _credential(
        wallet,
        access_token,
        {
            "credential_configuration_id": offer["credential_configuration_ids"][0],
            "proofs": {"jwt": [_proof(wallet_key, _nonce(wallet))]},
        },
    )
    assert response.json()["error"] == "invalid_credential_request"
    assert "nouvelle offre" in response.json()["error_description"]


def test_credential_endpoint_needs_a_token():
    response = Client().post(
        "/credentials/oid4vci/credential", "{}", content_type="application/json"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_offers_and_nonces_are_purged_a_day_later(holder_client, training):
    from passeport.credentials.models import ProofNonce

    _offer(holder_client, training)
    _nonce(Client())
    assert CredentialOffer.objects.count() == 1 and ProofNonce.objects.count() == 1
    assert oid4vci.purge_expired() == (0, 0)  # still current
    later = timezone.now() + datetime.timedelta(days=2)
    assert oid4vci.purge_expired(later) == (1, 1)
    assert not CredentialOffer.objects.exists() and not ProofNonce.objects.exists()
