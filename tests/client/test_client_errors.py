"""Every error class, produced over real sockets (simulator fault injection, raw TCP servers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import socket
import time
from typing import Any

import aiohttp
import pytest

from custom_components.proxmox_live.pve.client import PveClient
from custom_components.proxmox_live.pve.errors import (
    PveApiError,
    PveAuthenticationError,
    PveConnectionError,
    PveError,
    PveInvalidResponseError,
    PveNodeUnreachableError,
    PveNotFoundError,
    PvePermissionError,
    PveTimeoutError,
    PveTlsError,
)
from simulator import Simulator

from .conftest import ClientFactory, RawServerFactory, free_port

type Read = Callable[[PveClient, float | None], Awaitable[object]]

#: every read method, with arguments valid in cluster3
READS: dict[str, Read] = {
    "version": lambda c, t: c.get_version(timeout=t),
    "nodes": lambda c, t: c.get_nodes(timeout=t),
    "node_status": lambda c, t: c.get_node_status("pve1", timeout=t),
    "resources": lambda c, t: c.get_cluster_resources(timeout=t),
    "cluster_status": lambda c, t: c.get_cluster_status(timeout=t),
    "qemu": lambda c, t: c.get_qemu_guests("pve1", timeout=t),
    "lxc": lambda c, t: c.get_lxc_guests("pve2", timeout=t),
    "guest_status": lambda c, t: c.get_guest_status("pve1", "qemu", 100, timeout=t),
    "storages": lambda c, t: c.get_storages("pve1", timeout=t),
    "tasks": lambda c, t: c.get_tasks("pve1", timeout=t),
    "backup_jobs": lambda c, t: c.get_backup_jobs(timeout=t),
    "not_backed_up": lambda c, t: c.get_not_backed_up(timeout=t),
    "ha": lambda c, t: c.get_ha_status(timeout=t),
    "permissions": lambda c, t: c.get_permissions(timeout=t),
}


async def test_node_offline_is_unreachable(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.node_offline("pve3")
    for read in (client.get_node_status, client.get_qemu_guests, client.get_storages, client.get_tasks):
        with pytest.raises(PveNodeUnreachableError, match="No route to host") as err:
            await read("pve3")
        assert err.value.node == "pve3"
    assert len(await client.get_nodes()) == 3  # cluster-wide lists still answer
    simulator.faults.node_online("pve3")
    assert (await client.get_node_status("pve3")).node == "pve3"


async def test_unknown_node_and_vmid_are_not_found(client: PveClient) -> None:
    with pytest.raises(PveNotFoundError, match="hostname lookup 'nope' failed"):
        await client.get_node_status("nope")
    with pytest.raises(PveNotFoundError, match="does not exist"):
        await client.get_guest_status("pve1", "qemu", 999)
    with pytest.raises(PveNotFoundError, match="does not exist"):
        await client.get_guest_status("pve2", "qemu", 100)  # 100 lives on pve1
    with pytest.raises(PveNotFoundError, match="hostname lookup 'my node' failed"):
        await client.get_lxc_guests("my node")  # quoted into one path segment


async def test_permission_denied_names_path_and_privilege(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.remove_privilege("/nodes/pve1", "Sys.Audit")
    with pytest.raises(
        PvePermissionError, match=r"Permission check failed \(/nodes/pve1, Sys.Audit\)"
    ) as err:
        await client.get_node_status("pve1")
    assert (err.value.path, err.value.privilege) == ("/nodes/pve1", "Sys.Audit")
    simulator.faults.remove_privilege("/", "Sys.Audit")
    with pytest.raises(PvePermissionError) as err:
        await client.get_backup_jobs()
    assert (err.value.path, err.value.privilege) == ("/", "Sys.Audit")
    simulator.faults.grant_privilege("/", "Sys.Audit")
    assert await client.get_backup_jobs()


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (500, PveApiError, "Internal Server Error"),
        (502, PveApiError, "Bad Gateway"),
        (503, PveApiError, "Service Unavailable"),
        (400, PveApiError, "Bad Request"),
        (401, PveAuthenticationError, "Unauthorized"),
        (403, PvePermissionError, "Forbidden"),
        (595, PveNodeUnreachableError, "No route to host"),
        (596, PveNodeUnreachableError, "TLS"),
    ],
)
async def test_http_errors(
    client: PveClient, simulator: Simulator, status: int, error: type[PveError], message: str
) -> None:
    simulator.faults.add(r"/nodes/pve1/status$", "http_error", status=status)
    with pytest.raises(error, match=message) as err:
        await client.get_node_status("pve1")
    if isinstance(err.value, PveApiError):
        assert err.value.status == status
    if isinstance(err.value, PveNodeUnreachableError):
        assert err.value.node == "pve1"


async def test_http_error_message_from_json(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.add(r"/version", "http_error", status=500, message="got timeout", count=1)
    with pytest.raises(PveApiError, match=r"got timeout \(HTTP 500, GET /version\)"):
        await client.get_version()
    assert await client.get_version()  # count=1: the fault is gone


async def test_hang_times_out_with_the_callers_timeout(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.add(r"/nodes/pve1/status", "hang")
    started = time.monotonic()
    with pytest.raises(PveTimeoutError, match=r"0\.2 s"):
        await client.get_node_status("pve1", timeout=0.2)
    assert time.monotonic() - started < 2
    assert await client.get_nodes()  # other endpoints are not affected


async def test_default_timeout_from_the_constructor(simulator: Simulator, make_client: ClientFactory) -> None:
    client = make_client(simulator, timeout=0.3)
    simulator.faults.add(r"/cluster/resources", "hang")
    started = time.monotonic()
    with pytest.raises(PveTimeoutError, match=r"0\.3 s"):
        await client.get_cluster_resources()
    assert time.monotonic() - started < 2
    assert isinstance(PveTimeoutError("x"), PveConnectionError)


async def test_malformed_json(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.add(r"/cluster/resources", "malformed_json")
    with pytest.raises(PveInvalidResponseError, match="not valid JSON"):
        await client.get_cluster_resources()


async def test_html_error_page(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.add(r"/nodes$", "html_error")
    with pytest.raises(PveInvalidResponseError, match="HTTP 502 Bad Gateway with an HTML page"):
        await client.get_nodes()


async def test_connection_reset(client: PveClient, simulator: Simulator) -> None:
    # aiohttp retries an idempotent request once after a reset: two resets make the call fail.
    simulator.faults.add(r"/version", "reset", count=2)
    with pytest.raises(PveConnectionError, match="reset") as err:
        await client.get_version()
    assert not isinstance(err.value, PveTimeoutError | PveTlsError)
    assert simulator.counters["/version"] == 2
    assert await client.get_version()  # a fresh connection works


async def test_wrong_types_in_required_fields(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.add(r"/nodes/pve1/", "wrong_types")
    with pytest.raises(PveInvalidResponseError, match="status of node pve1"):
        await client.get_node_status("pve1")
    with pytest.raises(PveInvalidResponseError, match="no usable entry"):
        await client.get_qemu_guests("pve1")  # every vmid is broken


async def test_wrong_types_in_optional_fields_become_none(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.add(r"/cluster/resources", "wrong_types")
    resources = await client.get_cluster_resources()
    storages = [resource for resource in resources if resource.type == "storage"]
    assert storages  # ids and types are strings: the entries survive
    for resource in resources:
        for value in (resource.cpu, resource.mem, resource.maxmem, resource.disk, resource.uptime):
            assert value is None or value >= 0
    assert any(resource.mem is None for resource in resources)


async def test_missing_fields(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.add(r".", "missing_fields")
    for name in ("node_status", "resources", "qemu", "lxc", "version", "cluster_status", "storages", "tasks"):
        with pytest.raises(PveInvalidResponseError):
            await READS[name](client, None)


@pytest.mark.parametrize(
    "kind", ["http_error", "malformed_json", "html_error", "reset", "wrong_types", "missing_fields", "hang"]
)
async def test_nothing_but_pve_errors_escape(client: PveClient, simulator: Simulator, kind: Any) -> None:
    simulator.faults.add(r".", kind, status=599)
    for name, read in READS.items():
        try:
            await read(client, 0.05 if kind == "hang" else None)
        except PveError:
            pass
        except Exception as err:  # noqa: BLE001 - this is what the test is about
            pytest.fail(f"{name} under {kind}: {type(err).__name__} escaped: {err}")


async def test_revoked_token(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.revoke_token()
    with pytest.raises(PveAuthenticationError, match="Authentication failed"):
        await client.get_version()
    assert simulator.counters["/version"] == 1  # a token is not retried
    simulator.faults.restore_token()
    assert await client.get_version()


async def test_connection_refused(session: aiohttp.ClientSession, simulator: Simulator) -> None:
    client = PveClient(
        session, host="127.0.0.1", port=free_port(), auth=_token(simulator), fingerprint=simulator.fingerprint
    )
    with pytest.raises(PveConnectionError, match=r"Cannot talk to 127\.0\.0\.1") as err:
        await client.get_version()
    assert not isinstance(err.value, PveTimeoutError | PveTlsError)


class _FailingResolver(aiohttp.abc.AbstractResolver):
    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> Any:
        raise OSError(socket.EAI_NONAME, f"Name or service not known: {host}")

    async def close(self) -> None:
        return None


async def test_dns_failure(simulator: Simulator) -> None:
    connector = aiohttp.TCPConnector(resolver=_FailingResolver())
    async with aiohttp.ClientSession(connector=connector) as session:
        client = PveClient(session, host="pve.invalid", auth=_token(simulator), verify_ssl=False)
        with pytest.raises(PveConnectionError, match=r"Cannot resolve pve\.invalid"):
            await client.get_version()


async def test_closed_session(simulator: Simulator) -> None:
    session = aiohttp.ClientSession()
    await session.close()
    client = PveClient(
        session, host=simulator.host, port=simulator.port, auth=_token(simulator), verify_ssl=False
    )
    with pytest.raises(PveConnectionError, match="session is closed"):
        await client.get_version()


async def test_client_never_closes_the_session(client: PveClient, session: aiohttp.ClientSession) -> None:
    simulator_error = None
    try:
        await client.get_node_status("nope")
    except PveNotFoundError as err:
        simulator_error = err
    assert simulator_error is not None
    assert not session.closed


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        (b"HELLO WORLD\r\n\r\n", PveInvalidResponseError, "Malformed HTTP answer"),
        (
            b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"data":',
            PveConnectionError,
            "broke while reading",
        ),
        (b"", PveConnectionError, "Cannot talk to"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", PveInvalidResponseError, "no 'data' member"),
        (
            b"HTTP/1.1 301 Moved\r\nLocation: https://example.com/\r\nContent-Length: 0\r\n\r\n",
            PveInvalidResponseError,
            "redirect",
        ),
    ],
)
async def test_broken_http(  # noqa: PLR0917 - fixtures and parameters
    session: aiohttp.ClientSession,
    raw_server: RawServerFactory,
    simulator: Simulator,
    answer: bytes,
    error: type[PveError],
    message: str,
) -> None:
    port = await raw_server(answer)
    client = PveClient(session, host="127.0.0.1", port=port, auth=_token(simulator), scheme="http")
    with pytest.raises(error, match=message):
        await client.get_version()


async def test_silent_server_times_out(
    session: aiohttp.ClientSession, raw_server: RawServerFactory, simulator: Simulator
) -> None:
    port = await raw_server(None)
    client = PveClient(
        session, host="127.0.0.1", port=port, auth=_token(simulator), scheme="http", timeout=0.2
    )
    with pytest.raises(PveTimeoutError):
        await client.get_version()


def _token(sim: Simulator) -> Any:
    from .conftest import token_auth

    return token_auth(sim)
