"""Time model: live values every second, pvestatd snapshots every 10 s, storage every 30 s, counters."""

from __future__ import annotations

from typing import Any

from simulator import Simulator, scenarios
from simulator.pytest_plugin import SimulatorFactory

from .conftest import T0, Api, FakeClock


def _node(resources: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(entry for entry in resources if entry["id"] == f"node/{name}")


async def test_node_status_live_while_resources_hold_until_next_cycle(api: Api, clock: FakeClock) -> None:
    clock.t = T0 + 2.3  # inside the 10 s cycle that started at T0
    first_status = await api.data("/nodes/pve1/status")
    first_resources = _node(await api.data("/cluster/resources"), "pve1")
    first_nodes = await api.data("/nodes")

    # the same second: identical answers
    clock.t = T0 + 2.9
    assert await api.data("/nodes/pve1/status") == first_status

    changed_cpu = 0
    for second in range(3, 10):
        clock.t = T0 + second
        status = await api.data("/nodes/pve1/status")
        changed_cpu += status["cpu"] != first_status["cpu"]
        assert status["uptime"] == first_status["uptime"] + second - 2
        assert _node(await api.data("/cluster/resources"), "pve1") == first_resources
        assert await api.data("/nodes") == first_nodes
    assert changed_cpu >= 5  # live: a new value nearly every second

    clock.t = T0 + 10.0  # next pvestatd broadcast
    after = _node(await api.data("/cluster/resources"), "pve1")
    assert after["uptime"] == first_resources["uptime"] + 10
    assert after["cpu"] != first_resources["cpu"]
    assert (await api.data("/nodes"))[0]["uptime"] == after["uptime"]


async def test_guest_lists_are_live_and_resources_snapshot(api: Api, clock: FakeClock) -> None:
    clock.t = T0 + 1
    live1 = {g["vmid"]: g for g in await api.data("/nodes/pve1/qemu")}
    snap1 = {g["vmid"]: g for g in await api.data("/cluster/resources?type=vm")}
    clock.t = T0 + 5
    live2 = {g["vmid"]: g for g in await api.data("/nodes/pve1/qemu")}
    snap2 = {g["vmid"]: g for g in await api.data("/cluster/resources?type=vm")}
    assert snap1 == snap2
    assert live2[100]["netin"] > live1[100]["netin"]
    assert live2[100]["uptime"] == live1[100]["uptime"] + 4
    current = await api.data("/nodes/pve1/qemu/100/status/current")
    assert current["netin"] == live2[100]["netin"]
    assert current["cpu"] == live2[100]["cpu"]


async def test_storage_changes_only_at_30s_boundaries(api: Api, clock: FakeClock) -> None:
    def used(entries: list[dict[str, Any]]) -> dict[str, int]:
        return {entry["storage"]: entry["used"] for entry in entries}

    clock.t = T0 + 1
    first = used(await api.data("/nodes/pve1/storage"))
    clock.t = T0 + 29.9
    assert used(await api.data("/nodes/pve1/storage")) == first
    clock.t = T0 + 30
    assert used(await api.data("/nodes/pve1/storage")) != first


async def test_counters_grow_monotonically_and_reset_on_restart(
    api: Api, sim: Simulator, clock: FakeClock
) -> None:
    previous = None
    for second in range(0, 120, 3):
        clock.t = T0 + second
        guest = next(g for g in await api.data("/nodes/pve2/lxc") if g["vmid"] == 101)
        if previous is not None:
            for name in ("netin", "netout", "diskread", "diskwrite"):
                assert guest[name] >= previous[name], name
            assert guest["netin"] > previous["netin"]
        previous = guest
    assert previous is not None
    sim.cluster.stop_guest(101)
    clock.tick(5)
    sim.cluster.start_guest(101)
    clock.tick(3)
    restarted = next(g for g in await api.data("/nodes/pve2/lxc") if g["vmid"] == 101)
    assert restarted["uptime"] == 3
    assert restarted["netin"] < previous["netin"]
    assert restarted["pid"] != previous["pid"]


async def test_deterministic_across_instances(simulator_factory: SimulatorFactory, session: Any) -> None:
    answers = []
    for _ in range(2):
        clock = FakeClock(T0 + 123.4)
        sim = await simulator_factory(scenarios.cluster3(), clock=clock, tls=False)
        api = Api(sim, session)
        answers.append((await api.data("/nodes/pve2/status"), await api.data("/nodes/pve3/lxc")))
    assert answers[0] == answers[1]


async def test_snapshot_of_recent_start_shows_previous_state(
    api: Api, sim: Simulator, clock: FakeClock
) -> None:
    clock.t = T0 + 3
    sim.cluster.start_guest(107)
    snap = next(g for g in await api.data("/cluster/resources?type=vm") if g["vmid"] == 107)
    assert snap["status"] == "stopped"  # the broadcast at T0 predates the start
    live = next(g for g in await api.data("/nodes/pve2/lxc") if g["vmid"] == 107)
    assert live["status"] == "running"
    clock.t = T0 + 10
    snap = next(g for g in await api.data("/cluster/resources?type=vm") if g["vmid"] == 107)
    assert snap["status"] == "running"
    assert snap["uptime"] == 7


async def test_churn_is_off_by_default_and_deterministic_when_on(
    simulator_factory: SimulatorFactory, session: Any
) -> None:
    quiet = await simulator_factory("cluster3", clock=FakeClock(), tls=False)
    assert quiet.cluster.churn == 0.0
    clock = FakeClock()
    busy = await simulator_factory(scenarios.cluster3(churn=0.3), clock=clock, tls=False)
    api = Api(busy, session)
    states = []
    for step in range(12):
        clock.t = T0 + step * 600 + 5
        states.append(tuple(g["status"] for g in await api.data("/nodes/pve1/qemu")))
    assert len(set(states)) > 1  # guests went up and down
    clock.t = T0 + 5
    assert tuple(g["status"] for g in await api.data("/nodes/pve1/qemu")) == states[0]
    # a guest back from a churn break has restarted: its uptime counts from the period boundary
    restarts = 0
    previous: dict[int, str] = {}
    for step in range(12):
        clock.t = T0 + step * 600 + 5
        for guest in await api.data("/nodes/pve1/qemu"):
            if guest["status"] == "running" and previous.get(guest["vmid"]) == "stopped":
                assert guest["uptime"] == 5
                restarts += 1
            previous[guest["vmid"]] = guest["status"]
    assert restarts
