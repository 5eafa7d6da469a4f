"""The verifier's identity towards wallets: a P-256 key and its X.509 certificate, whose
DNS subjectAltName is our host (client identifier prefix `x509_san_dns`).

In production both are PEM files (`CREDENTIALS_VERIFIER_KEY_FILE`,
`CREDENTIALS_VERIFIER_CERT_FILE`, the leaf first, then its chain): an access certificate
issued for the host by a certification authority wallets trust (in the EU wallet
ecosystem, the relying party's access certificate). The embedded default
(`CREDENTIALS_VERIFIER_GENERATE`) generates a self-signed one for the host of SITE_URL:
into those files when set (dev: `var/verifier/`), in memory otherwise (tests); it is
generated again when the host changes.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import os
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .. import keys

PREFIX = "x509_san_dns"
COMMON_NAME = "Passeport — vérificateur d'attestations"
GENERATED_VALIDITY = datetime.timedelta(days=365)


@dataclasses.dataclass(frozen=True)
class VerifierIdentity:
    host: str
    key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]  # leaf first

    @property
    def client_id(self) -> str:
        return f"{PREFIX}:{self.host}"

    @property
    def x5c(self) -> list[str]:
        return [
            base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
            for cert in self.chain
        ]

    def certificate_pem(self) -> str:
        return "".join(
            cert.public_bytes(serialization.Encoding.PEM).decode() for cert in self.chain
        )


def host() -> str:
    return urlsplit(keys.issuer_url()).hostname or "localhost"


def san_dns_names(certificate: x509.Certificate) -> list[str]:
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return extension.value.get_values_for_type(x509.DNSName)


def generate_certificate(key: ec.EllipticCurvePrivateKey, name: str) -> x509.Certificate:
    """A self-signed certificate naming `name` (embedded default, not for production)."""
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Passeport"),
            x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + GENERATED_VALIDITY)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


_lock = threading.Lock()
_cached: dict[str, VerifierIdentity] = {}


def current() -> VerifierIdentity:
    name = host()
    identity = _cached.get(name)
    if identity is None:
        with _lock:
            identity = _cached.get(name) or _load(name)
            _cached[name] = identity
    return identity


def available() -> bool:
    """Whether requests can be signed (configured, or generated in the embedded default)."""
    try:
        current()
    except ImproperlyConfigured:
        return False
    return True


def reset_cache() -> None:
    with _lock:
        _cached.clear()


def _load(name: str) -> VerifierIdentity:
    key_file = getattr(settings, "CREDENTIALS_VERIFIER_KEY_FILE", "")
    cert_file = getattr(settings, "CREDENTIALS_VERIFIER_CERT_FILE", "")
    generate = getattr(settings, "CREDENTIALS_VERIFIER_GENERATE", False)
    if key_file and cert_file and Path(key_file).exists() and Path(cert_file).exists():
        key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
        chain = tuple(x509.load_pem_x509_certificates(Path(cert_file).read_bytes()))
        if generate and name not in san_dns_names(chain[0]):
            key, chain = _generate(name, key_file, cert_file)  # the host changed
    elif generate:
        key, chain = _generate(name, key_file, cert_file)
    else:
        raise ImproperlyConfigured(
            "Vérificateur OpenID4VP : CREDENTIALS_VERIFIER_KEY_FILE et "
            "CREDENTIALS_VERIFIER_CERT_FILE doivent désigner la clé et le certificat (PEM)."
        )
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ImproperlyConfigured("Vérificateur OpenID4VP : la clé doit être une clé P-256.")
    if name not in san_dns_names(chain[0]):
        raise ImproperlyConfigured(
            f"Vérificateur OpenID4VP : le certificat ne nomme pas « {name} » (subjectAltName "
            "DNS) ; les portefeuilles refuseraient les demandes."
        )
    return VerifierIdentity(name, key, chain)


def _generate(name, key_file, cert_file):
    key = ec.generate_private_key(ec.SECP256R1())
    chain = (generate_certificate(key, name),)
    if key_file and cert_file:
        pem_key = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _replace(key_file, pem_key, mode=0o600)
        _replace(cert_file, chain[0].public_bytes(serialization.Encoding.PEM))
    return key, chain


def _replace(path: str, content: bytes, mode: int = 0o644) -> None:
    """Writes `path` whole or not at all (a reader never sees half a PEM file)."""
    folder = Path(path).parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=folder)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    os.chmod(temporary, mode)
    os.replace(temporary, path)
