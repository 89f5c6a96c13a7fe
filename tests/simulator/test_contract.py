"""Every endpoint answers with the official return shapes (types as PVE sends them: booleans as 0/1)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from simulator import Simulator
from simulator.pytest_plugin import SimulatorFactory

from .conftest import Api, FakeClock

SHAPES: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "pve_return_shapes.json").read_text())

#: documented by pve-api-notes.md, not by the schema: LXC pressure values are strings
STRING_NUMBERS = {
    "pressurecpusome",
    "pressurecpufull",
    "pressureiosome",
    "pressureiofull",
    "pressurememorysome",
    "pressurememoryfull",
}
#: fields of a backup job that pve-api-notes.md documents beyond the schema's ``id``
BACKUP_JOB_FIELDS = {"schedule": "string", "enabled": "boolean", "storage": "string", "type": "string"}


def check(value: Any, schema: dict[str, Any], where: str, *, lxc: bool = False) -> None:
    """Raise AssertionError where ``value`` does not fit ``schema``."""
    kind = schema.get("type")
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if kind == "array":
        assert isinstance(value, list), f"{where}: not an array"
        for index, item in enumerate(value):
            check(item, schema.get("items", {}), f"{where}[{index}]", lxc=lxc)
    elif kind == "object":
        assert isinstance(value, dict), f"{where}: not an object"
        for name, sub in schema.get("properties", {}).items():
            if name not in value:
                assert sub.get("optional"), f"{where}: required field {name!r} missing"
                continue
            if lxc and name in STRING_NUMBERS:
                assert isinstance(value[name], str), f"{where}.{name}"
                assert math.isfinite(float(value[name])), f"{where}.{name}"
                continue
            check(value[name], sub, f"{where}.{name}", lxc=lxc)
    elif kind == "integer":
        assert type(value) is int, f"{where}: {value!r} is not an integer"
    elif kind == "number":
        assert type(value) in (int, float), f"{where}: {value!r} not a number"
        assert math.isfinite(value), where
    elif kind == "string":
        assert isinstance(value, str), f"{where}: {value!r} is not a string"
    elif kind == "boolean":
        assert type(value) is int, f"{where}: {value!r} is not 0/1"
        assert value in (0, 1), f"{where}: {value!r} is not 0/1"
    elif kind == "null":
        assert value is None, where


CASES = [
    ("GET /version", "/version"),
    ("GET /nodes", "/nodes"),
    ("GET /nodes/{node}/status", "/nodes/pve1/status"),
    ("GET /cluster/resources", "/cluster/resources"),
    ("GET /cluster/resources", "/cluster/resources?type=vm"),
    ("GET /cluster/resources", "/cluster/resources?type=storage"),
    ("GET /cluster/resources", "/cluster/resources?type=node"),
    ("GET /cluster/status", "/cluster/status"),
    ("GET /nodes/{node}/qemu", "/nodes/pve1/qemu"),
    ("GET /nodes/{node}/lxc", "/nodes/pve2/lxc"),
    ("GET /nodes/{node}/qemu/{vmid}/status/current", "/nodes/pve1/qemu/100/status/current"),
    ("GET /nodes/{node}/qemu/{vmid}/status/current", "/nodes/pve1/qemu/124/status/current"),
    ("GET /nodes/{node}/lxc/{vmid}/status/current", "/nodes/pve2/lxc/101/status/current"),
    ("GET /nodes/{node}/storage", "/nodes/pve1/storage"),
    ("GET /nodes/{node}/tasks", "/nodes/pve1/tasks?typefilter=vzdump"),
    ("GET /cluster/backup", "/cluster/backup"),
    ("GET /cluster/backup-info/not-backed-up", "/cluster/backup-info/not-backed-up"),
    ("GET /cluster/ha/status/current", "/cluster/ha/status/current"),
    ("GET /access/permissions", "/access/permissions"),
    ("GET /access/permissions", "/access/permissions?path=/vms"),
    ("GET /access/ticket", "/access/ticket"),
]


@pytest.mark.parametrize(("key", "path"), CASES)
async def test_shape(api: Api, key: str, path: str) -> None:
    data = await api.data(path)
    if isinstance(data, list):
        assert data, f"{path} is empty: nothing was checked"
    check(data, SHAPES[key], path, lxc="/lxc" in path)


async def test_node_status_has_real_extras(api: Api) -> None:
    data = await api.data("/nodes/pve1/status")
    extra = SHAPES["_node_status_extra"]
    check(data, {"type": "object", "properties": extra["properties"]}, "node status")
    assert all(isinstance(value, str) and float(value) >= 0 for value in data["loadavg"])
    assert len(data["loadavg"]) == 3
    assert 0 <= data["wait"] < 1
    assert data["swap"]["total"] == data["swap"]["used"] + data["swap"]["free"]


async def test_backup_jobs_have_documented_fields(api: Api, sim: Simulator) -> None:
    jobs = await api.data("/cluster/backup")
    for job in jobs:
        check(
            job,
            {"type": "object", "properties": {k: {"type": v} for k, v in BACKUP_JOB_FIELDS.items()}},
            "job",
        )
        assert job["type"] == "vzdump"
    daily = next(job for job in jobs if job["id"] == "backup-daily")
    assert daily["all"] == 1
    assert daily["exclude"] == "128"
    assert daily["next-run"] > sim.clock()
    offsite = next(job for job in jobs if job["id"] == "backup-offsite")
    assert offsite["vmid"] == "100,101"
    assert offsite["enabled"] == 0
    assert "next-run" not in offsite


async def test_login_shape(api: Api, sim: Simulator) -> None:
    reply = await api.request(
        "POST", "/access/ticket", token=False, data={"username": sim.username, "password": sim.password}
    )
    assert reply.status == 200
    check(reply.data, SHAPES["POST /access/ticket"], "ticket")
    assert reply.data["clustername"] == "homelab"


CONTENT = "GET /nodes/{node}/storage/{storage}/content"


@pytest.mark.parametrize(
    "path", ["/nodes/pve1/storage/nfs-backup/content", "/nodes/pve2/storage/local/content"]
)
async def test_backup_volume_shape(api: Api, sim: Simulator, path: str) -> None:
    """Listed only with Datastore.AllocateSpace on the storage and VM.Backup on the guest."""
    sim.faults.grant_privilege("/storage", "Datastore.AllocateSpace")
    sim.faults.grant_privilege("/vms", "VM.Backup")
    sim.cluster.add_backup_task("pve2", 101, True, sim.clock() - 600, storage="local")
    data = await api.data(f"{path}?content=backup")
    assert data
    check(data, SHAPES[CONTENT], path)
    assert all(entry["content"] == "backup" and entry["subtype"] in ("qemu", "lxc") for entry in data)


async def test_every_shape_is_covered() -> None:
    covered = {key for key, _ in CASES} | {"POST /access/ticket", CONTENT}
    assert covered == {key for key in SHAPES if not key.startswith("_")}


async def test_realism_details(api: Api) -> None:
    qemu = await api.data("/nodes/pve1/qemu")
    assert all("diskread" not in g and "diskwrite" not in g and g["disk"] == 0 for g in qemu)
    assert all(isinstance(g["pressurecpusome"], float) for g in qemu if g["status"] == "running")
    full = await api.data("/nodes/pve1/qemu?full=1")
    assert all("diskread" in g and "qmpstatus" in g for g in full)
    lxc = await api.data("/nodes/pve2/lxc")
    running = [g for g in lxc if g["status"] == "running"]
    assert running
    assert all(g["disk"] > 0 and g["diskwrite"] > 0 and isinstance(g["pressureiosome"], str) for g in running)
    resources = await api.data("/cluster/resources?type=vm")
    assert all("diskread" in g and "diskwrite" in g for g in resources)
    template = [g for g in resources if g["template"] == 1]
    assert [g["vmid"] for g in template] == [129]
    nodes = await api.data("/nodes")
    assert all(len(n["ssl_fingerprint"].split(":")) == 32 for n in nodes)
    assert next(n for n in nodes if n["node"] == "pve1")["ssl_fingerprint"] == api.sim.fingerprint


async def test_shared_storage_once_per_node(api: Api) -> None:
    storages = await api.data("/cluster/resources?type=storage")
    ids = [entry["id"] for entry in storages]
    assert len(ids) == len(set(ids)) == 12
    nfs = [entry for entry in storages if entry["storage"] == "nfs-backup"]
    assert sorted(entry["id"] for entry in nfs) == [f"storage/pve{i}/nfs-backup" for i in (1, 2, 3)]
    assert all(entry["shared"] == 1 for entry in nfs)
    assert len({entry["disk"] for entry in nfs}) == 1  # one storage, one value
    assert {entry["shared"] for entry in storages if entry["storage"] == "local"} == {0}


async def test_legacy_lxc_vmid_strings(
    simulator_factory: SimulatorFactory, session: Any, clock: FakeClock
) -> None:
    from simulator import scenarios

    sim = await simulator_factory(scenarios.cluster3(legacy_lxc_vmid_strings=True), clock=clock, tls=False)
    api = Api(sim, session)
    lxc = await api.data("/nodes/pve2/lxc")
    assert lxc
    assert all(isinstance(g["vmid"], str) for g in lxc)
    current = await api.data(f"/nodes/pve2/lxc/{lxc[0]['vmid']}/status/current")
    assert isinstance(current["vmid"], int)


async def test_standalone_cluster_status(simulator_factory: SimulatorFactory, session: Any) -> None:
    sim = await simulator_factory("standalone", tls=False)
    status = await Api(sim, session).data("/cluster/status")
    assert [entry["type"] for entry in status] == ["node"]
    assert status[0]["name"] == "pve"
    assert status[0]["local"] == 1
    check(status, SHAPES["GET /cluster/status"], "status")
