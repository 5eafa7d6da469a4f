"""Key store, rotation, and the public metadata endpoints (no login, cacheable)."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from jwcrypto.jwk import JWK

from passeport.credentials import keys, services, verification
from passeport.credentials.models import IssuerKey, KeyAlgorithm, KeySource
from passeport.journal.actors import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def test_generated_keys_are_encrypted_at_rest_and_published(client):
    signer = keys.signing_key(KeyAlgorithm.EDDSA)
    keys.signing_key(KeyAlgorithm.ES256)
    row = IssuerKey.objects.get(kid=signer.kid)
    assert row.source == KeySource.GENERATED
    private = signer.jwk.export_private(as_dict=True)["d"]
    assert private not in row.private_key_encrypted
    assert "d" not in row.public_jwk

    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age=3600" in response["Cache-Control"] and "public" in response["Cache-Control"]
    published = response.json()["keys"]
    assert {key["kid"] for key in published} == set(IssuerKey.objects.values_list("kid", flat=True))
    assert all("d" not in key and key["use"] == "sig" and "nbf" in key for key in published)


def test_did_document(client):
    ed = keys.signing_key(KeyAlgorithm.EDDSA)
    p256 = keys.signing_key(KeyAlgorithm.ES256)
    document = client.get("/.well-known/did.json").json()
    assert document["id"] == "did:web:127.0.0.1%3A8000"
    methods = {method["id"]: method for method in document["verificationMethod"]}
    ed_method = methods[f"did:web:127.0.0.1%3A8000#{ed.kid}"]
    assert ed_method["type"] == "Multikey"
    assert ed_method["publicKeyMultibase"].startswith("z6Mk")  # Ed25519 multikey
    assert methods[f"did:web:127.0.0.1%3A8000#{p256.kid}"]["type"] == "JsonWebKey"
    assert set(document["assertionMethod"]) == set(methods)


def test_rotation_keeps_old_keys_published_and_verifiable(client, training):
    _, before = services.issue_sd_jwt(training, actor=ACTOR)
    old_kid = keys.signing_key(services.sd_jwt_algorithm()).kid
    call_command("rotate_issuer_keys", "--wet-run", stdout=io.StringIO())
    new_kid = keys.signing_key(services.sd_jwt_algorithm()).kid
    assert new_kid != old_kid
    old = IssuerKey.objects.get(kid=old_kid)
    assert not old.active and old.not_after is not None
    assert old_kid in {key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]}
    assert verification.verify_sd_jwt(before).ok
    _, after = services.issue_sd_jwt(training, actor=ACTOR)
    verdict = verification.verify_sd_jwt(after)
    assert verdict.ok and verdict.key_id == new_kid


def test_rotate_without_wet_run_changes_nothing():
    keys.signing_keys(KeyAlgorithm.values)
    kids = list(IssuerKey.objects.values_list("kid", flat=True))
    call_command("rotate_issuer_keys", stdout=io.StringIO())
    assert list(IssuerKey.objects.values_list("kid", flat=True)) == kids


def test_configured_keys_sign_and_cannot_be_rotated_by_command(settings, training):
    ed, p256 = JWK.generate(kty="OKP", crv="Ed25519"), JWK.generate(kty="EC", crv="P-256")
    jwks = {
        "keys": [
            {**ed.export_private(as_dict=True), "kid": "hsm-ed-1"},
            {**p256.export_private(as_dict=True), "kid": "hsm-p256-1"},
        ]
    }
    settings.CREDENTIALS_ISSUER_KEYS = json.dumps(jwks)
    issuance, credential = services.issue_sd_jwt(training, actor=ACTOR)
    assert issuance.kid == "hsm-p256-1"
    row = IssuerKey.objects.get(kid="hsm-p256-1")
    assert row.source == KeySource.CONFIGURED and row.private_key_encrypted == ""
    assert verification.verify_sd_jwt(credential).ok
    with pytest.raises(keys.KeyStoreError):
        keys.rotate()


def test_credential_issuer_metadata(client):
    response = client.get("/.well-known/openid-credential-issuer")
    assert response.status_code == 200
    metadata = response.json()
    assert metadata["credential_issuer"] == "http://127.0.0.1:8000"
    assert metadata["credential_endpoint"] == "http://127.0.0.1:8000/credentials/oid4vci/credential"
    assert metadata["nonce_endpoint"] == "http://127.0.0.1:8000/credentials/oid4vci/nonce"
    configurations = metadata["credential_configurations_supported"]
    assert set(configurations) == {
        "passeport_emploi_dc_sd_jwt",
        "passeport_diplome_dc_sd_jwt",
        "passeport_formation_dc_sd_jwt",
        "passeport_prevention_dc_sd_jwt",
    }
    training = configurations["passeport_formation_dc_sd_jwt"]
    assert training["format"] == "dc+sd-jwt"
    assert training["vct"] == "http://127.0.0.1:8000/credentials/vct/formation"
    assert training["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
    # Display: OpenID4VCI 1.0's place (the reference) and draft 15's, the same content.
    reference = training["credential_metadata"]
    assert reference["display"][0] == {
        "name": "Formation",
        "locale": "fr-FR",
        "description": reference["display"][0]["description"],
    }
    labels = {c["path"][0]: c["display"][0]["name"] for c in reference["claims"]}
    assert labels["achievement_title"] == "Intitulé" and labels["given_name"] == "Prénoms"
    assert training["display"] == reference["display"]
    assert training["claims"] == reference["claims"]
    authorization = client.get("/.well-known/oauth-authorization-server").json()
    assert authorization["token_endpoint"] == "http://127.0.0.1:8000/credentials/oid4vci/token"
    assert client.get("/.well-known/jwt-vc-issuer").json()["issuer"] == "http://127.0.0.1:8000"


def test_vct_and_contexts_are_served(client):
    vct = client.get("/credentials/vct/prevention").json()
    assert vct["vct"] == "http://127.0.0.1:8000/credentials/vct/prevention"
    assert {"path": ["date_of_expiry"]}.items() <= next(
        claim for claim in vct["claims"] if claim["path"] == ["date_of_expiry"]
    ).items()
    assert client.get("/credentials/vct/engagement").status_code == 404
    context = client.get(reverse("credentials:context", args=["ob-v3p0-context-3-0-3"]))
    assert context.status_code == 200 and "OpenBadgeCredential" in context.json()["@context"]


def test_keys_are_published_before_the_first_issuance(client):
    """A verifier may resolve the issuer before anything was signed: the embedded default
    generates its keys when it first publishes them."""
    assert not IssuerKey.objects.exists()
    did = client.get("/.well-known/did.json").json()
    assert len(did["verificationMethod"]) == 2
    assert len(did["assertionMethod"]) == 2
    jwks = client.get("/.well-known/jwks.json").json()
    assert {key["kid"] for key in jwks["keys"]} == set(
        IssuerKey.objects.values_list("kid", flat=True)
    )
