"""Model operations seen through the API: guests, migration, offline nodes, backups, tasks, HA."""

from __future__ import annotations

import re
from typing import Any

import pytest

from simulator import Simulator
from simulator.cluster import Cluster

from .conftest import T0, Api, FakeClock

UPID = re.compile(r"^UPID:(pve\d):([0-9A-F]{8}):([0-9A-F]{8}):([0-9A-F]{8}):vzdump:(\d*):root@pam:$")


async def _resource(api: Api, rid: str) -> dict[str, Any] | None:
    return next((r for r in await api.data("/cluster/resources") if r["id"] == rid), None)


async def test_offline_node(api: Api, sim: Simulator, clock: FakeClock) -> None:
    clock.t = T0 + 4
    before = await _resource(api, "lxc/101")  # a guest on pve2
    sim.faults.node_offline("pve2")
    reply = await api.get("/nodes/pve2/status")
    expected = "Errors during connection establishment, proxy handshake: No route to host"
    assert (reply.status, reply.reason, reply.body["message"]) == (595, expected, expected + "\n")
    for path in (
        "/nodes/pve2/qemu",
        "/nodes/pve2/lxc/101/status/current",
        "/nodes/pve2/storage",
        "/nodes/pve2/tasks",
    ):
        assert (await api.get(path)).status == 595, path
    nodes = {n["node"]: n for n in await api.data("/nodes")}
    assert nodes["pve2"]["status"] == "offline"
    assert not {"cpu", "mem", "maxmem", "uptime", "disk"} & set(nodes["pve2"])
    node_res = await _resource(api, "node/pve2")
    assert node_res is not None
    assert node_res["status"] == "offline"
    assert "cpu" not in node_res
    clock.t = T0 + 60
    assert await _resource(api, "lxc/101") == before  # the last values stay
    storages = [r for r in await api.data("/cluster/resources?type=storage") if r["node"] == "pve2"]
    assert storages
    assert all(r["status"] == "unknown" and "disk" not in r for r in storages)
    assert [e["online"] for e in await api.data("/cluster/status") if e["type"] == "node"] == [1, 0, 1]
    lrm = next(e for e in await api.data("/cluster/ha/status/current") if e["id"] == "lrm:pve2")
    assert "old timestamp - dead?" in lrm["status"]
    sim.faults.node_online("pve2")
    assert (await api.get("/nodes/pve2/status")).status == 200
    assert (await _resource(api, "lxc/101")) != before


async def test_add_remove_guest(api: Api, sim: Simulator, clock: FakeClock) -> None:
    sim.cluster.add_guest("pve3", 200, "lxc", "newbie")
    clock.tick(10)
    entry = await _resource(api, "lxc/200")
    assert entry is not None
    assert entry["status"] == "running"
    assert entry["uptime"] == 10
    assert [g["vmid"] for g in await api.data("/nodes/pve3/lxc")].count(200) == 1
    assert {"vmid": 200, "type": "lxc", "name": "newbie"} not in await api.data(
        "/cluster/backup-info/not-backed-up"
    )
    sim.cluster.remove_guest(200)
    assert await _resource(api, "lxc/200") is None
    reply = await api.get("/nodes/pve3/lxc/200/status/current")
    assert (reply.status, reply.reason) == (
        500,
        "Configuration file 'nodes/pve3/lxc/200.conf' does not exist",
    )


async def test_migrate_guest(api: Api, sim: Simulator, clock: FakeClock) -> None:
    sim.cluster.migrate_guest(100, "pve2")
    assert (await api.get("/nodes/pve1/qemu/100/status/current")).status == 500
    clock.tick(10)
    current = await api.data("/nodes/pve2/qemu/100/status/current")
    assert current["status"] == "running"
    assert current["uptime"] == 10
    assert (await _resource(api, "qemu/100") or {})["node"] == "pve2"
    service = next(e for e in await api.data("/cluster/ha/status/current") if e["id"] == "service:vm:100")
    assert service["node"] == "pve2"
    assert service["status"] == "vm:100 (pve2, started)"
    with pytest.raises(KeyError):
        sim.cluster.migrate_guest(100, "nowhere")


async def test_vmid_reused_by_other_type(api: Api, sim: Simulator, clock: FakeClock) -> None:
    sim.cluster.reuse_vmid(101, "qemu", "reborn")
    assert (await api.get("/nodes/pve2/lxc/101/status/current")).status == 500
    clock.tick(10)
    assert await _resource(api, "lxc/101") is None
    entry = await _resource(api, "qemu/101")
    assert entry is not None
    assert entry["name"] == "reborn"


async def test_start_stop_and_errors(api: Api, sim: Simulator, clock: FakeClock) -> None:
    sim.cluster.stop_guest(106)
    sim.cluster.stop_guest(106)  # idempotent
    clock.tick(1)
    current = await api.data("/nodes/pve1/qemu/106/status/current")
    assert current["status"] == "stopped"
    assert current["qmpstatus"] == "stopped"
    assert "pid" not in current
    assert current["uptime"] == 0
    assert current["netin"] == 0
    sim.cluster.start_guest(106)
    sim.cluster.start_guest(106)
    clock.tick(2)
    assert (await api.data("/nodes/pve1/qemu/106/status/current"))["uptime"] == 2
    with pytest.raises(ValueError, match="template"):
        sim.cluster.start_guest(129)
    with pytest.raises(ValueError, match="exists"):
        sim.cluster.add_guest("pve1", 100, "qemu", "dup")
    with pytest.raises(KeyError):
        sim.cluster.add_guest("nope", 300, "qemu", "x")
    with pytest.raises(ValueError, match="type"):
        sim.cluster.add_guest("pve1", 300, "vm", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="exists"):
        sim.cluster.add_node("pve1")


async def test_errors_for_unknown_things(api: Api) -> None:
    reply = await api.get("/nodes/foo/status")
    assert reply.status == 500
    assert (
        reply.reason
        == "hostname lookup 'foo' failed - failed to get address info for: foo: Name or service not known"
    )
    reply = await api.get("/nodes/pve1/qemu/999/status/current")
    assert reply.body["message"] == "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n"
    reply = await api.get("/nodes/pve1/qemu/abc/status/current")
    assert reply.status == 400
    assert reply.body["errors"] == {"vmid": "type check ('integer') failed - got 'abc'"}
    reply = await api.get("/foo")
    assert (reply.status, reply.reason) == (501, "Method 'GET /foo' not implemented")
    reply = await api.request("DELETE", "/nodes")
    assert reply.body["message"] == "Method 'DELETE /nodes' not implemented\n"
    reply = await api.get("/cluster/resources?type=bogus")
    assert reply.status == 400
    assert "type" in reply.body["errors"]
    assert await api.data("/cluster/resources?type=sdn") == []
    outside = await api.request("GET", "/../index.html")
    assert outside.status in (404, 501)
    async with api.session.get(f"{api.sim.url}/pve-docs/", ssl=api.ssl) as response:
        assert response.status == 404
    reply = await api.get("/nodes/pve1/tasks?limit=x")
    assert reply.status == 400
    reply = await api.get("/nodes/pve1/tasks?source=bogus")
    assert reply.status == 400
    bad_json = await api.request(
        "POST", "/access/ticket", token=False, data="{", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status == 400


async def test_backups_and_not_backed_up(api: Api, sim: Simulator, clock: FakeClock) -> None:
    assert await api.data("/cluster/backup-info/not-backed-up") == [
        {"vmid": 128, "type": "qemu", "name": "dev-box"}
    ]
    tasks = [t for node in ("pve1", "pve2", "pve3") for t in await api.data(f"/nodes/{node}/tasks?limit=500")]
    assert tasks
    for task in tasks:
        match = UPID.match(task["upid"])
        assert match is not None, task["upid"]
        assert match.group(1) == task["node"]
        assert int(match.group(2), 16) == task["pid"]
        assert int(match.group(3), 16) == task["pstart"]
        assert int(match.group(4), 16) == task["starttime"]
        assert match.group(5) == task["id"]
    day_ago = clock() - 86400
    failed = [
        t for t in tasks if t.get("status") not in (None, "OK") and not t["status"].startswith("WARNINGS")
    ]
    assert [(t["id"], t["status"]) for t in failed] == [("112", "job errors")]
    assert failed[0]["starttime"] > day_ago
    assert any(t.get("status") == "WARNINGS: 1" for t in tasks)
    assert any(t["id"] == "" for t in tasks)  # a multi-guest job task
    assert "128" not in {t["id"] for t in tasks}
    # filters
    one = await api.data("/nodes/pve1/tasks?vmid=112&limit=10")
    assert {t["id"] for t in one} == {"112"}
    assert len(one) == 3
    assert len(await api.data("/nodes/pve1/tasks?limit=2")) == 2
    page = await api.data("/nodes/pve1/tasks?limit=2&start=1")
    assert page[0] == (await api.data("/nodes/pve1/tasks?limit=2"))[1]
    recent = await api.data(f"/nodes/pve1/tasks?since={int(day_ago)}&limit=500")
    assert recent
    assert all(t["starttime"] >= day_ago for t in recent)
    assert all(
        t["starttime"] <= int(day_ago) for t in await api.data(f"/nodes/pve1/tasks?until={int(day_ago)}")
    )
    assert [t["status"] for t in await api.data("/nodes/pve1/tasks?errors=1")] == ["job errors"]
    assert await api.data("/nodes/pve1/tasks?typefilter=qmstart") == []


async def test_running_task_and_sources(api: Api, sim: Simulator, clock: FakeClock) -> None:
    running = sim.cluster.add_backup_task("pve3", 102, True, clock() - 30, running=True)
    assert running.endtime is None
    archive = await api.data("/nodes/pve3/tasks?limit=500")
    assert running.upid not in [t["upid"] for t in archive]
    active = await api.data("/nodes/pve3/tasks?source=active")
    assert [t["upid"] for t in active] == [running.upid]
    assert "endtime" not in active[0]
    assert "status" not in active[0]
    everything = await api.data("/nodes/pve3/tasks?source=all&limit=1")
    assert everything[0]["upid"] == running.upid
    failed = sim.cluster.add_backup_task("pve3", None, False, clock() - 10)
    latest = (await api.data("/nodes/pve3/tasks?limit=1"))[0]
    assert latest["upid"] == failed.upid
    assert latest["id"] == ""
    assert latest["status"] == "job errors"


def test_job_coverage_variants() -> None:
    from simulator.model import BackupJob

    cluster = Cluster(name="c")
    cluster.add_node("a")
    cluster.add_node("b")
    g1 = cluster.add_guest("a", 100, "qemu", "x", pool="p")
    g2 = cluster.add_guest("b", 101, "lxc", "y")
    assert cluster.job_covers(BackupJob(id="1", pool="p"), g1)
    assert not cluster.job_covers(BackupJob(id="1", pool="p"), g2)
    assert not cluster.job_covers(BackupJob(id="2", all=True, node="a"), g2)
    assert cluster.job_covers(BackupJob(id="3", vmids=(101,)), g2)
    assert Cluster.next_run(BackupJob(id="4", schedule="02:00"), T0) == T0 - T0 % 86400 + 7200 + (
        86400 if T0 % 86400 >= 7200 else 0
    )


def test_unbound_cluster_time() -> None:
    cluster = Cluster(name=None)
    assert cluster.now() == 0.0
    assert cluster.origin == 0.0
    cluster.add_node("pve", uptime=100)
    guest = cluster.add_guest("pve", 100, "qemu", "vm", uptime=50)
    cluster.set_node_online("pve", False)
    cluster.set_node_online("pve", False)  # stays at the first moment
    cluster.bind(lambda: 1000.0)
    assert cluster.nodes["pve"].booted_at == 900.0
    assert guest.runs == [(950.0, True)]
    assert cluster.nodes["pve"].offline_since == 1000.0
    assert cluster.frozen_time(guest, 2000.0) == 1000.0
