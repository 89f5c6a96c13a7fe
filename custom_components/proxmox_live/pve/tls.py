"""TLS for the client: CA verification, a pinned certificate, or none; certificate fingerprints.

Three modes, chosen once per client:

* a pinned SHA-256 fingerprint (``aiohttp.Fingerprint``): only that exact certificate is accepted,
  no CA check and no hostname check (the usual choice for Proxmox's self-signed certificates);
* verification (``verify_ssl=True``): against the system CAs, or the given ``ssl.SSLContext``;
* none (``verify_ssl=False``): the user's explicit choice.
"""

# ruff: noqa: ASYNC109 - a per-request `timeout` argument is part of the client's contract (docs/interfaces.md)

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import ssl

import aiohttp

from .errors import PveConnectionError, PveTimeoutError, PveTlsError

_LOGGER = logging.getLogger(__name__)

type SslParam = ssl.SSLContext | aiohttp.Fingerprint | bool

_FINGERPRINT_HEX = re.compile(r"[0-9A-Fa-f]{64}")
_SEPARATORS = re.compile(r"[\s:\-]")
_CLOSE_TIMEOUT = 2.0


def format_fingerprint(digest: bytes) -> str:
    """``b"\\xab\\xcd..."`` -> ``"AB:CD:..."``."""
    return ":".join(f"{byte:02X}" for byte in digest)


def fingerprint_of_der(der: bytes) -> str:
    """The SHA-256 fingerprint of a DER certificate, upper-case colon hex."""
    return format_fingerprint(hashlib.sha256(der).digest())


def normalize_fingerprint(value: str) -> str:
    """Any spelling of a SHA-256 fingerprint -> ``"AB:CD:..."`` (32 bytes, upper case, colons).

    Accepts upper or lower case, with or without ``:`` (or ``-``/space) separators, and the
    ``sha256 Fingerprint=`` prefix ``openssl x509 -fingerprint`` prints. Raises ``ValueError``
    when the value is not 32 bytes of hex.
    """
    if not isinstance(value, str):
        raise ValueError("A fingerprint must be a string")
    text = value.strip().rpartition("=")[2]
    compact = _SEPARATORS.sub("", text)
    if not _FINGERPRINT_HEX.fullmatch(compact):
        raise ValueError("A SHA-256 fingerprint has 32 bytes, written as 64 hex digits")
    return format_fingerprint(bytes.fromhex(compact))


def build_ssl_param(
    *, verify_ssl: bool, fingerprint: str | None, ssl_context: ssl.SSLContext | None
) -> SslParam:
    """The ``ssl=`` argument for aiohttp. A pin wins over ``verify_ssl`` (it is the stronger check)."""
    if fingerprint is not None:
        return aiohttp.Fingerprint(bytes.fromhex(normalize_fingerprint(fingerprint).replace(":", "")))
    if not verify_ssl:
        return False
    if ssl_context is not None:
        return ssl_context
    return True  # aiohttp's default context: system CAs, hostname check


def _unverified_context() -> ssl.SSLContext:
    # No CA loading: building this context does no blocking I/O.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


_UNVERIFIED_CONTEXT = _unverified_context()


async def fetch_fingerprint(host: str, port: int = 8006, timeout: float = 10.0) -> str:
    """Connect without verification and return the SHA-256 fingerprint of the server's leaf certificate.

    Raises :class:`PveTimeoutError`, :class:`PveTlsError` (handshake failed, no certificate) or
    :class:`PveConnectionError`.
    """
    where = f"{host}:{port}"
    try:
        async with asyncio.timeout(timeout):
            _reader, writer = await asyncio.open_connection(host, port, ssl=_UNVERIFIED_CONTEXT)
    except TimeoutError as err:
        raise PveTimeoutError(f"No TLS connection to {where} within {timeout:g} s") from err
    except ssl.SSLError as err:
        raise PveTlsError(f"TLS handshake with {where} failed: {err.reason or err}") from err
    except (OSError, ValueError, OverflowError) as err:
        raise PveConnectionError(f"Cannot connect to {where}: {err}") from err
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if isinstance(ssl_object, ssl.SSLObject) else None
    finally:
        writer.close()
        try:
            async with asyncio.timeout(_CLOSE_TIMEOUT):
                await writer.wait_closed()
        except OSError, TimeoutError:
            writer.transport.abort()
    if not der:
        raise PveTlsError(f"{where} presented no certificate")
    fingerprint = fingerprint_of_der(der)
    _LOGGER.debug("Certificate of %s has fingerprint %s", where, fingerprint)
    return fingerprint
