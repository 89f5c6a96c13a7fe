"""ACL checks: 403 texts, per-object filtering, /access/permissions."""

from __future__ import annotations

from simulator import Simulator
from simulator.acl import PVE_AUDITOR, Acl

from .conftest import Api


async def test_default_permissions_are_pve_auditor(api: Api) -> None:
    perms = await api.data("/access/permissions")
    assert perms["/"] == dict.fromkeys(sorted(PVE_AUDITOR), 1)
    assert set(perms) >= {"/", "/nodes", "/vms", "/storage"}
    one = await api.data("/access/permissions?path=/vms/100")
    assert one == {"/vms/100": dict.fromkeys(sorted(PVE_AUDITOR), 1)}


async def test_node_privilege(api: Api, sim: Simulator) -> None:
    sim.faults.remove_privilege("/nodes/pve1", "Sys.Audit")
    reply = await api.get("/nodes/pve1/status")
    assert (reply.status, reply.reason) == (403, "Permission check failed (/nodes/pve1, Sys.Audit)")
    assert reply.body == {"data": None, "message": "Permission check failed (/nodes/pve1, Sys.Audit)\n"}
    assert reply.headers["Connection"] == "close"
    assert (await api.get("/nodes/pve2/status")).status == 200
    nodes = {n["node"]: n for n in await api.data("/nodes")}
    assert "cpu" not in nodes["pve1"]
    assert nodes["pve1"]["status"] == "online"
    assert "cpu" in nodes["pve2"]
    resources = {r["id"]: r for r in await api.data("/cluster/resources?type=node")}
    assert "mem" not in resources["node/pve1"]
    assert "mem" in resources["node/pve2"]
    assert await api.data("/nodes/pve1/tasks") == []  # others' tasks need Sys.Audit
    perms = await api.data("/access/permissions?path=/nodes/pve1")
    assert "Sys.Audit" not in perms["/nodes/pve1"]
    sim.faults.grant_privilege("/nodes/pve1", "Sys.Audit")
    assert (await api.get("/nodes/pve1/status")).status == 200


async def test_guest_privilege(api: Api, sim: Simulator) -> None:
    sim.faults.remove_privilege("/vms/100", "VM.Audit")
    reply = await api.get("/nodes/pve1/qemu/100/status/current")
    assert (reply.status, reply.reason) == (403, "Permission check failed (/vms/100, VM.Audit)")
    assert 100 not in [g["vmid"] for g in await api.data("/nodes/pve1/qemu")]
    assert "qemu/100" not in [r["id"] for r in await api.data("/cluster/resources")]
    assert "qemu/106" in [r["id"] for r in await api.data("/cluster/resources")]


async def test_removing_vm_audit_at_root_hides_all_but_granted(api: Api, sim: Simulator) -> None:
    sim.faults.remove_privilege("/", "VM.Audit")
    sim.faults.grant_privilege("/vms/106", "VM.Audit")
    assert [r["vmid"] for r in await api.data("/cluster/resources?type=vm")] == [106]
    assert (await api.get("/nodes/pve1/qemu/100/status/current")).status == 403
    assert (await api.get("/nodes/pve1/qemu/106/status/current")).status == 200


async def test_storage_and_root_privileges(api: Api, sim: Simulator) -> None:
    sim.faults.remove_privilege("/storage/cephfs", "Datastore.Audit")
    assert "cephfs" not in [s["storage"] for s in await api.data("/nodes/pve1/storage")]
    assert all(r["storage"] != "cephfs" for r in await api.data("/cluster/resources?type=storage"))
    sim.faults.remove_privilege("/", "Sys.Audit")
    for path in (
        "/cluster/status",
        "/cluster/backup",
        "/cluster/backup-info/not-backed-up",
        "/cluster/ha/status/current",
    ):
        reply = await api.get(path)
        assert (reply.status, reply.reason) == (403, "Permission check failed (/, Sys.Audit)"), path
    assert (await api.get("/cluster/resources")).status == 200  # open to all, filtered


async def test_power_needs_power_mgmt(api: Api) -> None:
    reply = await api.request("POST", "/nodes/pve1/qemu/124/status/start")
    assert (reply.status, reply.reason) == (403, "Permission check failed (/vms/124, VM.PowerMgmt)")


def test_acl_most_specific_wins() -> None:
    acl = Acl()
    assert acl.allowed("/nodes/pve1", "Sys.Audit")
    assert not acl.allowed("/nodes/pve1", "Sys.Modify")
    acl.revoke("/nodes", "Sys.Audit")
    assert not acl.allowed("/nodes/pve1", "Sys.Audit")
    assert acl.allowed("/", "Sys.Audit")
    acl.grant("nodes/pve1/", "Sys.Audit")
    assert acl.allowed("/nodes/pve1", "Sys.Audit")
    assert not acl.allowed("/nodes/pve2", "Sys.Audit")
    acl.grant("/nodes", "Sys.Audit")
    assert acl.allowed("/nodes/pve2", "Sys.Audit")
