"""Client construction and argument checks (no sockets needed)."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.proxmox_live.pve.auth import TokenAuth
from custom_components.proxmox_live.pve.client import PveClient
from custom_components.proxmox_live.pve.models import Permissions, Task
from custom_components.proxmox_live.pve.transport import Transport, api_path

from .conftest import free_port

AUTH = TokenAuth(username="u@pve", token_id="t", secret="s")


async def test_base_url(session: aiohttp.ClientSession) -> None:
    assert str(PveClient(session, host="pve.lan", auth=AUTH).base_url) == "https://pve.lan:8006/api2/json"
    assert (
        str(PveClient(session, host="::1", auth=AUTH, port=8443).base_url) == "https://[::1]:8443/api2/json"
    )
    client = PveClient(session, host="10.0.0.2", auth=AUTH, scheme="http", port=8080)
    assert str(client.base_url) == "http://10.0.0.2:8080/api2/json"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fingerprint": "AB:CD"},
        {"scheme": "ftp"},
        {"timeout": 0},
        {"timeout": -1.0},
        {"timeout": float("nan")},
        {"timeout": True},
        {"host": "bad host/"},
    ],
)
async def test_invalid_construction(session: aiohttp.ClientSession, kwargs: dict[str, object]) -> None:
    arguments: dict[str, object] = {"host": "pve.lan", "auth": AUTH, **kwargs}
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        PveClient(session, **arguments)  # type: ignore[arg-type]


async def test_invalid_arguments_fail_before_any_io(session: aiohttp.ClientSession) -> None:
    client = PveClient(session, host="127.0.0.1", port=free_port(), auth=AUTH)
    with pytest.raises(ValueError, match="guest_type"):
        await client.get_guest_status("pve1", "openvz", 100)  # type: ignore[arg-type]
    for vmid in (0, -5, True, "100"):
        with pytest.raises(ValueError, match="vmid"):
            await client.get_guest_status("pve1", "qemu", vmid)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        await client.get_version(timeout=0)


async def test_transport_rejects_bad_timeouts(session: aiohttp.ClientSession) -> None:
    transport = Transport(session, scheme="http", host="127.0.0.1", port=free_port(), ssl_param=False)
    with pytest.raises(ValueError, match="timeout"):
        await transport.request("GET", "/version", timeout=float("inf"))


async def test_fingerprint_lookup_failure_gives_none(session: aiohttp.ClientSession) -> None:
    transport = Transport(session, scheme="https", host="127.0.0.1", port=free_port(), ssl_param=True)
    assert await transport._server_fingerprint() is None


def test_api_path_quotes_each_segment() -> None:
    assert api_path("nodes", "pve 1", "qemu", 100, "status") == "/nodes/pve%201/qemu/100/status"
    assert api_path("nodes", "a/../b") == "/nodes/a%2F..%2Fb"


def test_model_helpers() -> None:
    ended_without_status = Task(upid="U", node="n", type="vzdump", id="", user="u", starttime=1, endtime=2)
    assert ended_without_status.running is False
    assert ended_without_status.succeeded is None
    assert Task(upid="U", node="n", type="t", id="", user="u", starttime=1, status="WARNINGS: 2").succeeded
    assert not Permissions().has("/nodes/pve1", "Sys.Audit")
