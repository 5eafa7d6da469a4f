"""The public verifier's one entry point, shared by the web page and the API: a sealed
PDF, an SD-JWT VC presentation, an Open Badges 3.0 credential or a share link in, a
`Verdict` out. Verifications that name a holder are journaled on their person (their
access log shows that someone checked their document)."""

from __future__ import annotations

import json

from passeport.credentials import display
from passeport.credentials import verification as credentials
from passeport.credentials.verdict import Verdict
from passeport.journal.actors import Actor, ActorKind
from passeport.journal.services import log_person_data_read

from .models import GeneratedDocument
from .verification import verify_document, verify_pdf

VERIFIER = Actor(ActorKind.ANONYMOUS, "verifier", "Vérificateur public")


class VerifierInputError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _journal_document(document: GeneratedDocument) -> None:
    log_person_data_read(
        document.person,
        VERIFIER,
        f"vérification publique du document « {document.title} » ({document.public_id})",
    )


def verify_submission(
    *, pdf: bytes | None = None, sd_jwt: str = "", open_badge: str = "", share_link: str = ""
) -> Verdict:
    given = [
        name
        for name, value in (
            ("pdf", pdf),
            ("sd_jwt", sd_jwt.strip()),
            ("open_badge", open_badge.strip()),
            ("share_link", share_link.strip()),
        )
        if value
    ]
    if not given:
        raise VerifierInputError(
            "Déposez un PDF, collez une attestation numérique ou un lien de partage."
        )
    if len(given) > 1:
        raise VerifierInputError("Vérifiez un seul élément à la fois.")
    if pdf:
        if not pdf.startswith(b"%PDF-"):
            raise VerifierInputError("Ce fichier n'est pas un PDF.")
        verdict, document = verify_pdf(pdf)
        if document is not None:
            _journal_document(document)
        return verdict
    if sd_jwt.strip():
        return credentials.verify_sd_jwt(sd_jwt.strip())
    if open_badge.strip():
        try:
            parsed = json.loads(open_badge)
        except ValueError as error:
            raise VerifierInputError(
                f"Ce texte n'est pas du JSON valide (ligne {error.lineno}, colonne {error.colno})."
            ) from error
        if not isinstance(parsed, dict):
            raise VerifierInputError("Une attestation Open Badges 3.0 est un objet JSON.")
        return credentials.verify_open_badge(parsed)
    from passeport.sharing.services import link_for_token, token_from_text, verify_link

    verdict = verify_link(share_link)
    link = link_for_token(token_from_text(share_link))
    if link is not None:
        log_person_data_read(
            link.person, VERIFIER, f"vérification publique d'un lien de partage ({link.public_id})"
        )
    return verdict


def verify_document_id(document: GeneratedDocument) -> Verdict:
    """The QR code's page; journaled like any verification."""
    verdict = verify_document(document)
    if document.issued_at is not None:
        _journal_document(document)
    return verdict


# The rows a page shows: one home for the words of every claim.
claim_rows = display.claim_rows
