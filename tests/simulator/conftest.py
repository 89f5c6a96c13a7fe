"""Helpers for simulator tests: a hand-driven clock and a small HTTP client over real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
import json
import ssl
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from simulator import Simulator
from simulator.pytest_plugin import SimulatorFactory

#: a whole 10 s and 30 s boundary
T0 = 1_800_000_000.0


class FakeClock:
    """The injected model clock: tests move it, nothing sleeps."""

    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def tick(self, seconds: float) -> None:
        self.t += seconds


@dataclass
class Reply:
    """One answer."""

    status: int
    reason: str
    headers: dict[str, str]
    text: str

    @property
    def body(self) -> Any:
        return json.loads(self.text)

    @property
    def data(self) -> Any:
        return self.body["data"]


class Api:
    """Token-authenticated (by default) requests against a simulator."""

    def __init__(self, sim: Simulator, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session
        self.ssl: ssl.SSLContext | bool = (
            ssl.create_default_context(cadata=sim.ca_pem.decode()) if sim.tls else False
        )

    def url(self, path: str) -> str:
        return f"{self.sim.url}/api2/json{path}"

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Reply:
        all_headers = {"Authorization": self.sim.token_header} if token else {}
        all_headers.update(headers or {})
        async with self.session.request(
            method, self.url(path), headers=all_headers, ssl=self.ssl, **kwargs
        ) as response:
            text = await response.text()
            return Reply(response.status, response.reason or "", dict(response.headers), text)

    async def get(self, path: str, **kwargs: Any) -> Reply:
        return await self.request("GET", path, **kwargs)

    async def data(self, path: str, **kwargs: Any) -> Any:
        reply = await self.get(path, **kwargs)
        assert reply.status == 200, (path, reply.status, reply.text)
        return reply.data


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest_asyncio.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:
        yield client


@pytest_asyncio.fixture
async def sim(simulator_factory: SimulatorFactory, clock: FakeClock) -> Simulator:
    """cluster3 over TLS on the fake clock."""
    return await simulator_factory("cluster3", clock=clock)


@pytest.fixture
def api(sim: Simulator, session: aiohttp.ClientSession) -> Api:
    return Api(sim, session)
