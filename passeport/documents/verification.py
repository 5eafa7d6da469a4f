"""What the public verifier says about a PDF, or about a document reached by its QR code.

A PDF passes when: the seal is valid and made with a seal certificate this service
trusts (pyHanko), nothing was added after it, its SHA-256 is one this service recorded
when it issued it, its holder did not revoke it, the entries it carries were neither
corrected nor cancelled since, and — for attestations — are still valid; the credentials
attached inside it are checked by the credentials verifiers too.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json

from django.utils import timezone
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from passeport.credentials.verdict import Verdict
from passeport.records.enums import RecordStatus
from passeport.records.timeline import KINDS

from .builders import french_date, sentence
from .models import DocumentKind, DocumentStatus, GeneratedDocument
from .seal import check_seal, current_seal

STATUS_WORDS = {
    RecordStatus.SUPERSEDED: "corrigée depuis (une version plus récente la remplace)",
    RecordStatus.CANCELLED: "annulée par son déclarant",
}


def _date(moment: datetime.datetime | None) -> str:
    return french_date(timezone.localtime(moment).date()) if moment else ""


def _describe(document: GeneratedDocument) -> str:
    return (
        f"{document.get_kind_display()} émis par Passeport le {_date(document.issued_at)} "
        f"pour {document.holder_label}"
    )


def document_claims(document: GeneratedDocument) -> dict:
    return {
        "document": str(document.public_id),
        "type": document.get_kind_display(),
        "titre": document.title,
        "emis_le": document.issued_at.isoformat() if document.issued_at else None,
        "titulaire": document.holder_label,
        "entrees": [{"titre": e["title"], "garantie": e["guaranteed"]} for e in document.entries],
    }


def _status_checks(verdict: Verdict, document: GeneratedDocument, today: datetime.date) -> None:
    if document.revoked_at:
        verdict.add(
            "status",
            "Non révoqué",
            False,
            f"Son titulaire a révoqué ce document le {_date(document.revoked_at)}.",
        )
        return
    problems, expired = [], []
    for entry in document.entries:
        kind = KINDS.get(entry["kind"])
        record = kind.model.objects.filter(public_id=entry["public_id"]).first() if kind else None
        if record is None:
            problems.append(f"« {entry['title']} » a été supprimée par son titulaire")
            continue
        if record.status in STATUS_WORDS:
            problems.append(f"« {entry['title']} » a été {STATUS_WORDS[record.status]}")
        valid_until = getattr(record, "valid_until", None)
        if record.status == RecordStatus.EXPIRED or (valid_until and valid_until < today):
            expired.append(
                f"« {entry['title']} » n'est plus valide depuis le "
                f"{french_date(valid_until) if valid_until else '?'}"
            )
    if problems:
        verdict.add("status", "Entrées toujours en vigueur", False, " ; ".join(problems) + ".")
    else:
        verdict.add(
            "status",
            "Non révoqué",
            True,
            "Ni le document ni ses entrées n'ont été révoqués, corrigés ou annulés.",
        )
    attestation = document.kind in (DocumentKind.PREVENTION, DocumentKind.ENTRY)
    if expired and attestation:
        verdict.add("expiry", "Non expiré", False, " ; ".join(expired) + ".")
    elif expired:
        verdict.add(
            "expiry",
            "Dates de validité",
            True,
            " ; ".join(expired) + " (le CV le dit à côté de l'entrée).",
        )
    else:
        verdict.add("expiry", "Non expiré", True, "Aucune entrée n'a dépassé sa date de validité.")


def verify_document(document: GeneratedDocument, *, today: datetime.date | None = None):
    """What the QR code's page says: the registry's word on the document (the file
    itself can be checked by uploading it)."""
    today = today or timezone.localdate()
    verdict = Verdict(kind="pdf")
    if document.status != DocumentStatus.READY:
        verdict.add("issuer", "Émis par Passeport", False, "Ce document n'a pas été émis.")
        return verdict
    verdict.add("issuer", "Émis par Passeport", True, sentence(_describe(document)))
    _status_checks(verdict, document, today)
    verdict.claims = document_claims(document)
    verdict.key_id = document.seal_fingerprint
    return verdict


def embedded_files(pdf: bytes) -> list[tuple[str, bytes]]:
    """The files attached to a PDF (name, content), from its EmbeddedFiles name tree."""
    try:
        root = PdfFileReader(io.BytesIO(pdf), strict=False).root
        names = root["/Names"]["/EmbeddedFiles"]
    except (KeyError, PdfError, ValueError, TypeError):
        return []
    found = []

    def walk(node, depth=0):
        if depth > 8:
            return
        pairs = node.get("/Names")
        if pairs is not None:
            for i in range(0, len(pairs) - 1, 2):
                spec = pairs[i + 1]
                try:
                    stream = spec["/EF"]["/F"]
                    found.append((str(spec.get("/UF") or pairs[i]), stream.data))
                except (KeyError, TypeError, PdfError):
                    continue
        for kid in node.get("/Kids", ()):
            walk(kid, depth + 1)

    walk(names)
    return found


def _credential_checks(verdict: Verdict, files: list[tuple[str, bytes]]) -> None:
    if not files:
        return
    from passeport.credentials import verification

    failures, checked = [], 0
    for name, content in files:
        try:
            text = content.decode()
        except UnicodeDecodeError:
            failures.append(f"{name} : fichier illisible")
            continue
        if name.endswith(".json") or text.lstrip().startswith("{"):
            try:
                inner = verification.verify_open_badge(json.loads(text))
            except ValueError:
                failures.append(f"{name} : JSON invalide")
                continue
        else:
            inner = verification.verify_sd_jwt(text.strip())
        checked += 1
        if not inner.ok:
            reasons = "; ".join(c.detail or c.label for c in inner.checks if not c.ok)
            failures.append(f"{name} : {reasons}")
    if failures:
        verdict.add("credentials", "Attestations numériques jointes", False, " ; ".join(failures))
    else:
        verdict.add(
            "credentials",
            "Attestations numériques jointes",
            True,
            f"{checked} attestation(s) jointe(s) vérifiée(s) : valides, non révoquées.",
        )


def verify_pdf(pdf: bytes, *, today: datetime.date | None = None):
    """Returns (verdict, document or None) for an uploaded PDF."""
    today = today or timezone.localdate()
    verdict = Verdict(kind="pdf")
    seal = current_seal()
    result = check_seal(pdf, seal)
    if not result.signed:
        verdict.add("issuer", "Émis par Passeport", False, result.error)
        return verdict, None
    if result.error:
        verdict.add("integrity", "Non modifié", False, result.error)
        return verdict, None
    if result.trusted or result.ours:
        verdict.add(
            "issuer",
            "Émis par Passeport",
            True,
            f"Cachet « {result.signer} », certificat d'empreinte SHA-256 {result.fingerprint}.",
        )
    else:
        verdict.add(
            "issuer",
            "Émis par Passeport",
            False,
            f"Scellé par « {result.signer} », qui n'est pas le cachet de Passeport.",
        )
    verdict.key_id = result.fingerprint
    if not result.intact:
        verdict.add(
            "integrity",
            "Non modifié",
            False,
            f"Le document a été modifié après son scellement par « {result.signer} » : son "
            "contenu ne correspond plus à la signature.",
        )
        return verdict, None
    if not result.whole_file:
        verdict.add(
            "integrity",
            "Non modifié",
            False,
            "Du contenu a été ajouté au fichier après son scellement.",
        )
        return verdict, None
    digest = hashlib.sha256(pdf).hexdigest()
    document = GeneratedDocument.objects.filter(sha256=digest).first()
    if document is None:
        verdict.add(
            "integrity",
            "Non modifié",
            False,
            "Signature intacte, mais ce fichier n'est pas enregistré parmi les documents "
            "émis par Passeport.",
        )
        return verdict, None
    verdict.add(
        "integrity",
        "Non modifié",
        True,
        f"Identique au document enregistré : {_describe(document)} "
        f"(empreinte SHA-256 {digest[:16]}…).",
    )
    _status_checks(verdict, document, today)
    _credential_checks(verdict, embedded_files(pdf))
    verdict.claims = document_claims(document)
    return verdict, document
