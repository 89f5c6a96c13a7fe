"""API token and ticket authentication over real sockets: login, renewal, re-login, concurrency, secrecy."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import logging

import aiohttp
from aiohttp import web
import pytest
import pytest_asyncio

from custom_components.proxmox_live.pve.auth import (
    PasswordAuth,
    TicketAuthenticator,
    TokenAuth,
    TokenAuthenticator,
    create_authenticator,
)
from custom_components.proxmox_live.pve.client import PveClient
from custom_components.proxmox_live.pve.errors import (
    PveAuthenticationError,
    PveError,
    PveInvalidResponseError,
    PveTwoFactorRequiredError,
)
from custom_components.proxmox_live.pve.transport import Transport
from simulator import Simulator

from .conftest import ClientFactory, FakeClock, password_auth, token_auth

HOUR = 3600.0


def _ticket_of(client: PveClient) -> str:
    authenticator = client._auth  # the test looks inside on purpose
    assert isinstance(authenticator, TicketAuthenticator)
    assert authenticator.ticket is not None
    return authenticator.ticket.ticket


# --- API token ------------------------------------------------------------------------------------


async def test_token_authenticate_reads_version(client: PveClient, simulator: Simulator) -> None:
    await client.authenticate()
    assert simulator.counters["/version"] == 1
    assert simulator.counters["/access/ticket"] == 0


async def test_token_spellings(simulator: Simulator, make_client: ClientFactory) -> None:
    full_id = TokenAuth(
        username=simulator.username,
        token_id=f"{simulator.username}!{simulator.token_id}",
        secret=f" {simulator.token_secret}\n",
    )
    assert full_id.full_token_id == f"{simulator.username}!{simulator.token_id}"
    assert await make_client(simulator, auth=full_id).get_version()


async def test_wrong_token_secret(simulator: Simulator, make_client: ClientFactory) -> None:
    auth = TokenAuth(username=simulator.username, token_id=simulator.token_id, secret="0000-wrong-secret")
    with pytest.raises(PveAuthenticationError, match="Authentication failed") as err:
        await make_client(simulator, auth=auth).get_nodes()
    assert "0000-wrong-secret" not in str(err.value)


async def test_token_that_cannot_be_a_header(simulator: Simulator, make_client: ClientFactory) -> None:
    auth = TokenAuth(username=simulator.username, token_id=simulator.token_id, secret="abc\r\nX-Evil: 1")
    with pytest.raises(PveAuthenticationError, match="characters") as err:
        await make_client(simulator, auth=auth).get_version()
    assert "Evil" not in str(err.value)
    assert sum(simulator.counters.values()) == 0  # nothing was sent


# --- tickets --------------------------------------------------------------------------------------


async def test_password_login(simulator: Simulator, make_client: ClientFactory) -> None:
    client = make_client(simulator, auth=password_auth(simulator))
    await client.authenticate()
    assert simulator.counters["/access/ticket"] == 1
    assert simulator.counters["/version"] == 0
    assert len(await client.get_nodes()) == 3
    assert await client.get_guest_status("pve1", "qemu", 100)
    assert simulator.counters["/access/ticket"] == 1  # the ticket is reused


async def test_first_read_logs_in(simulator: Simulator, make_client: ClientFactory) -> None:
    client = make_client(simulator, auth=password_auth(simulator))
    assert await client.get_version()
    assert simulator.counters["/access/ticket"] == 1


async def test_wrong_password(simulator: Simulator, make_client: ClientFactory) -> None:
    auth = PasswordAuth(username=simulator.username, password="not-the-password")
    with pytest.raises(PveAuthenticationError, match="authentication failure") as err:
        await make_client(simulator, auth=auth).authenticate()
    assert "not-the-password" not in str(err.value)
    with pytest.raises(PveAuthenticationError):
        await make_client(simulator, auth=auth).get_version()


async def test_concurrent_callers_share_one_login(simulator: Simulator, make_client: ClientFactory) -> None:
    client = make_client(simulator, auth=password_auth(simulator))
    results = await asyncio.gather(*(client.get_version() for _ in range(10)), client.get_nodes())
    assert len(results) == 11
    assert simulator.counters["/access/ticket"] == 1


async def test_renewal_after_one_hour(simulator: Simulator, make_client: ClientFactory) -> None:
    clock = FakeClock()
    client = make_client(simulator, auth=password_auth(simulator, clock=clock))
    await client.authenticate()
    clock.advance(HOUR - 1)
    await client.get_version()
    assert simulator.counters["/access/ticket"] == 1
    # From now on only the ticket itself can renew the ticket: proves the renewal posts the ticket.
    simulator.auth.password = "changed-meanwhile"
    clock.advance(2)
    await asyncio.gather(client.get_version(), client.get_nodes(), client.get_cluster_status())
    assert simulator.counters["/access/ticket"] == 2  # one renewal for three concurrent callers
    clock.advance(HOUR / 2)
    await client.get_version()
    assert simulator.counters["/access/ticket"] == 2


async def test_expired_lifetime_logs_in_with_the_password(
    simulator: Simulator, make_client: ClientFactory
) -> None:
    clock = FakeClock()
    client = make_client(simulator, auth=password_auth(simulator, clock=clock))
    await client.authenticate()
    clock.advance(2 * HOUR + 1)
    await client.get_version()
    assert simulator.counters["/access/ticket"] == 2
    simulator.auth.password = "changed-meanwhile"
    clock.advance(2 * HOUR + 1)
    with pytest.raises(PveAuthenticationError, match="authentication failure"):
        await client.get_version()  # a 2 h old ticket is not offered for renewal


async def test_refused_renewal_falls_back_to_the_password(
    simulator: Simulator, make_client: ClientFactory
) -> None:
    clock = FakeClock()
    client = make_client(simulator, auth=password_auth(simulator, clock=clock))
    await client.authenticate()
    simulator.faults.expire_tickets()
    clock.advance(HOUR + 1)
    assert await client.get_version()
    assert simulator.counters["/access/ticket"] == 3  # login, refused renewal, login


async def test_failed_renewal_keeps_the_valid_ticket(
    simulator: Simulator, make_client: ClientFactory
) -> None:
    clock = FakeClock()
    client = make_client(simulator, auth=password_auth(simulator, clock=clock))
    await client.authenticate()
    simulator.faults.add(r"/access/ticket", "hang", count=1)
    clock.advance(HOUR + 1)
    assert await client.get_version(timeout=0.3)  # the renewal timed out, the read did not
    assert simulator.counters["/access/ticket"] == 2
    assert await client.get_version()  # renewal retried, now successful
    assert simulator.counters["/access/ticket"] == 3
    assert await client.get_version()
    assert simulator.counters["/access/ticket"] == 3


async def test_rejected_ticket_silently_logs_in_again(
    simulator: Simulator, make_client: ClientFactory
) -> None:
    client = make_client(simulator, auth=password_auth(simulator))
    await client.authenticate()
    old = _ticket_of(client)
    simulator.faults.expire_tickets()
    assert await client.get_nodes()
    assert simulator.counters["/access/ticket"] == 2
    assert simulator.counters["/nodes"] == 2  # the 401 and the retry
    assert _ticket_of(client) != old


async def test_concurrent_401s_share_one_relogin(simulator: Simulator, make_client: ClientFactory) -> None:
    client = make_client(simulator, auth=password_auth(simulator))
    await client.authenticate()
    simulator.faults.expire_tickets()
    await asyncio.gather(
        *(client.get_node_status(node) for node in ("pve1", "pve2", "pve3")), client.get_nodes()
    )
    assert simulator.counters["/access/ticket"] == 2


async def test_second_401_is_an_authentication_error(
    simulator: Simulator, make_client: ClientFactory
) -> None:
    client = make_client(simulator, auth=password_auth(simulator))
    await client.authenticate()
    simulator.faults.add(r"/version$", "http_error", status=401, message="Authentication failed!")
    with pytest.raises(PveAuthenticationError, match="Authentication failed!"):
        await client.get_version()
    assert simulator.counters["/access/ticket"] == 2  # exactly one re-login
    assert simulator.counters["/version"] == 2  # exactly one retry


async def test_relogin_refused(simulator: Simulator, make_client: ClientFactory) -> None:
    client = make_client(simulator, auth=password_auth(simulator))
    await client.authenticate()
    simulator.faults.expire_tickets()
    simulator.auth.password = "changed-meanwhile"
    with pytest.raises(PveAuthenticationError, match="authentication failure"):
        await client.get_version()
    assert simulator.counters["/version"] == 1


async def test_csrf_token_on_writes(simulator: Simulator, session: aiohttp.ClientSession) -> None:
    transport = Transport(session, scheme="https", host=simulator.host, port=simulator.port, ssl_param=False)
    authenticator = create_authenticator(password_auth(simulator))
    simulator.faults.grant_privilege("/vms", "VM.PowerMgmt")
    get_headers = await authenticator.headers(transport, method="GET", timeout=5)
    assert "CSRFPreventionToken" not in get_headers
    post_headers = await authenticator.headers(transport, method="POST", timeout=5)
    upid = await transport.request(
        "POST", "/nodes/pve1/qemu/100/status/shutdown", headers=post_headers, timeout=5
    )
    assert isinstance(upid, str)
    assert upid.startswith("UPID:pve1:")
    with pytest.raises(PveAuthenticationError, match="csrf"):
        await transport.request("POST", "/nodes/pve1/qemu/100/status/start", headers=get_headers, timeout=5)


# --- two-factor users (the simulator has none: a tiny real server answers NeedTFA) ------------------


type LoginServer = Callable[[dict[str, object]], Awaitable[int]]


@pytest_asyncio.fixture
async def login_server() -> AsyncIterator[LoginServer]:
    """``port = await login_server(data)``: a real server whose ``POST /access/ticket`` answers ``data``."""
    runners: list[web.AppRunner] = []

    async def factory(data: dict[str, object]) -> int:
        async def ticket(request: web.Request) -> web.Response:
            return web.json_response({"data": data})

        app = web.Application()
        app.router.add_post("/api2/json/access/ticket", ticket)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        runners.append(runner)
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return int(runner.addresses[0][1])

    try:
        yield factory
    finally:
        for runner in runners:
            await runner.cleanup()


async def test_two_factor_user(login_server: LoginServer, session: aiohttp.ClientSession) -> None:
    port = await login_server(
        {
            "username": "joe@pve",
            "ticket": "PVE:!tfa!joe@pve:66000000::partialsecret",
            "CSRFPreventionToken": "66000000:abc",
            "NeedTFA": 1,
        }
    )
    auth = PasswordAuth(username="joe@pve", password="pw")
    client = PveClient(session, host="127.0.0.1", port=port, scheme="http", auth=auth)
    with pytest.raises(PveTwoFactorRequiredError, match="two-factor authentication") as err:
        await client.authenticate()
    assert isinstance(err.value, PveAuthenticationError)
    assert "partialsecret" not in str(err.value)


async def test_ticket_unfit_for_a_header(login_server: LoginServer, session: aiohttp.ClientSession) -> None:
    port = await login_server(
        {"username": "joe@pve", "ticket": "PVE:x\r\nX-Evil: 1", "CSRFPreventionToken": "c"}
    )
    auth = PasswordAuth(username="joe@pve", password="pw")
    client = PveClient(session, host="127.0.0.1", port=port, scheme="http", auth=auth)
    with pytest.raises(PveInvalidResponseError, match="cannot be sent back"):
        await client.get_version()


# --- secrets never leak ---------------------------------------------------------------------------


def test_reprs_hide_secrets() -> None:
    token = TokenAuth(username="u@pve", token_id="t", secret="s3cr3t-token")
    password = PasswordAuth(username="u@pve", password="s3cr3t-password")
    assert "s3cr3t" not in repr(token)
    assert "s3cr3t" not in repr(password)
    assert token.header() == "PVEAPIToken=u@pve!t=s3cr3t-token"
    assert isinstance(create_authenticator(token), TokenAuthenticator)
    with pytest.raises(TypeError):
        create_authenticator("user:password")  # type: ignore[arg-type]


async def test_server_echoing_a_secret_is_redacted(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.add(r"/version", "http_error", status=500, message=f"bad token {simulator.token_secret}")
    with pytest.raises(PveError) as err:
        await client.get_version()
    assert simulator.token_secret not in str(err.value)
    assert "**REDACTED**" in str(err.value)


async def test_no_secret_in_logs_or_errors(
    simulator: Simulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.proxmox_live.pve")
    errors: list[str] = []
    clock = FakeClock()
    ticket_client = make_client(simulator, auth=password_auth(simulator, clock=clock))
    token_client = make_client(simulator, auth=token_auth(simulator))
    await ticket_client.authenticate()
    tickets = {_ticket_of(ticket_client)}
    await token_client.get_nodes()
    simulator.faults.expire_tickets()
    await ticket_client.get_nodes()  # silent re-login
    tickets.add(_ticket_of(ticket_client))
    clock.advance(HOUR + 1)
    await ticket_client.get_version()  # renewal
    tickets.add(_ticket_of(ticket_client))
    simulator.faults.revoke_token()
    simulator.faults.add(r"/nodes/pve1/status", "http_error", status=401)
    for call in (token_client.get_version(), ticket_client.get_node_status("pve1")):
        try:
            await call
        except PveError as err:
            errors.append(str(err))
    bad = make_client(simulator, auth=PasswordAuth(username=simulator.username, password="wrong-pass-word"))
    try:
        await bad.authenticate()
    except PveError as err:
        errors.append(str(err))
    assert len(errors) == 3
    authenticator = ticket_client._auth
    assert isinstance(authenticator, TicketAuthenticator)
    assert authenticator.ticket is not None
    secrets = {simulator.token_secret, simulator.password, "wrong-pass-word", authenticator.ticket.csrf_token}
    secrets |= tickets
    texts = [record.getMessage() for record in caplog.records] + errors
    assert any("Renewing" in text for text in texts)
    for text in texts:
        for secret in secrets:
            assert secret not in text
        assert "PVEAuthCookie" not in text
        assert "PVEAPIToken" not in text
