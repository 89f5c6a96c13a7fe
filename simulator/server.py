"""The simulator: an aiohttp server answering ``/api2/json/...`` like a Proxmox VE node."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
import contextlib
import json
import random
import socket
import struct
from types import TracebackType
from typing import Self

from aiohttp import web

from simulator.acl import Acl
from simulator.auth import Auth, Identity
from simulator.cluster import Cluster, default_clock
from simulator.faults import Fault, Faults, corrupt_types, drop_fields
from simulator.responses import (
    BAD_GATEWAY_HTML,
    ApiError,
    data_response,
    error_response,
    raw_response,
    reason_of,
)
from simulator.routes import Context, Route, check_node, find
from simulator.tls import TlsMaterial, generate

API_PREFIX = "/api2/json"
AUTH_DELAY = 3.0
PROXY_TIMEOUT = 3.0
_SHUTDOWN_TIMEOUT = 0.5


class Simulator:
    """A running (after :meth:`start`) simulated Proxmox VE API."""

    def __init__(
        self,
        cluster: Cluster | None = None,
        *,
        tls: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        workers: int = 3,
        latency_scale: float = 0.0,
        auth_delay_scale: float = 0.0,
        clock: Callable[[], float] | None = None,
        username: str = "homeassistant@pve",
        token_id: str = "monitoring",  # noqa: S107 - a name, not a secret
        token_secret: str | None = None,
        password: str | None = None,
        tls_material: TlsMaterial | None = None,
    ) -> None:
        if cluster is None:
            from simulator.scenarios import cluster3  # noqa: PLC0415 - scenarios import the model

            cluster = cluster3()
        self.clock: Callable[[], float] = clock or default_clock
        self.cluster = cluster
        self.cluster.bind(self.clock)
        self.tls = tls
        self.host = host
        self.port = port
        self.workers = workers
        self.latency_scale = latency_scale
        self.auth_delay_scale = auth_delay_scale
        self.auth = Auth(
            self.clock, username=username, token_id=token_id, token_secret=token_secret, password=password
        )
        self.acl = Acl()
        self.faults = Faults(cluster, self.auth, self.acl)
        self.counters: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self._material = tls_material if tls_material is not None else (generate() if tls else None)
        self._pool = asyncio.Semaphore(workers)
        self._rng = random.Random(cluster.seed)
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------ identity
    @property
    def username(self) -> str:
        """The simulated user (``homeassistant@pve``)."""
        return self.auth.username

    @property
    def token_id(self) -> str:
        """Token name (``monitoring``)."""
        return self.auth.token_id

    @property
    def token_secret(self) -> str:
        """Token secret (a UUID)."""
        return self.auth.token_secret

    @property
    def password(self) -> str:
        """The user's password."""
        return self.auth.password

    @property
    def token_header(self) -> str:
        """``PVEAPIToken=USER@REALM!TOKENID=SECRET``."""
        return f"PVEAPIToken={self.username}!{self.token_id}={self.token_secret}"

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the server certificate (upper-case colon hex); empty without TLS."""
        return self._material.fingerprint if self._material else ""

    @property
    def ca_pem(self) -> bytes:
        """PEM of the CA that signed the server certificate; empty without TLS."""
        return self._material.ca_pem if self._material else b""

    @property
    def url(self) -> str:
        """``https://127.0.0.1:PORT`` (``http`` without TLS)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    def reset_counters(self) -> None:
        """Forget request counts and the concurrency peak."""
        self.counters.clear()
        self.max_in_flight = 0

    # ----------------------------------------------------------- lifecycle
    async def start(self) -> Self:
        """Bind and serve."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=_SHUTDOWN_TIMEOUT
        )
        await self._runner.setup()
        context = self._material.server_context() if self._material else None
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=context)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Release hanging requests and close every connection."""
        self.faults.release()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------ requests
    async def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            return error_response(404, "Not Found")
        rel = path[len(API_PREFIX) :].rstrip("/") or "/"
        route, match = find(request.method, rel)
        if route is not None:
            self.counters[route.template] += 1
        fault = self.faults.match(rel, path)
        if fault is not None:
            early = await self._pre_fault(request, fault)
            if early is not None:
                return early
        try:
            params = await self._params(request)
            identity = None if route is not None and route.public else await self._authenticate(request)
            if route is None:
                raise ApiError(501, f"Method '{request.method} {rel}' not implemented")
            async with self._pool:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                try:
                    data = await self._serve(route, match, params, identity)
                finally:
                    self.in_flight -= 1
        except ApiError as err:
            if err.status == 401:
                await self._sleep(AUTH_DELAY * self.auth_delay_scale)
            return error_response(err.status, err.message, err.errors)
        return self._post_fault(fault, data)

    async def _serve(
        self, route: Route, match: dict[str, str], params: dict[str, str], identity: Identity | None
    ) -> object:
        await self._sleep(self._rng.uniform(*route.latency) * self.latency_scale)
        if route.proxied:
            try:
                check_node(self.cluster, match["node"])
            except ApiError as err:
                if err.status == 595:
                    await self._sleep(PROXY_TIMEOUT * self.latency_scale)
                raise
        context = Context(
            cluster=self.cluster,
            acl=self.acl,
            auth=self.auth,
            faults=self.faults,
            params=params,
            match=match,
            identity=identity,
            t=self.clock(),
            fingerprint=self.fingerprint,
        )
        return route.handler(context)

    @staticmethod
    async def _params(request: web.Request) -> dict[str, str]:
        params = dict(request.query.items())
        if request.method != "GET" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(400, "Parameter verification failed.", {"body": "invalid JSON"}) from None
                if isinstance(body, dict):
                    params.update({str(key): str(value) for key, value in body.items()})
            else:
                form = await request.post()
                params.update({key: value for key, value in form.items() if isinstance(value, str)})
        return params

    async def _authenticate(self, request: web.Request) -> Identity:
        header = request.headers.get("Authorization", "")
        if header.startswith("PVEAPIToken"):
            identity = self.auth.check_token(header)
            if identity is None:
                raise ApiError(401, "Authentication failed!")
            return identity
        ticket = request.cookies.get("PVEAuthCookie")
        if not ticket:
            raise ApiError(401, "No ticket")
        identity = self.auth.check_ticket(ticket)
        if identity is None:
            raise ApiError(401, "Authentication failed!")
        if request.method != "GET" and not self.auth.check_csrf(
            identity.username, request.headers.get("CSRFPreventionToken")
        ):
            raise ApiError(401, "Permission denied - invalid csrf token")
        return identity

    # -------------------------------------------------------------- faults
    async def _pre_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        if fault.kind == "hang":
            await self.faults.hang()
            return None
        if fault.kind == "http_error":
            return error_response(fault.status, fault.message or reason_of(fault.status))
        if fault.kind == "html_error":
            return raw_response(BAD_GATEWAY_HTML, status=502, content_type="text/html", reason="Bad Gateway")
        if fault.kind == "reset":
            _abort(request)
            return web.Response(status=500)
        return None

    @staticmethod
    def _post_fault(fault: Fault | None, data: object) -> web.Response:
        kind = fault.kind if fault is not None else None
        if kind == "malformed_json":
            body = json.dumps({"data": data})
            return raw_response(body[: max(1, len(body) // 2)])
        if kind == "wrong_types":
            return data_response(corrupt_types(data))
        if kind == "missing_fields":
            return data_response(drop_fields(data))
        return data_response(data)


def _abort(request: web.Request) -> None:
    """Close the connection with a TCP reset, without an HTTP answer."""
    transport = request.transport
    if transport is None:  # pragma: no cover - the client is already gone
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
