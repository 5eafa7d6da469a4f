"""The service's seal: a PAdES signature (pyHanko) on every PDF Passeport issues, and its
validation against the seal certificates the service trusts.

The seal is an X.509 certificate "Passeport — cachet" and its P-256 key. In production
both are PEM files (`DOCUMENTS_SEAL_KEY_FILE`, `DOCUMENTS_SEAL_CERT_FILE`), typically
issued by the operator's PKI; earlier certificates stay trusted for verification through
`DOCUMENTS_SEAL_TRUSTED_CERT_FILES`, so that a rotation never invalidates what was sealed
before. The embedded default (`DOCUMENTS_SEAL_GENERATE`) generates a self-signed one on
first use: into those files when they are set (dev: `var/seal/`), in memory otherwise
(tests).

PAdES baseline B-B: no timestamp authority is configured, so the signing time is the
one the service claims (B-T would need a TSA).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import os
import threading
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.constants import ESIC_EXTENSION_1
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

SEAL_FIELD = "CachetPasseport"
SEAL_COMMON_NAME = "Passeport — cachet"
GENERATED_VALIDITY = datetime.timedelta(days=5 * 365)


@dataclasses.dataclass(frozen=True)
class Seal:
    """The signing certificate and key, and every certificate trusted for verification."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    trusted: tuple[x509.Certificate, ...]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def signer(self) -> signers.SimpleSigner:
        cert = _asn1_cert(self.certificate)
        key = asn1_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return signers.SimpleSigner(
            signing_cert=cert,
            signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs([cert]),
        )


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, as colon-separated hex (what browsers show)."""
    raw = certificate.fingerprint(hashes.SHA256()).hex().upper()
    return ":".join(raw[i : i + 2] for i in range(0, len(raw), 2))


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def generate_certificate(
    key: ec.EllipticCurvePrivateKey, now: datetime.datetime | None = None
) -> x509.Certificate:
    """A self-signed seal certificate for the embedded default (not for production)."""
    now = now or datetime.datetime.now(datetime.UTC)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Passeport"),
            x509.NameAttribute(NameOID.COMMON_NAME, SEAL_COMMON_NAME),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + GENERATED_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


_lock = threading.Lock()
_cached: Seal | None = None


def current_seal() -> Seal:
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = _load()
    return _cached


def reset_cache() -> None:
    """Forgets the loaded seal (after a rotation, and in tests that change settings)."""
    global _cached
    with _lock:
        _cached = None


def _load() -> Seal:
    key_file = settings.DOCUMENTS_SEAL_KEY_FILE
    cert_file = settings.DOCUMENTS_SEAL_CERT_FILE
    generate = settings.DOCUMENTS_SEAL_GENERATE
    if key_file and cert_file and Path(key_file).exists() and Path(cert_file).exists():
        key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
        certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    elif generate:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = generate_certificate(key)
        if key_file and cert_file:
            _write_once(key_file, cert_file, key, certificate)
            # Another process may have written first: everyone uses what is on disk.
            key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
            certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    else:
        raise ImproperlyConfigured(
            "Cachet des PDF : DOCUMENTS_SEAL_KEY_FILE et DOCUMENTS_SEAL_CERT_FILE doivent "
            "désigner la clé et le certificat (PEM) du cachet."
        )
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ImproperlyConfigured("Cachet des PDF : la clé doit être une clé ECDSA (P-256).")
    trusted = [certificate]
    for path in settings.DOCUMENTS_SEAL_TRUSTED_CERT_FILES:
        trusted.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return Seal(certificate, key, tuple(dict.fromkeys(trusted)))


def _write_once(key_file, cert_file, key, certificate) -> None:
    """Writes a generated seal unless one exists (O_EXCL: concurrent first runs agree)."""
    Path(key_file).parent.mkdir(parents=True, exist_ok=True)
    Path(cert_file).parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as out:
        out.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    Path(cert_file).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


class _Pdf17Signer(signers.PdfSigner):
    """PAdES on PDF 1.7, the base of PDF/A-3. pyHanko declares an ECDSA P-256 signature
    with the ISO 32002 extension, which extends PDF 2.0 and so sets the catalog's
    `/Version` to 2.0: the sealed document would claim PDF/A-3a (built on PDF 1.7) while
    saying it is PDF 2.0. PAdES itself (ETSI EN 319 142-1) is defined on PDF 1.7 with the
    ESIC extension, and its algorithms (ETSI TS 119 312) include ECDSA P-256: that is the
    one extension declared here, and the document stays PDF 1.7."""

    def register_extensions(self, pdf_out, *, md_algorithm: str) -> None:
        pdf_out.ensure_output_version(version=(1, 7))
        pdf_out.register_extension(ESIC_EXTENSION_1)


def seal_pdf(pdf: bytes, *, reason: str, seal: Seal | None = None) -> bytes:
    """`pdf` with the service's PAdES seal (an invisible signature field, incremental
    update: the PDF/A document and its attachments are left byte for byte; the document
    stays PDF 1.7, see `_Pdf17Signer`)."""
    seal = seal or current_seal()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="France",
        name="Passeport",
    )
    return _Pdf17Signer(metadata, signer=seal.signer).sign_pdf(writer).getvalue()


@dataclasses.dataclass
class SealCheck:
    """What the seal says about a PDF."""

    signed: bool = False
    intact: bool = False  # the signed bytes are unchanged
    trusted: bool = False  # signed by a seal certificate this service trusts
    # The signing certificate is one of ours, whatever became of the content: an altered
    # document is "modified after sealing by Passeport", not "sealed by someone else".
    ours: bool = False
    whole_file: bool = False  # nothing was added after the seal
    signer: str = ""
    fingerprint: str = ""
    signed_at: datetime.datetime | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def check_seal(pdf: bytes, seal: Seal | None = None) -> SealCheck:
    """Validates the PDF's signature with pyHanko against the trusted seal certificates
    only (no network: no fetching of revocation data or other certificates)."""
    seal = seal or current_seal()
    result = SealCheck()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        result.error = f"Fichier PDF illisible ({error.__class__.__name__})."
        return result
    if not signatures:
        result.error = "Ce PDF ne porte aucune signature électronique."
        return result
    signature = signatures[-1]
    result.signed = True
    trusted = [_asn1_cert(cert) for cert in seal.trusted]
    context = ValidationContext(trust_roots=trusted, allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, context)
    except (SignatureValidationError, SigningError, PdfError, ValueError, KeyError) as error:
        result.error = f"Signature illisible ({error.__class__.__name__})."
        return result
    result.intact = bool(status.intact and status.valid)
    result.trusted = bool(status.trusted)
    result.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if status.signing_cert is not None:
        result.signer = status.signing_cert.subject.human_friendly
        result.fingerprint = ":".join(
            f"{b:02X}" for b in hashlib.sha256(status.signing_cert.dump()).digest()
        )
        result.ours = status.signing_cert.dump() in {cert.dump() for cert in trusted}
    result.signed_at = getattr(status, "signer_reported_dt", None)
    return result
