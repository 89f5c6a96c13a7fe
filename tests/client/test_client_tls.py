"""TLS modes over real sockets: pinned fingerprint, CA verification, no verification; fetch_fingerprint."""

from __future__ import annotations

import ssl

import aiohttp
import pytest

from custom_components.proxmox_live.pve.client import PveClient
from custom_components.proxmox_live.pve.errors import (
    PveConnectionError,
    PveTimeoutError,
    PveTlsError,
)
from custom_components.proxmox_live.pve.tls import fetch_fingerprint
from simulator import Simulator
from simulator.pytest_plugin import SimulatorFactory

from .conftest import ClientFactory, RawServerFactory, free_port, token_auth

OTHER_FINGERPRINT = ":".join(["00"] * 32)


async def test_pinned_fingerprint_accepted(simulator: Simulator, make_client: ClientFactory) -> None:
    for spelling in (simulator.fingerprint, simulator.fingerprint.lower().replace(":", "")):
        client = make_client(simulator, fingerprint=spelling)
        assert client.fingerprint == simulator.fingerprint
        assert await client.get_version()


async def test_pin_beats_verify_ssl_false(simulator: Simulator, make_client: ClientFactory) -> None:
    client = make_client(simulator, fingerprint=OTHER_FINGERPRINT, verify_ssl=False)
    with pytest.raises(PveTlsError):
        await client.get_version()


async def test_wrong_pin_rejected_with_the_real_fingerprint(
    simulator: Simulator, make_client: ClientFactory
) -> None:
    client = make_client(simulator, fingerprint=OTHER_FINGERPRINT)
    with pytest.raises(PveTlsError, match="does not match the pinned fingerprint") as err:
        await client.get_version()
    assert err.value.fingerprint == simulator.fingerprint
    assert isinstance(err.value, PveConnectionError)
    assert sum(simulator.counters.values()) == 0  # no request reached the server


async def test_verified_with_the_simulator_ca(simulator: Simulator, make_client: ClientFactory) -> None:
    context = ssl.create_default_context(cadata=simulator.ca_pem.decode())
    client = make_client(simulator, ssl_context=context)
    assert await client.get_version()


async def test_system_cas_reject_the_certificate_and_tell_its_fingerprint(
    simulator: Simulator, make_client: ClientFactory
) -> None:
    client = make_client(simulator, verify_ssl=True)
    assert client.fingerprint is None
    with pytest.raises(PveTlsError, match="is not trusted") as err:
        await client.get_nodes()
    assert err.value.fingerprint == simulator.fingerprint


async def test_verification_off(simulator: Simulator, make_client: ClientFactory) -> None:
    client = make_client(simulator, verify_ssl=False)
    assert await client.get_version()


async def test_https_to_a_plain_http_server(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    sim = await simulator_factory("standalone", tls=False)
    client = make_client(sim, scheme="https", verify_ssl=False)
    with pytest.raises(PveTlsError, match=r"TLS with 127\.0\.0\.1"):
        await client.get_version()


async def test_fetch_fingerprint(simulator: Simulator) -> None:
    assert await fetch_fingerprint(simulator.host, simulator.port) == simulator.fingerprint
    assert await fetch_fingerprint(simulator.host, simulator.port, timeout=5) == simulator.fingerprint


async def test_fetch_fingerprint_failures(
    simulator_factory: SimulatorFactory, raw_server: RawServerFactory
) -> None:
    plain = await simulator_factory("standalone", tls=False)
    with pytest.raises(PveTlsError, match="TLS handshake"):
        await fetch_fingerprint(plain.host, plain.port, timeout=5)
    with pytest.raises(PveConnectionError, match="Cannot connect") as err:
        await fetch_fingerprint("127.0.0.1", free_port(), timeout=5)
    assert not isinstance(err.value, PveTimeoutError | PveTlsError)
    silent = await raw_server(None)
    with pytest.raises(PveTimeoutError, match=r"within 0\.2 s"):
        await fetch_fingerprint("127.0.0.1", silent, timeout=0.2)


async def test_verifying_client_to_a_closed_port(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    client = PveClient(session, host="127.0.0.1", port=free_port(), auth=token_auth(simulator))
    with pytest.raises(PveConnectionError) as err:
        await client.get_version()
    assert not isinstance(err.value, PveTlsError)
