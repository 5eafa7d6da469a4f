"""verify_sd_jwt and verify_open_badge: each failure named, in French."""

import copy
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

from passeport.credentials import jsonld, keys, revocation, services, statuslists, verification
from passeport.credentials.models import KeyAlgorithm
from passeport.journal.actors import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def _failed(verdict, code):
    check = next(check for check in verdict.checks if check.code == code)
    assert not check.ok and not verdict.ok
    return check.detail


def test_valid_sd_jwt_names_key_and_disclosed_claims(training):
    issuance, credential = services.issue_sd_jwt(training, actor=ACTOR)
    verdict = verification.verify_sd_jwt(credential)
    assert verdict.ok, verdict.as_dict()
    assert verdict.key_id == issuance.kid
    assert {"issuer", "integrity", "status", "expiry", "disclosures"} <= {
        c.code for c in verdict.checks
    }
    assert "achievement_title" in verdict.disclosed and "vct" not in verdict.disclosed


def test_selective_disclosure(training):
    _, credential = services.issue_sd_jwt(training, actor=ACTOR)
    jwt, *disclosures, _ = credential.split("~")
    kept = [
        d
        for d in disclosures
        if json.loads(statuslists.b64url_decode(d))[1] in {"achievement_title", "end_date"}
    ]
    verdict = verification.verify_sd_jwt("~".join([jwt, *kept, ""]))
    assert verdict.ok
    assert verdict.disclosed == ["achievement_title", "end_date"]


def test_sd_jwt_refusals(training, holder):
    _, credential = services.issue_sd_jwt(training, actor=ACTOR)
    jwt, *disclosures, _ = credential.split("~")

    # A disclosure no signed digest refers to.
    extra = statuslists.b64url(json.dumps(["sel", "given_name", "Autre"]).encode())
    assert "couverte" in _failed(
        verification.verify_sd_jwt("~".join([jwt, *disclosures, extra, ""])), "integrity"
    )
    # A changed signed claim.
    header, payload, signature = jwt.split(".")
    claims = json.loads(statuslists.b64url_decode(payload))
    claims["iat"] += 1
    forged = f"{header}.{statuslists.b64url(json.dumps(claims).encode())}.{signature}"
    assert "Signature invalide" in _failed(
        verification.verify_sd_jwt("~".join([forged, *disclosures, ""])), "integrity"
    )
    # A foreign key.
    foreign = JWK.generate(kty="EC", crv="P-256")
    jws = JWS(json.dumps(claims))
    jws.add_signature(
        foreign, alg="ES256", protected=json.dumps({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "x"})
    )
    assert "tiers" in _failed(
        verification.verify_sd_jwt(jws.serialize(compact=True) + "~"), "issuer"
    )
    # Not an SD-JWT at all.
    assert not verification.verify_sd_jwt("bonjour").ok


def test_expired_sd_jwt(expired_training, issued_in_2021):
    record = expired_training
    with issued_in_2021():
        _, credential = services.issue_sd_jwt(record, actor=ACTOR)
    assert "07/01/2022" in _failed(verification.verify_sd_jwt(credential), "expiry")


def test_key_binding_presentation(training, wallet_key):
    _, credential = services.issue_sd_jwt(
        training, actor=ACTOR, holder_jwk=wallet_key.export_public(as_dict=True)
    )
    import hashlib

    sd_hash = statuslists.b64url(hashlib.sha256(credential.encode()).digest())

    def kb(aud, nonce, key=wallet_key):
        token = JWS(
            json.dumps({"iat": int(time.time()), "aud": aud, "nonce": nonce, "sd_hash": sd_hash})
        )
        token.add_signature(
            key, alg="ES256", protected=json.dumps({"alg": "ES256", "typ": "kb+jwt"})
        )
        return credential + token.serialize(compact=True)

    good = verification.verify_sd_jwt(
        kb("https://recruteur.example", "n-1"),
        expected_aud="https://recruteur.example",
        nonce="n-1",
    )
    assert good.ok, good.as_dict()
    assert "nonce" in _failed(
        verification.verify_sd_jwt(
            kb("https://recruteur.example", "n-1"),
            expected_aud="https://recruteur.example",
            nonce="n-2",
        ),
        "holder_binding",
    )
    thief = JWK.generate(kty="EC", crv="P-256")
    assert "signature" in _failed(
        verification.verify_sd_jwt(kb("a", "n", key=thief), expected_aud="a", nonce="n"),
        "holder_binding",
    )
    assert "KB-JWT" in _failed(
        verification.verify_sd_jwt(credential, expected_aud="a", nonce="n"), "holder_binding"
    )


def test_valid_open_badge(certification):
    issuance, badge = services.issue_open_badge(certification, actor=ACTOR)
    verdict = verification.verify_open_badge(json.dumps(badge))
    assert verdict.ok, verdict.as_dict()
    assert verdict.key_id == issuance.kid
    assert verdict.claims["achievement"] == certification.title


def test_expired_open_badge(expired_training, issued_in_2021):
    # Issued in 2021 with a key of 2021 (a key is checked to be valid when it signed).
    expired_record = expired_training
    with issued_in_2021():
        _, expired = services.issue_open_badge(expired_record, actor=ACTOR)
    assert "Expiré" in _failed(verification.verify_open_badge(expired), "expiry")


def test_open_badge_refusals(training, holder):
    issuance, badge = services.issue_open_badge(training, actor=ACTOR)
    tampered = copy.deepcopy(badge)
    tampered["credentialSubject"]["achievement"]["name"] = "Autre chose"
    assert "Signature invalide" in _failed(verification.verify_open_badge(tampered), "integrity")

    undefined = copy.deepcopy(badge)
    undefined["credentialSubject"]["inventedTerm"] = "x"
    assert "inventedTerm" in _failed(verification.verify_open_badge(undefined), "integrity")

    unsigned = {k: v for k, v in badge.items() if k != "proof"}
    foreign = jsonld.sign(
        unsigned,
        private_key=Ed25519PrivateKey.generate(),
        verification_method="did:web:ailleurs.example#k1",
        created="2026-01-01T00:00:00Z",
    )
    assert "tiers" in _failed(verification.verify_open_badge(foreign), "issuer")

    wrong_key = jsonld.sign(
        unsigned,
        private_key=Ed25519PrivateKey.generate(),
        verification_method=keys.verification_method_id(issuance.kid),
        created=badge["proof"]["created"],
    )
    assert "Signature invalide" in _failed(verification.verify_open_badge(wrong_key), "integrity")

    revocation.revoke(issuance, actor=ACTOR, reason="test")
    assert "Révoqué" in _failed(verification.verify_open_badge(badge), "status")

    suspended_issuance, suspended = services.issue_open_badge(training, actor=ACTOR)
    revocation.suspend(suspended_issuance, actor=ACTOR, reason="test")
    assert "Suspendu" in _failed(verification.verify_open_badge(suspended), "status")

    assert not verification.verify_open_badge("{pas du json").ok


def test_signature_dated_after_key_retirement_is_refused(training):
    _, credential = services.issue_sd_jwt(training, actor=ACTOR)
    signer = keys.signing_key(services.sd_jwt_algorithm())
    keys.rotate()
    # A leaked retired key signing today: outside its signing period.
    jwt, *rest = credential.split("~")
    claims = json.loads(statuslists.b64url_decode(jwt.split(".")[1]))
    claims["iat"] = int(time.time()) + 3600
    jws = JWS(json.dumps(claims))
    jws.add_signature(
        signer.jwk,
        alg=signer.algorithm,
        protected=json.dumps({"alg": signer.algorithm, "typ": "dc+sd-jwt", "kid": signer.kid}),
    )
    verdict = verification.verify_sd_jwt("~".join([jws.serialize(compact=True), *rest]))
    assert "hors de sa période" in _failed(verdict, "issuer")
    assert verification.verify_sd_jwt(credential).ok
    assert keys.signing_key(KeyAlgorithm.EDDSA).kid
