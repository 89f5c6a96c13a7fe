"""Every fault kind, over real sockets."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import aiohttp
import pytest

from simulator import Simulator
from simulator.faults import corrupt_types, drop_fields

from .conftest import Api


async def test_http_error_with_count(api: Api, sim: Simulator) -> None:
    fault = sim.faults.add(r"^/nodes/pve1/status$", "http_error", status=503, count=2)
    for _ in range(2):
        reply = await api.get("/nodes/pve1/status")
        assert (reply.status, reply.reason) == (503, "Service Unavailable")
        assert reply.body == {"data": None, "message": "Service Unavailable\n"}
        assert reply.headers["Connection"] == "close"
    assert (await api.get("/nodes/pve1/status")).status == 200
    assert fault.hits == 2
    assert not sim.faults.active


async def test_http_error_matches_full_path_and_custom_message(api: Api, sim: Simulator) -> None:
    sim.faults.add(r"^/api2/json/version$", "http_error", status=500, message="boom")
    reply = await api.get("/version")
    assert (reply.status, reply.body["message"]) == (500, "boom\n")
    sim.faults.clear()
    sim.faults.add("/version", "http_error", status=595)
    assert (await api.get("/version")).reason.startswith("Errors during connection establishment")
    sim.faults.clear()
    sim.faults.add("/version", "http_error", status=596)
    assert (await api.get("/version")).status == 596
    sim.faults.clear()
    sim.faults.add("/version", "http_error", status=599)
    assert (await api.get("/version")).reason == "Error"


async def test_hang_until_cleared(api: Api, sim: Simulator) -> None:
    sim.faults.add("/cluster/resources", "hang")
    pending = asyncio.ensure_future(api.get("/cluster/resources"))
    done, _ = await asyncio.wait({pending}, timeout=0.2)
    assert not done
    assert (await api.get("/version")).status == 200  # others still answer
    sim.faults.clear()
    reply = await asyncio.wait_for(pending, 5)
    assert reply.status == 200


async def test_hang_until_client_gives_up(api: Api, sim: Simulator) -> None:
    sim.faults.add("/nodes/pve1/storage", "hang")
    with pytest.raises(TimeoutError):
        await api.get("/nodes/pve1/storage", timeout=aiohttp.ClientTimeout(total=0.2))


async def test_malformed_json(api: Api, sim: Simulator) -> None:
    sim.faults.add("/nodes$", "malformed_json", count=1)
    reply = await api.get("/nodes")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.text)
    assert (await api.get("/nodes")).data


async def test_html_error(api: Api, sim: Simulator) -> None:
    sim.faults.add("/cluster/status", "html_error")
    reply = await api.get("/cluster/status")
    assert reply.status == 502
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in reply.text
    assert reply.headers["Connection"] == "close"


async def test_reset(api: Api, sim: Simulator) -> None:
    fault = sim.faults.add("/version", "reset")
    with pytest.raises(aiohttp.ClientOSError):
        await api.get("/version")
    assert fault.hits == 2  # aiohttp retries an idempotent request once after a reset
    sim.faults.clear()
    assert (await api.get("/version")).status == 200


async def test_wrong_types(api: Api, sim: Simulator) -> None:
    sim.faults.add("/nodes/pve1/status", "wrong_types")
    reply = await api.get("/nodes/pve1/status")
    assert reply.status == 200
    data = reply.data
    values = [data["cpu"], data["wait"], data["uptime"], data["memory"]["total"], data["memory"]["used"]]
    assert any(value == "fake" for value in values)
    assert any(value is None for value in values)
    assert any(isinstance(value, float) and math.isnan(value) for value in values)
    assert "fake" in data["loadavg"]


async def test_missing_fields(api: Api, sim: Simulator) -> None:
    sim.faults.add("/nodes/pve1/qemu$", "missing_fields")
    guests = await api.data("/nodes/pve1/qemu")
    assert guests
    assert all("vmid" not in g and "status" not in g and "cpu" not in g for g in guests)
    assert all("netin" in g for g in guests)


async def test_guest_cpu_glitch(api: Api, sim: Simulator) -> None:
    sim.faults.guest_cpu_glitch(100)
    glitched = {g["vmid"]: g["cpu"] for g in await api.data("/nodes/pve1/qemu")}
    assert glitched[100] == 0
    assert glitched[106] > 0
    assert {g["vmid"]: g["cpu"] for g in await api.data("/nodes/pve1/qemu")}[100] > 0
    sim.faults.guest_cpu_glitch(count=2)  # every guest, twice
    assert (await api.data("/nodes/pve1/qemu/100/status/current"))["cpu"] == 0
    assert all(g["cpu"] == 0 for g in await api.data("/nodes/pve2/lxc"))
    assert (await api.data("/nodes/pve1/qemu/100/status/current"))["cpu"] > 0
    sim.faults.guest_cpu_glitch(100, count=None)
    for _ in range(3):
        assert (await api.data("/nodes/pve1/qemu/100/status/current"))["cpu"] == 0
    assert all(g["cpu"] > 0 for g in await api.data("/nodes/pve2/lxc") if g["status"] == "running")
    sim.faults.clear()
    assert (await api.data("/nodes/pve1/qemu/100/status/current"))["cpu"] > 0


async def test_unknown_kind_rejected(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        sim.faults.add("/", "explode")  # type: ignore[arg-type]


def test_transforms() -> None:
    data: Any = {"a": 1, "b": [2.5, True, "3.5", "x"], "vmid": 5, "c": {"d": 7}}
    corrupted: Any = corrupt_types(data)
    assert corrupted["b"][1] is True
    assert corrupted["b"][2] == "fake"
    assert corrupted["b"][3] == "x"
    assert [corrupted["a"], corrupted["b"][0], corrupted["vmid"], corrupted["c"]["d"]][:3] == [
        "fake",
        None,
        -6,
    ]
    assert math.isnan(corrupted["c"]["d"])
    assert drop_fields(data) == {"a": 1, "b": [2.5, True, "3.5", "x"], "c": {"d": 7}}


async def test_model_faults_quorum(api: Api, sim: Simulator) -> None:
    sim.faults.quorum_lost()
    status = await api.data("/cluster/status")
    assert status[0]["quorate"] == 0
    ha = await api.data("/cluster/ha/status/current")
    assert ha[0] == {
        "id": "quorum",
        "type": "quorum",
        "node": "pve1",
        "quorate": 0,
        "status": "No quorum on node 'pve1'!",
    }
    sim.faults.quorum_restored()
    assert (await api.data("/cluster/status"))[0]["quorate"] == 1
