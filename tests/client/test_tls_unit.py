"""Fingerprint spelling and ssl parameter building (``pve/tls.py``), without sockets."""

from __future__ import annotations

import hashlib
import ssl

import aiohttp
import pytest

from custom_components.proxmox_live.pve.tls import (
    build_ssl_param,
    fingerprint_of_der,
    format_fingerprint,
    normalize_fingerprint,
)

CANONICAL = ":".join(["AB", "CD", "EF", "01"] * 8)


@pytest.mark.parametrize(
    "spelling",
    [
        CANONICAL,
        CANONICAL.lower(),
        CANONICAL.replace(":", ""),
        CANONICAL.replace(":", "").lower(),
        f"  {CANONICAL}\n",
        CANONICAL.replace(":", "-"),
        CANONICAL.replace(":", " "),
        f"sha256 Fingerprint={CANONICAL}",
        f"SHA256 Fingerprint={CANONICAL.lower()}",
    ],
)
def test_normalize_fingerprint_accepts_any_spelling(spelling: str) -> None:
    assert normalize_fingerprint(spelling) == CANONICAL


@pytest.mark.parametrize(
    "bad",
    ["", "AB:CD", CANONICAL + ":00", CANONICAL[:-1], CANONICAL.replace("A", "G"), "x" * 64, 5, None],
)
def test_normalize_fingerprint_rejects_other_lengths(bad: object) -> None:
    with pytest.raises(ValueError, match="fingerprint"):
        normalize_fingerprint(bad)  # type: ignore[arg-type]


def test_format_and_der() -> None:
    assert format_fingerprint(b"\x00\x0f\xff") == "00:0F:FF"
    assert fingerprint_of_der(b"cert") == format_fingerprint(hashlib.sha256(b"cert").digest())


def test_build_ssl_param() -> None:
    pinned = build_ssl_param(verify_ssl=True, fingerprint=CANONICAL.lower(), ssl_context=None)
    assert isinstance(pinned, aiohttp.Fingerprint)
    assert pinned.fingerprint == bytes.fromhex(CANONICAL.replace(":", ""))
    # a pin wins over verify_ssl=False: it is the stronger check
    assert isinstance(
        build_ssl_param(verify_ssl=False, fingerprint=CANONICAL, ssl_context=None), aiohttp.Fingerprint
    )
    assert build_ssl_param(verify_ssl=False, fingerprint=None, ssl_context=None) is False
    assert build_ssl_param(verify_ssl=True, fingerprint=None, ssl_context=None) is True
    context = ssl.create_default_context()
    assert build_ssl_param(verify_ssl=True, fingerprint=None, ssl_context=context) is context
