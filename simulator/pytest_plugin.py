"""Pytest fixtures: ``simulator`` (a started cluster3 over TLS, no latency) and ``simulator_factory``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from typing import Any

import pytest
import pytest_asyncio

from simulator import scenarios
from simulator.cluster import Cluster
from simulator.server import Simulator

type SimulatorFactory = Callable[..., Awaitable[Simulator]]

_DEFAULTS: dict[str, Any] = {"tls": True, "latency_scale": 0.0, "auth_delay_scale": 0.0}


def _enable_sockets(request: pytest.FixtureRequest) -> None:
    """Under pytest-socket (Home Assistant's test plugin blocks sockets), re-allow them (127.0.0.1 only)."""
    with contextlib.suppress(pytest.FixtureLookupError):
        request.getfixturevalue("socket_enabled")


@pytest_asyncio.fixture
async def simulator_factory(request: pytest.FixtureRequest) -> AsyncIterator[SimulatorFactory]:
    """``await simulator_factory("demo", tls=False, ...)``: started simulators, stopped at teardown.

    The scenario is a name from :data:`simulator.scenarios.BY_NAME` or a :class:`Cluster`.
    """
    _enable_sockets(request)
    started: list[Simulator] = []

    async def factory(scenario: str | Cluster = "cluster3", **kwargs: Any) -> Simulator:
        cluster = scenarios.get(scenario) if isinstance(scenario, str) else scenario
        sim = Simulator(cluster, **{**_DEFAULTS, **kwargs})
        await sim.start()
        started.append(sim)
        return sim

    try:
        yield factory
    finally:
        for sim in reversed(started):
            await sim.stop()


@pytest_asyncio.fixture
async def simulator(simulator_factory: SimulatorFactory) -> Simulator:
    """A started ``cluster3`` simulator over TLS with latency and auth delay 0."""
    return await simulator_factory("cluster3")
