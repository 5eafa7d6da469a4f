"""What an SD-JWT VC and an Open Badges 3.0 credential contain, and what is refused."""

import json

import pytest
from django.utils import timezone

from passeport.credentials import badges, jsonld, keys, services, statuslists
from passeport.credentials.models import Issuance, IssuedFormat
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.records import services as records

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


def _parts(sd_jwt):
    jwt, *disclosures, kb = sd_jwt.split("~")
    header, payload, _ = jwt.split(".")
    decode = statuslists.b64url_decode
    return (
        json.loads(decode(header)),
        json.loads(decode(payload)),
        [json.loads(decode(d)) for d in disclosures],
        kb,
    )


def test_sd_jwt_vc_shape(prevention):
    issuance, credential = services.issue_sd_jwt(prevention, actor=ACTOR)
    header, payload, disclosures, kb = _parts(credential)
    assert header == {"alg": "ES256", "typ": "dc+sd-jwt", "kid": issuance.kid}
    assert kb == ""
    assert payload["iss"] == "http://127.0.0.1:8000"
    assert payload["vct"] == "http://127.0.0.1:8000/credentials/vct/prevention"
    assert payload["exp"] == int(issuance.expires_at.timestamp())
    assert payload["status"] == {
        "status_list": {"idx": issuance.status_index, "uri": statuslists.url(issuance.status_list)}
    }
    # Every personal claim is disclosable, none in clear; decoys make the count unclear.
    disclosed = {name: value for _, name, value in disclosures}
    assert set(disclosed) >= {"given_name", "family_name", "achievement_title", "date_of_expiry"}
    assert not set(disclosed) & set(payload)
    assert len(payload["_sd"]) >= len(disclosures) + 2
    assert disclosed["date_of_expiry"] == prevention.valid_until.isoformat()


def test_no_nir_anywhere(issuable):
    nir = issuable[0].person.reveal_nir()
    for record in issuable:
        _, credential = services.issue_sd_jwt(record, actor=ACTOR)
        _, badge = services.issue_open_badge(record, actor=ACTOR)
        text = "".join(
            statuslists.b64url_decode(part).decode(errors="ignore")
            for part in credential.replace(".", "~").split("~")
            if part
        )
        assert nir not in text and nir[:13] not in text
        assert nir[:13] not in json.dumps(badge)


def test_holder_key_binding(training, wallet_key):
    public = wallet_key.export_public(as_dict=True)
    issuance, credential = services.issue_sd_jwt(training, actor=ACTOR, holder_jwk=public)
    _, payload, _, _ = _parts(credential)
    assert payload["cnf"]["jwk"] == public
    assert issuance.holder_key_thumbprint == wallet_key.thumbprint()


def test_open_badge_shape(certification):
    issuance, badge = services.issue_open_badge(certification, actor=ACTOR)
    assert badge["@context"] == [jsonld.VC_V2, jsonld.OB_V3]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["issuer"]["id"] == keys.issuer_did()
    subject = badge["credentialSubject"]
    assert subject["id"].startswith("urn:uuid:")
    assert subject["id"] == badges.subject_id(certification.person)
    assert subject["achievement"]["humanCode"] == "RNCP34321"
    assert subject["identifier"][0]["hashed"] is True
    assert [entry["statusPurpose"] for entry in badge["credentialStatus"]] == [
        "revocation",
        "suspension",
    ]
    assert {entry["statusListIndex"] for entry in badge["credentialStatus"]} == {
        str(issuance.status_index)
    }
    proof = badge["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"] == keys.verification_method_id(issuance.kid)


def test_undefined_term_is_refused():
    with pytest.raises(jsonld.JsonLdRefused, match="inventedTerm"):
        jsonld.canonicalize(
            {
                "@context": [jsonld.VC_V2, jsonld.OB_V3],
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": "did:web:example",
                "inventedTerm": "non signé",
                "credentialSubject": {"id": "urn:uuid:1", "type": ["AchievementSubject"]},
            }
        )
    with pytest.raises(jsonld.JsonLdRefused, match="non épinglé"):
        jsonld.canonicalize({"@context": "https://example.org/ctx", "a": 1})


def test_declared_and_withdrawn_records_are_not_issued(holder, training):
    from tests.credentials.conftest import TrainingFactory

    declared = TrainingFactory(person=holder.person, declared=True)
    assert services.credentials_for(declared, actor=ACTOR) == []
    with pytest.raises(services.IssuanceError, match="garantie"):
        services.issue_sd_jwt(declared, actor=ACTOR)
    records.cancel(training, actor=ACTOR, reason="Erreur de saisie")
    training.refresh_from_db()
    with pytest.raises(services.IssuanceError, match="corrigée ou annulée"):
        services.issue_open_badge(training, actor=ACTOR)


def test_credentials_for_gives_both_files_and_journals(training):
    files = services.credentials_for(training, actor=ACTOR)
    assert [(f.format, f.media_type) for f in files] == [
        (IssuedFormat.SD_JWT_VC, "application/dc+sd-jwt"),
        (IssuedFormat.OPEN_BADGE, "application/vc+ld+json"),
    ]
    assert files[0].filename.endswith(".sd-jwt") and files[1].filename.endswith(".vc.jsonld")
    assert json.loads(files[1].content)["type"][1] == "OpenBadgeCredential"
    issued = Issuance.objects.filter(record_lineage=training.lineage)
    assert issued.count() == 2
    journaled = JournalEntry.objects.filter(action="credential.issued")
    assert set(journaled.values_list("object_id", flat=True)) == {str(i.public_id) for i in issued}
    assert all(entry.person_id == training.person_id for entry in journaled)


def test_a_record_whose_validity_has_ended_is_not_issued(expired_training):
    record = expired_training
    assert "n'est plus valide depuis le 07/01/2022" in services.refusal(record)
    with pytest.raises(services.IssuanceError):
        services.issue_sd_jwt(record, actor=ACTOR)
    # A document mentions it without attaching a credential (its exp would be past).
    assert services.credentials_for_many([record], actor=ACTOR) == [[]]
    # Valid until today: still issued (its exp is tomorrow, 00:00 in Paris).
    record.valid_until = timezone.localdate()
    assert services.refusal(record) is None
