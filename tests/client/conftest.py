"""Fixtures for client tests over real sockets against the simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
import socket
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from custom_components.proxmox_live.pve.auth import PasswordAuth, TokenAuth
from custom_components.proxmox_live.pve.client import PveClient
from simulator import Simulator

type ClientFactory = Callable[..., PveClient]


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Real sockets on 127.0.0.1: Home Assistant's test plugin blocks them by default."""


@pytest_asyncio.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """An injected session, closed by the test (never by the client)."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def token_auth(sim: Simulator) -> TokenAuth:
    return TokenAuth(username=sim.username, token_id=sim.token_id, secret=sim.token_secret)


def password_auth(sim: Simulator, **kwargs: Any) -> PasswordAuth:
    return PasswordAuth(username=sim.username, password=sim.password, **kwargs)


@pytest.fixture
def make_client(session: aiohttp.ClientSession) -> ClientFactory:
    """``make_client(sim, auth=..., **PveClient kwargs)``: the simulator's certificate pinned by default."""

    def factory(sim: Simulator, **kwargs: Any) -> PveClient:
        kwargs.setdefault("auth", token_auth(sim))
        if sim.tls:
            if "verify_ssl" not in kwargs and "ssl_context" not in kwargs:
                kwargs.setdefault("fingerprint", sim.fingerprint)
        else:
            kwargs.setdefault("scheme", "http")
        return PveClient(kwargs.pop("session", session), host=sim.host, port=sim.port, **kwargs)

    return factory


@pytest.fixture
def client(simulator: Simulator, make_client: ClientFactory) -> PveClient:
    """A token client of the ``cluster3`` simulator, certificate pinned."""
    return make_client(simulator)


type RawServerFactory = Callable[[bytes | None], Awaitable[int]]


@pytest_asyncio.fixture
async def raw_server() -> AsyncIterator[RawServerFactory]:
    """``port = await raw_server(answer)``: a TCP server on 127.0.0.1 that reads a request and sends
    ``answer`` verbatim (not necessarily valid HTTP) then closes; ``None`` accepts and stays silent.
    """
    servers: list[asyncio.Server] = []
    writers: list[asyncio.StreamWriter] = []

    async def factory(answer: bytes | None) -> int:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writers.append(writer)
            if answer is None:
                return  # keep the connection open and say nothing
            with contextlib.suppress(OSError):
                await reader.readuntil(b"\r\n\r\n")
                writer.write(answer)
                await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    try:
        yield factory
    finally:
        for writer in writers:
            writer.transport.abort()
        for server in servers:
            server.close()
            await server.wait_closed()


def free_port() -> int:
    """A port nothing listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
