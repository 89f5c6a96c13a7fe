"""Cost model: worker pool queueing, per-endpoint latency, request counters."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from simulator import Simulator
from simulator.pytest_plugin import SimulatorFactory
from simulator.routes import ROUTES

from .conftest import Api

DOCUMENTED_KEYS = {
    "/version",
    "/nodes",
    "/nodes/{node}/status",
    "/nodes/{node}/qemu",
    "/nodes/{node}/lxc",
    "/nodes/{node}/qemu/{vmid}/status/current",
    "/nodes/{node}/lxc/{vmid}/status/current",
    "/nodes/{node}/storage",
    "/nodes/{node}/tasks",
    "/cluster/resources",
    "/cluster/status",
    "/cluster/backup",
    "/cluster/backup-info/not-backed-up",
    "/cluster/ha/status/current",
    "/access/permissions",
    "/access/ticket",
}


def test_counter_keys_are_the_documented_templates() -> None:
    assert {route.template for route in ROUTES} >= DOCUMENTED_KEYS


async def test_counters(api: Api, sim: Simulator) -> None:
    await api.get("/nodes/pve1/status")
    await api.get("/nodes/pve2/status")
    await api.get("/nodes/pve1/qemu/100/status/current")
    await api.get("/nodes/pve2/lxc/101/status/current")
    await api.get("/cluster/resources?type=vm")
    await api.get("/nodes", token=False)  # 401 is counted too: it is a request served
    await api.request("POST", "/access/ticket", token=False, data={"username": sim.username, "password": "x"})
    await api.get("/nowhere")  # not a template: not counted
    assert sim.counters == {
        "/nodes/{node}/status": 2,
        "/nodes/{node}/qemu/{vmid}/status/current": 1,
        "/nodes/{node}/lxc/{vmid}/status/current": 1,
        "/cluster/resources": 1,
        "/nodes": 1,
        "/access/ticket": 1,
    }
    sim.reset_counters()
    assert not sim.counters
    assert sim.max_in_flight == 0


async def test_pool_limits_concurrency(simulator_factory: SimulatorFactory, session: Any) -> None:
    sim = await simulator_factory("cluster3", tls=False, workers=2, latency_scale=1.0)
    api = Api(sim, session)
    started = time.perf_counter()
    replies = await asyncio.gather(*(api.get("/nodes/pve1/qemu/100/status/current") for _ in range(6)))
    elapsed = time.perf_counter() - started
    assert all(reply.status == 200 for reply in replies)
    assert sim.max_in_flight == 2
    assert sim.in_flight == 0
    assert elapsed >= 3 * 0.025  # six 25-60 ms requests through two workers: at least three rounds
    assert sim.counters["/nodes/{node}/qemu/{vmid}/status/current"] == 6


async def test_default_pool_is_three(simulator_factory: SimulatorFactory, session: Any) -> None:
    sim = await simulator_factory("standalone", tls=False, latency_scale=0.5)
    assert sim.workers == 3
    api = Api(sim, session)
    await asyncio.gather(*(api.get("/nodes/pve/qemu/100/status/current") for _ in range(8)))
    assert sim.max_in_flight == 3


async def test_latency_is_per_endpoint(simulator_factory: SimulatorFactory, session: Any) -> None:
    sim = await simulator_factory("standalone", tls=False, latency_scale=2.0)
    api = Api(sim, session)
    await api.get("/version")  # warm the connection up

    async def timed(path: str) -> float:
        started = time.perf_counter()
        assert (await api.get(path)).status == 200
        return time.perf_counter() - started

    assert await timed("/nodes/pve/qemu/100/status/current") >= 0.05
    assert await timed("/nodes/pve/qemu") >= 0.006
    sim.faults.node_offline("pve")
    sim.latency_scale = 0.02  # 3 s proxy timeout * 0.02
    started = time.perf_counter()
    assert (await api.get("/nodes/pve/status")).status == 595
    assert time.perf_counter() - started >= 0.06
