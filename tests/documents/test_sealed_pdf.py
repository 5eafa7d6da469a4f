"""Sealed PDFs: PDF/A-3a and PDF/UA-1 (tagged), attachments as associated files, a PAdES
seal that pyHanko and poppler's pdfsig (software we did not write) accept, and that both
refuse once a single byte changes; the verifier's answers for revoked, corrected,
cancelled and expired documents."""

import datetime
import hashlib
import io
import os
import re
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from passeport.documents import services as documents
from passeport.documents.models import DocumentKind, DocumentStatus
from passeport.documents.render import Attachment, render_pdf
from passeport.documents.seal import Seal, check_seal, current_seal, generate_certificate, seal_pdf
from passeport.documents.verification import embedded_files, verify_document, verify_pdf
from passeport.journal.actors import Actor
from passeport.records import services as records
from passeport.records.models import Certification, DeclaredItem, PreventionTraining

pytestmark = pytest.mark.django_db

PDFSIG = shutil.which("pdfsig")
# Skipped locally without poppler-utils; in CI (CI=true, see .ci/run) a missing pdfsig fails.
needs_pdfsig = pytest.mark.skipif(
    PDFSIG is None and not os.environ.get("CI"),
    reason="pdfsig absent (Debian poppler-utils : installé par « make test »)",
)

DATA = {
    "kind": "cv",
    "title": "Curriculum vitæ",
    "holder": "Camille Dupont",
    "subtitle": "",
    "intro": "",
    "summary": "Un texte #avec [du] *balisage* Typst $x$ qui reste du texte.",
    "issued_on": "23 novembre 2026",
    "document_id": "00000000-0000-4000-8000-000000000000",
    "sections": [
        {
            "kind": "emploi",
            "heading": "Expériences professionnelles",
            "entries": [
                {
                    "kind": "emploi",
                    "title": "Boulangère",
                    "subtitle": "Boulangerie Dupain",
                    "period": "janvier 2025 – juin 2025",
                    "details": ["CDI"],
                    "guaranteed": True,
                    "source": "DSN",
                    "validity": "",
                }
            ],
        }
    ],
}


def _render(**kwargs):
    return render_pdf(DATA, verification_url="http://testserver/verifier/x", **kwargs)


def test_the_pdf_is_pdf_a_3a_and_pdf_ua_1_tagged_with_associated_files():
    pdf = _render(
        attachments=[Attachment("a.sd-jwt", "application/dc+sd-jwt", b"eyJ.x.y~", "SD-JWT VC")]
    )
    root = PdfFileReader(io.BytesIO(pdf)).root
    xmp = root["/Metadata"].data.decode()
    assert re.search(r"<pdfaid:part>3</pdfaid:part>", xmp)
    assert re.search(r"<pdfaid:conformance>A</pdfaid:conformance>", xmp)
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>", xmp)
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "fr-FR"
    spec = root["/AF"][0]
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/EF"]["/F"]["/Subtype"] == "/application/dc+sd-jwt"
    assert embedded_files(pdf) == [("a.sd-jwt", b"eyJ.x.y~")]


@needs_pdfsig  # pdftotext comes with pdfsig (poppler-utils)
def test_text_from_the_holder_is_never_evaluated_as_markup():
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    text = subprocess.run(
        [pdftotext, "-", "-"], input=_render(), capture_output=True, check=True
    ).stdout.decode()
    assert "#avec [du] *balisage* Typst $x$" in text


def test_the_sealed_pdf_is_still_the_pdf_1_7_that_pdf_a_3a_requires():
    """PDF/A-3 is built on PDF 1.7: the seal (ECDSA P-256, PAdES) must not turn the
    document into PDF 2.0 (pyHanko's ISO 32002 extension did), and the PDF/A and PDF/UA
    identification stays what it was."""
    sealed = seal_pdf(_render(), reason="test")
    reader = PdfFileReader(io.BytesIO(sealed))
    assert sealed.startswith(b"%PDF-1.7\n")
    assert reader.input_version == (1, 7)
    assert "/Version" not in reader.root  # the header's version holds
    extensions = reader.root["/Extensions"]
    assert list(extensions) == ["/ESIC"]  # PAdES's extension of PDF 1.7, no ISO_ (2.0)
    assert extensions["/ESIC"]["/BaseVersion"] == "/1.7"
    # pyHanko writes the metadata again on sealing (properties as attributes), keeping
    # the identification and saying the version.
    xmp = reader.root["/Metadata"].data.decode()
    assert xmp_value(xmp, "pdfaid:part") == "3"
    assert xmp_value(xmp, "pdfaid:conformance") == "A"
    assert xmp_value(xmp, "pdfuaid:part") == "1"
    assert xmp_value(xmp, "pdf:PDFVersion") in (None, "1.7")
    assert check_seal(sealed).ok


def xmp_value(xmp: str, name: str) -> str | None:
    """An XMP property written as an element or as an attribute."""
    found = re.search(rf'{name}="([^"]*)"|<{name}>([^<]*)</{name}>', xmp)
    return (found.group(1) or found.group(2)) if found else None


def test_the_seal_validates_and_one_changed_byte_breaks_it():
    sealed = seal_pdf(_render(), reason="test")
    assert check_seal(sealed).ok
    tampered = bytearray(sealed)
    tampered[len(tampered) // 3] ^= 0x01
    result = check_seal(bytes(tampered))
    assert not result.ok and not result.intact and result.ours


def test_one_changed_byte_is_said_to_be_an_alteration_after_sealing_by_us():
    """A genuine document with one byte changed was once said to be "signed by a seal that
    is not Passeport's": it is Passeport's seal, and the document was altered after."""
    sealed = seal_pdf(_render(), reason="test")
    tampered = bytearray(sealed)
    tampered[len(tampered) // 3] ^= 0x01
    verdict, document = verify_pdf(bytes(tampered))
    checks = {check.code: check for check in verdict.checks}
    assert document is None and not verdict.ok
    assert checks["issuer"].ok
    detail = checks["integrity"].detail
    assert "modifié après son scellement" in detail and "Passeport" in detail
    assert "n'est pas le cachet" not in detail


def test_a_foreign_seal_is_not_trusted():
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    foreign = Seal(generate_certificate(key), key, ())
    result = check_seal(seal_pdf(_render(), reason="faux", seal=foreign))
    assert result.intact and not result.trusted and not result.ok and not result.ours


def test_content_added_after_the_seal_is_detected():
    sealed = seal_pdf(_render(), reason="test")
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    writer.root["/Lang"] = writer.root["/Lang"]  # any incremental update
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    result = check_seal(out.getvalue())
    assert result.intact and not result.whole_file and not result.ok


@needs_pdfsig
def test_pdfsig_accepts_the_seal_and_reports_a_digest_mismatch_after_a_change(tmp_path):
    sealed = seal_pdf(_render(), reason="test")
    good = tmp_path / "good.pdf"
    good.write_bytes(sealed)
    output = subprocess.run([PDFSIG, str(good)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in output
    assert "Passeport — cachet" in output
    bad = tmp_path / "bad.pdf"
    tampered = bytearray(sealed)
    tampered[len(tampered) // 3] ^= 0x01
    bad.write_bytes(bytes(tampered))
    output = subprocess.run([PDFSIG, str(bad)], capture_output=True, text=True).stdout
    assert "Digest Mismatch." in output


def _issue(holder, kind=DocumentKind.CV, records_=None, callbacks=None):
    chosen = records_
    with callbacks(execute=True):
        document = documents.request_document(
            holder.person,
            kind=kind,
            records=chosen,
            title="Mon CV",
            actor=Actor.for_user(holder),
        )
    document.refresh_from_db()
    return document


def test_an_issued_cv_carries_credentials_of_guaranteed_entries_only(
    holder, published, django_capture_on_commit_callbacks
):
    document = _issue(holder, records_=published, callbacks=django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.READY and document.progress == 100
    pdf = document.file.open("rb").read()
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    guaranteed = [r for r in published if r.is_guaranteed]
    files = embedded_files(pdf)
    # One SD-JWT VC and one Open Badge per issuable guaranteed entry (employment,
    # certification, training, prevention; the engagement is not issued as a credential).
    assert len(files) == len(document.attachments) >= 2 * (len(guaranteed) - 1)
    assert not any("declaration" in name or "Espagnol" in name for name, _ in files)
    assert holder.person.reveal_nir().encode() not in pdf
    for _, content in files:
        assert holder.person.reveal_nir().encode() not in content
    verdict, found = verify_pdf(pdf)
    assert found == document
    assert verdict.ok, verdict.checks
    codes = {check.code for check in verdict.checks}
    assert {"issuer", "integrity", "status", "expiry", "credentials"} <= codes
    assert verdict.claims["titulaire"] == document.holder_label
    assert document.holder_label.endswith(".") and len(document.holder_label.split()) == 2


def test_revoked_documents_and_corrected_or_cancelled_entries_are_refused(
    holder, published, django_capture_on_commit_callbacks
):
    certification = next(r for r in published if isinstance(r, Certification))
    document = _issue(holder, records_=published, callbacks=django_capture_on_commit_callbacks)
    pdf = document.file.open("rb").read()
    records.revise(certification, actor=Actor.system("tests"), reason="Erreur de niveau", level=5)
    verdict, _ = verify_pdf(pdf)
    assert not verdict.ok
    status = next(c for c in verdict.checks if c.code == "status")
    assert not status.ok and "corrigée" in status.detail
    # The credential attached for that version was revoked with it.
    credentials = next(c for c in verdict.checks if c.code == "credentials")
    assert not credentials.ok

    documents.revoke_document(document, actor=Actor.for_user(holder))
    document.refresh_from_db()
    assert not document.file and document.sha256
    verdict, _ = verify_pdf(pdf)
    assert not verdict.ok
    assert "révoqué" in next(c for c in verdict.checks if c.code == "status").detail


def test_an_expired_prevention_attestation_is_refused_but_an_old_cv_entry_is_not(
    holder, published, django_capture_on_commit_callbacks
):
    training = next(r for r in published if isinstance(r, PreventionTraining))
    document = _issue(
        holder,
        kind=DocumentKind.PREVENTION,
        records_=[training],
        callbacks=django_capture_on_commit_callbacks,
    )
    later = training.valid_until + datetime.timedelta(days=1)
    verdict = verify_document(document, today=later)
    expiry = next(c for c in verdict.checks if c.code == "expiry")
    assert not expiry.ok and not verdict.ok
    cv = _issue(holder, records_=[training], callbacks=django_capture_on_commit_callbacks)
    verdict = verify_document(cv, today=later)
    assert (
        verdict.ok
        and "n'est plus valide" in next(c for c in verdict.checks if c.code == "expiry").detail
    )


def test_a_pdf_sealed_by_passeport_but_not_issued_is_not_recognised():
    verdict, document = verify_pdf(seal_pdf(_render(), reason="test"))
    assert document is None and not verdict.ok
    assert "n'est pas enregistré" in next(c for c in verdict.checks if c.code == "integrity").detail


def test_only_the_holders_current_entries_go_into_a_document(holder, published):
    declared = next(r for r in published if isinstance(r, DeclaredItem))
    records.set_publication([declared], published=False, actor=Actor.for_user(holder))
    with pytest.raises(documents.DocumentError):
        documents.request_document(
            holder.person,
            kind=DocumentKind.CV,
            records=[declared],
            title="CV",
            actor=Actor.for_user(holder),
        )
    from tests.factories import UserFactory

    other = UserFactory(holder=True)
    with pytest.raises(documents.DocumentError):
        documents.request_document(
            other.person,
            kind=DocumentKind.ENTRY,
            records=[published[0]],
            title="Attestation",
            actor=Actor.for_user(other),
        )


def test_the_seal_certificate_is_the_published_one(client):
    response = client.get("/verifier/cachet.pem")
    assert response.status_code == 200
    assert response.content.decode() == current_seal().certificate_pem()
    page = client.get("/verifier/").content.decode()
    assert current_seal().fingerprint in page
