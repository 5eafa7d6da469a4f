"""RDFC-1.0 canonicalisation by pyoxigraph (compiled, in use) against pyld's URDNA2015 (the
one used before, measured side by side by `make bench`): byte for byte the same canonical
N-Quads for an Open Badge of every issuable kind and its proof options, and for any text a
holder may type — except control characters, which RDFC-1.0 escapes (\\u001F) and pyld
wrote raw: independent verifiers (rdf-canonize) follow the spec, so a credential holding
one is now verifiable by them (tests/credentials/test_independent_verifiers.py)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyld.jsonld import JsonLdProcessor

from passeport.credentials import jsonld, services
from passeport.journal.actors import Actor

pytestmark = pytest.mark.django_db
OPTIONS = {"documentLoader": jsonld.document_loader, "base": None}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _pyld(document: dict) -> str:
    return JsonLdProcessor().normalize(
        document, {**OPTIONS, "algorithm": "URDNA2015", "format": "application/n-quads"}
    )


def _document(text: str) -> dict:
    return {
        "@context": [jsonld.VC_V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:passeport.example",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "urn:uuid:7c1d3f4e-0000-4000-8000-000000000001"},
        "name": text,
        "description": f'« {text} »\t"\\\n',
    }


def test_every_issuable_kind_canonicalises_as_before(issuable):
    for record in issuable:
        _, badge = services.issue_open_badge(record, actor=Actor.system("tests"))
        proof = badge.pop("proof")
        options = {key: value for key, value in proof.items() if key != "proofValue"}
        options["@context"] = badge["@context"]
        for document in (badge, options):
            assert jsonld.canonicalize(document) == _pyld(document)


@given(st.text(min_size=1, max_size=40).filter(lambda text: not CONTROL.search(text)))
def test_typed_texts_canonicalise_as_before(text):
    assert jsonld.canonicalize(_document(text)) == _pyld(_document(text))


@given(st.text(min_size=1, max_size=40).filter(lambda text: CONTROL.search(text)))
def test_control_characters_are_escaped_as_rdfc_says(text):
    canonical = jsonld.canonicalize(_document(text))
    assert not CONTROL.search(canonical)
    name = next(line for line in canonical.split("\n") if "schema.org/name" in line)
    assert re.search(r"\\u00[01][0-9A-F]|\\u007F|\\b|\\f", name)
