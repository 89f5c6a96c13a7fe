"""TLS material, the command line and the pytest fixtures."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from typing import Any

import aiohttp
import pytest

from simulator import Simulator, cli, scenarios
from simulator.pytest_plugin import SimulatorFactory
from simulator.tls import generate

from .conftest import Api


async def test_fingerprint_matches_served_certificate(simulator: Simulator) -> None:
    assert simulator.url == f"https://127.0.0.1:{simulator.port}"
    assert simulator.port > 0
    context = ssl.create_default_context(cadata=simulator.ca_pem.decode())
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", simulator.port, ssl=context, server_hostname="127.0.0.1"
    )
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    await writer.wait_closed()
    del reader
    expected = ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())
    assert simulator.fingerprint == expected
    assert simulator.ca_pem.startswith(b"-----BEGIN CERTIFICATE-----")


async def test_untrusted_without_ca(simulator: Simulator, session: aiohttp.ClientSession) -> None:
    with pytest.raises(aiohttp.ClientConnectorCertificateError):
        await session.get(f"{simulator.url}/api2/json/version")
    async with session.get(f"{simulator.url}/api2/json/version", ssl=False) as response:
        assert response.status == 401  # reachable with verification off


async def test_plain_http_and_identity(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory("standalone", tls=False, token_secret="s3cret", password="pw")
    assert sim.url.startswith("http://")
    assert sim.fingerprint == ""
    assert sim.ca_pem == b""
    assert (sim.username, sim.token_id, sim.token_secret, sim.password) == (
        "homeassistant@pve",
        "monitoring",
        "s3cret",
        "pw",
    )
    assert (await Api(sim, session).data("/version"))["release"] == "9.0"


async def test_default_scenario_and_context_manager(socket_enabled: Any) -> None:
    async with Simulator(tls=False) as sim:
        assert sim.cluster.name == "homelab"
    await sim.stop()  # stopping twice is harmless


def test_ipv6_url() -> None:
    sim = Simulator(scenarios.standalone(), tls=False, host="::1", port=8006)
    assert sim.url == "http://[::1]:8006"


def test_shared_tls_material() -> None:
    material = generate()
    sim = Simulator(scenarios.standalone(), tls_material=material)
    assert sim.fingerprint == material.fingerprint


async def test_simulator_fixture_defaults(simulator: Simulator) -> None:
    assert simulator.tls
    assert simulator.latency_scale == 0
    assert simulator.auth_delay_scale == 0
    assert list(simulator.cluster.nodes) == ["pve1", "pve2", "pve3"]


async def test_factory_accepts_cluster(simulator_factory: SimulatorFactory) -> None:
    cluster = scenarios.demo()
    sim = await simulator_factory(cluster, tls=False)
    assert sim.cluster is cluster


def test_cli_parser_defaults_and_options() -> None:
    args = cli.build_parser().parse_args([])
    assert (args.scenario, args.host, args.port, args.http, args.latency_scale, args.auth_delay_scale) == (
        "cluster3",
        "127.0.0.1",
        8006,
        False,
        1.0,
        1.0,
    )
    args = cli.build_parser().parse_args(
        ["--scenario", "L", "--port", "0", "--http", "--latency-scale", "0.5"]
    )
    sim = cli.make_simulator(args)
    assert len(sim.cluster.guests) == 1000
    assert not sim.tls
    assert sim.latency_scale == 0.5
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--scenario", "nope"])


async def test_cli_serve_prints_and_stops(capsys: pytest.CaptureFixture[str], socket_enabled: Any) -> None:
    args = cli.build_parser().parse_args(
        ["--scenario", "standalone", "--port", "0", "--auth-delay-scale", "0"]
    )
    stop = asyncio.Event()
    task = asyncio.ensure_future(cli.serve(args, stop))
    for _ in range(100):
        await asyncio.sleep(0.01)
        if "Password:" in capsys.readouterr().out or task.done():
            break
    stop.set()
    await asyncio.wait_for(task, 5)
    assert "Stopped." in capsys.readouterr().out


def test_banner() -> None:
    sim = Simulator(scenarios.standalone(), port=8006)
    text = cli.banner(sim, "standalone")
    for expected in (sim.url, sim.fingerprint, sim.username, sim.token_id, sim.token_secret, sim.password):
        assert expected in text
    assert "(plain HTTP)" in cli.banner(Simulator(scenarios.standalone(), tls=False), "standalone")


def test_main_runs_until_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def fake_run(coro: Any) -> None:
        seen.append(coro)
        coro.close()
        raise KeyboardInterrupt

    monkeypatch.setattr("simulator.cli.asyncio.run", fake_run)
    assert cli.main(["--scenario", "demo"]) == 0
    assert seen
