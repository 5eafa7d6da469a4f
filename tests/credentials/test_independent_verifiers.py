"""Software nobody on this project wrote accepts what we issue, and refuses a tampered
claim, a wrong key, an expired entry, a revoked entry and an undefined JSON-LD term.

@sd-jwt/sd-jwt-vc 0.19.0 (+ jose for the signatures and the status-list JWT),
@digitalbazaar/vc with the eddsa-rdfc-2022 suite and vc-bitstring-status-list."""

import copy
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto.jwk import JWK
from pyld.jsonld import JsonLdProcessor
from sd_jwt.common import SDObj
from sd_jwt.issuer import SDJWTIssuer

from passeport.credentials import jsonld, keys, revocation, services, statuslists
from passeport.credentials.models import KeyAlgorithm
from passeport.journal.actors import Actor

from . import independent

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


@pytest.fixture(autouse=True)
def _verifiers_installed():
    independent.require()


def _tamper_payload(sd_jwt: str) -> str:
    """Changes a signed claim (the credential type) in the issuer-signed JWT."""
    jwt, *rest = sd_jwt.split("~")
    header, payload, signature = jwt.split(".")
    claims = json.loads(statuslists.b64url_decode(payload))
    claims["vct"] = claims["vct"].replace("/formation", "/diplome")
    payload = statuslists.b64url(json.dumps(claims).encode())
    return "~".join([f"{header}.{payload}.{signature}", *rest])


def _tamper_disclosure(sd_jwt: str) -> str:
    """Replaces the value of the first disclosure, keeping its salt and name."""
    parts = sd_jwt.split("~")
    salt, name, _ = json.loads(statuslists.b64url_decode(parts[1]))
    parts[1] = statuslists.b64url(json.dumps([salt, name, "Falsifié"]).encode())
    return "~".join(parts)


def test_every_valid_sd_jwt_passes(client, issuable):
    credentials = [services.issue_sd_jwt(record, actor=ACTOR)[1] for record in issuable]
    answers = independent.run([independent.sd_jwt_request(client, c) for c in credentials])
    assert all(answer["verified"] for answer in answers), answers
    claims = answers[1]["claims"]
    assert claims["achievement_title"] == issuable[1].title
    assert claims["vct"].endswith("/credentials/vct/diplome")
    assert "nir" not in json.dumps(answers).lower()


def test_sd_jwt_failures(client, training, holder, expired_training, issued_in_2021):
    _, good = services.issue_sd_jwt(training, actor=ACTOR)
    tampered = _tamper_payload(good)
    tampered_disclosure = _tamper_disclosure(good)

    # Signed by a key that is not ours, under our kid.
    signer = keys.signing_key(services.sd_jwt_algorithm())
    foreign = JWK.generate(kty="EC", crv="P-256")
    payload = json.loads(statuslists.b64url_decode(good.split("~")[0].split(".")[1]))
    forged = SDJWTIssuer(
        {
            **{k: v for k, v in payload.items() if k not in {"_sd", "_sd_alg"}},
            SDObj("achievement_title"): "Diplôme inventé",
        },
        foreign,
        sign_alg="ES256",
        extra_header_parameters={"typ": "dc+sd-jwt", "kid": signer.kid},
    ).sd_jwt_issuance

    expired_record = expired_training
    with issued_in_2021():
        _, expired = services.issue_sd_jwt(expired_record, actor=ACTOR)

    revoked_issuance, revoked = services.issue_sd_jwt(training, actor=ACTOR)
    revocation.revoke(revoked_issuance, actor=ACTOR, reason="test")

    answers = independent.run(
        [
            independent.sd_jwt_request(client, good),
            independent.sd_jwt_request(client, tampered),
            independent.sd_jwt_request(client, forged),
            independent.sd_jwt_request(client, expired),
            independent.sd_jwt_request(client, revoked),
            independent.sd_jwt_request(client, tampered_disclosure),
        ]
    )
    assert [answer["verified"] for answer in answers][:5] == [True, False, False, False, False]
    # A changed disclosure no longer matches any signed digest: the library drops it (it
    # never reports the forged value as verified); ours refuses the whole credential.
    assert "Falsifié" not in json.dumps(answers[5]["claims"])
    assert len(answers[5]["claims"]) == len(answers[0]["claims"]) - 1
    assert "exp" in answers[3]["error"].lower() or "expired" in answers[3]["error"].lower()
    assert "status" in answers[4]["error"].lower()


def test_status_list_jwt_verifies_with_jose(client, training):
    services.issue_sd_jwt(training, actor=ACTOR)
    status_list = statuslists.StatusList.objects.get(format="token")
    answer = independent.run(
        [
            {
                "format": "jws",
                "typ": "statuslist+jwt",
                "credential": client.get(
                    f"/credentials/status/{status_list.public_id}"
                ).content.decode(),
                "jwks": client.get("/.well-known/jwks.json").json(),
            }
        ]
    )[0]
    assert answer["verified"], answer
    assert answer["claims"]["sub"] == statuslists.url(status_list)
    assert answer["claims"]["status_list"]["bits"] == 2


def test_every_valid_open_badge_passes(client, issuable):
    badges = [services.issue_open_badge(record, actor=ACTOR)[1] for record in issuable]
    answers = independent.run([independent.open_badge_request(client, b) for b in badges])
    assert all(answer["verified"] for answer in answers), answers
    assert all(
        {s["purpose"] for s in answer["statuses"]} == {"revocation", "suspension"}
        for answer in answers
    )


def test_a_title_holding_a_control_character_is_verifiable(client, holder):
    """RDFC-1.0 escapes control characters in literals; pyld wrote them raw, so such a
    badge's signature failed in every other verifier."""
    from .conftest import TrainingFactory

    record = TrainingFactory(person=holder.person, title="Sécurité\x1f incendie\x7f")
    _, badge = services.issue_open_badge(record, actor=ACTOR)
    (answer,) = independent.run([independent.open_badge_request(client, badge)])
    assert answer["verified"], answer


def _rogue_sign(document: dict, private_key, verification_method: str) -> dict:
    """What a naive issuer does: canonicalise without refusing dropped terms, and sign."""
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    options = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    options["documentLoader"] = jsonld.document_loader

    def canon(doc):
        return JsonLdProcessor().normalize(doc, options).encode()

    data = (
        hashlib.sha256(canon({**proof, "@context": document["@context"]})).digest()
        + hashlib.sha256(canon(document)).digest()
    )
    value = "z" + keys.base58btc(private_key.sign(data))
    return {**document, "proof": {**proof, "proofValue": value}}


def test_open_badge_failures(client, training, holder, expired_training, issued_in_2021):
    _, good = services.issue_open_badge(training, actor=ACTOR)

    tampered = copy.deepcopy(good)
    tampered["credentialSubject"]["achievement"]["name"] = "Diplôme inventé"

    signer = keys.signing_key(KeyAlgorithm.EDDSA)
    unsigned = {k: v for k, v in good.items() if k != "proof"}
    wrong_key = _rogue_sign(
        unsigned, Ed25519PrivateKey.generate(), keys.verification_method_id(signer.kid)
    )

    undefined = copy.deepcopy(unsigned)
    undefined["credentialSubject"]["notedByNobody"] = "non signé"
    undefined_term = _rogue_sign(
        undefined, signer.private_key, keys.verification_method_id(signer.kid)
    )

    expired_record = expired_training
    with issued_in_2021():
        _, expired = services.issue_open_badge(expired_record, actor=ACTOR)

    revoked_issuance, revoked = services.issue_open_badge(training, actor=ACTOR)
    revocation.revoke(revoked_issuance, actor=ACTOR, reason="test")
    suspended_issuance, suspended = services.issue_open_badge(training, actor=ACTOR)
    revocation.suspend(suspended_issuance, actor=ACTOR, reason="test")

    answers = independent.run(
        [
            independent.open_badge_request(client, doc)
            for doc in (good, tampered, wrong_key, undefined_term, expired, revoked, suspended)
        ]
    )
    assert [answer["verified"] for answer in answers] == [True] + [False] * 6, answers
    assert "revocation" in answers[5]["error"]
    assert "suspension" in answers[6]["error"]
