"""A throw-away CA and a server certificate for 127.0.0.1 / localhost / ::1, made with ``cryptography``."""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import ipaddress
import os
import ssl
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True, slots=True)
class TlsMaterial:
    """PEM material of one simulator instance."""

    ca_pem: bytes
    cert_pem: bytes
    key_pem: bytes
    fingerprint: str  # SHA-256 of the leaf DER, upper-case colon hex

    def server_context(self) -> ssl.SSLContext:
        """A server-side context; the PEM files exist only while it loads them."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        with tempfile.TemporaryDirectory(prefix="pve-sim-") as folder:
            cert = os.path.join(folder, "cert.pem")
            key = os.path.join(folder, "key.pem")
            with open(cert, "wb") as handle:
                handle.write(self.cert_pem + self.ca_pem)
            with open(key, "wb") as handle:
                handle.write(self.key_pem)
            context.load_cert_chain(cert, key)
        return context


def colon_hex(digest: bytes) -> str:
    """``AB:CD:...``."""
    return ":".join(f"{byte:02X}" for byte in digest)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "PVE Cluster Manager CA (simulated)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def generate(hostnames: tuple[str, ...] = ("localhost",)) -> TlsMaterial:
    """A fresh CA and a leaf certificate for ``hostnames``, 127.0.0.1 and ::1."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Proxmox Virtual Environment")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    alt_names: list[x509.GeneralName] = [x509.DNSName(name) for name in hostnames]
    alt_names += [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(hostnames[0]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=700))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return TlsMaterial(
        ca_pem=ca_cert.public_bytes(serialization.Encoding.PEM),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        fingerprint=colon_hex(cert.fingerprint(hashes.SHA256())),
    )


def _bind_datetime_class() -> None:
    """Make ``cryptography`` look up ``datetime.datetime`` now, while it is the real class.

    Its Rust code caches the class at its first certificate; when that happens under freezegun (a
    test with a frozen clock), the cached class is the fake one and every later certificate built
    from a real ``datetime`` fails with ``TypeError``. Fake datetimes subclass the real one, so
    binding the real class first works for both.
    """
    generate()


_bind_datetime_class()
