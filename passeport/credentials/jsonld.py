"""JSON-LD with pinned contexts, and the `eddsa-rdfc-2022` Data Integrity proof.

Every context a credential may name is a file in `contexts/`, served by an offline
document loader: nothing is fetched over the network, and a context nobody pinned is an
error. pyld silently drops terms a context does not define (the signature would then not
cover them): `canonicalize` refuses such documents, naming the terms.

The proof follows W3C "Data Integrity EdDSA Cryptosuites v1.0", eddsa-rdfc-2022:
hash = SHA-256(canonical proof options) ‖ SHA-256(canonical document), signed with
Ed25519, `proofValue` in multibase base58btc. pyld turns the document into RDF (JSON-LD
expansion with the pinned contexts: nine tenths of the time), pyoxigraph canonicalises it
(RDFC-1.0, compiled) and `cryptography` signs; the few lines joining them are here because
no Python package implements this cryptosuite.

Why pyoxigraph for RDFC-1.0 rather than pyld's own URDNA2015: measured (`make bench`),
the algorithm is a twentieth of an Open Badge's canonicalisation and both take the same
time; but pyld writes control characters raw in N-Quads literals, where RDFC-1.0 (and
rdf-canonize, which independent verifiers use) escapes them (\u001f): a title holding one
made a signature nobody else could verify. The outputs are otherwise byte for byte the
same (tests/credentials/test_canonicaliser.py).
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pyoxigraph
from pyld.jsonld import JsonLdError, JsonLdProcessor

CONTEXTS_DIR = Path(__file__).parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

# URL → (file, the short name it is also served under by us).
PINNED = {
    VC_V2: ("credentials-v2.jsonld", "credentials-v2"),
    OB_V3: ("ob-v3p0-context-3.0.3.json", "ob-v3p0-context-3-0-3"),
    DID_V1: ("did-v1.jsonld", "did-v1"),
    MULTIKEY_V1: ("multikey-v1.jsonld", "multikey-v1"),
}
# Terms that resolve to this vocabulary were not defined by any context either.
UNDEFINED_VOCABULARY = "https://www.w3.org/ns/credentials/issuer-dependent#"

CRYPTOSUITE = "eddsa-rdfc-2022"


class JsonLdRefused(ValueError):
    """A document that cannot be signed or verified as it is, with the French reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_documents: dict[str, dict] = {}


def context_document(url: str) -> dict | None:
    pinned = PINNED.get(url)
    if pinned is None:
        return None
    document = _documents.get(url)
    if document is None:
        document = _documents[url] = json.loads((CONTEXTS_DIR / pinned[0]).read_text())
    return document


def context_by_name(name: str) -> tuple[str, dict] | None:
    for url, (_, short) in PINNED.items():
        if short == name:
            return url, context_document(url)
    return None


def document_loader(url, options=None):
    document = context_document(url)
    if document is None:
        raise JsonLdError(
            f"Contexte JSON-LD non épinglé : {url}",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    # pyld may mutate what it is given: hand out a copy. "tag": "static" lets pyld keep
    # the resolved context, and each context it processes from it, in its shared cache
    # (`_resolved_context_cache`): without it every canonicalisation fetched and processed
    # both pinned contexts again (~80 % of an Open Badge's issuance or verification).
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(document),
        "tag": "static",
    }


def canonicalize(document: dict) -> str:
    """RDFC-1.0 canonical N-Quads of `document`; refuses dropped or undefined terms."""
    dropped: list[str] = []
    processor = JsonLdProcessor(on_property_dropped=lambda term: dropped.append(str(term)))
    try:
        nquads = processor.to_rdf(
            document,
            {
                "format": "application/n-quads",
                "documentLoader": document_loader,
                "base": None,
            },
        )
    except JsonLdError as error:
        raise JsonLdRefused(f"Document JSON-LD invalide : {_reason(error)}") from error
    undefined = sorted(
        {line.split(" ")[1] for line in nquads.split("\n") if UNDEFINED_VOCABULARY in line}
    )
    if dropped or undefined:
        names = ", ".join(sorted(set(dropped)) + undefined)
        raise JsonLdRefused(
            f"Termes non définis par les contextes JSON-LD (ils ne seraient pas signés) : "
            f"{names or 'propriété sans nom'}."
        )
    return rdfc(nquads)


def rdfc(nquads: str) -> str:
    """The RDFC-1.0 canonical form of an N-Quads dataset: blank nodes relabelled, quads
    serialised canonically (control characters escaped) and sorted."""
    try:
        dataset = pyoxigraph.Dataset(pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS))
    except SyntaxError as error:
        raise JsonLdRefused(f"Document JSON-LD invalide : {error}") from error
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return "".join(sorted(f"{quad} .\n" for quad in dataset))


def _reason(error: JsonLdError) -> str:
    cause = error
    while cause.__cause__ is not None and isinstance(cause.__cause__, JsonLdError):
        cause = cause.__cause__
    return str(cause).splitlines()[0]


# --- Data Integrity proof (eddsa-rdfc-2022) ---------------------------------------------


def _hash_data(document: dict, proof_options: dict) -> bytes:
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof_options.items() if key != "proofValue"}
    options["@context"] = unsigned["@context"]
    return (
        hashlib.sha256(canonicalize(options).encode()).digest()
        + hashlib.sha256(canonicalize(unsigned).encode()).digest()
    )


def sign(document: dict, *, private_key, verification_method: str, created: str) -> dict:
    """`document` with an eddsa-rdfc-2022 proof made with an Ed25519 `private_key`."""
    from .keys import base58btc

    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(_hash_data(document, proof))
    return {**document, "proof": {**proof, "proofValue": "z" + base58btc(signature)}}


def proof_of(document: dict) -> dict:
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise JsonLdRefused("Une seule preuve est attendue.")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise JsonLdRefused("Aucune preuve (« proof ») dans le document.")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise JsonLdRefused(
            f"Preuve de type non pris en charge (attendu DataIntegrityProof {CRYPTOSUITE})."
        )
    if proof.get("proofPurpose") != "assertionMethod":
        raise JsonLdRefused("La preuve n'est pas faite pour une assertion (assertionMethod).")
    return proof


def verify(document: dict, *, public_key) -> bool:
    """Whether the proof of `document` holds for the Ed25519 `public_key`."""
    from cryptography.exceptions import InvalidSignature

    from .keys import base58btc_decode

    proof = proof_of(document)
    value = proof.get("proofValue", "")
    if not isinstance(value, str) or not value.startswith("z"):
        raise JsonLdRefused("Valeur de preuve illisible (multibase base58btc attendu).")
    try:
        signature = base58btc_decode(value[1:])
    except ValueError as error:
        raise JsonLdRefused("Valeur de preuve illisible.") from error
    try:
        public_key.verify(signature, _hash_data(document, proof))
    except InvalidSignature:
        return False
    return True
