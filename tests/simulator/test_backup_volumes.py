"""``/nodes/{node}/storage/{storage}/content``: backup volumes from the vzdump history, filtered per ACL."""

from __future__ import annotations

import re
import time

from simulator import Simulator

from .conftest import Api, FakeClock

NFS = "/nodes/pve1/storage/nfs-backup/content?content=backup"
VOLID = re.compile(
    r"^nfs-backup:backup/vzdump-(qemu|lxc)-(\d+)-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.(vma|tar)\.zst$"
)


def grant_backup_rights(sim: Simulator) -> None:
    sim.faults.grant_privilege("/storage", "Datastore.AllocateSpace")
    sim.faults.grant_privilege("/vms", "VM.Backup")


async def test_pve_auditor_sees_no_backups(api: Api, sim: Simulator) -> None:
    """Datastore.Audit lets the call through, but every volume is silently filtered."""
    reply = await api.get(NFS)
    assert (reply.status, reply.data) == (200, [])
    assert sim.counters["/nodes/{node}/storage/{storage}/content"] == 1


async def test_volumes_follow_the_history(api: Api, sim: Simulator) -> None:
    grant_backup_rights(sim)
    volumes = await api.data(NFS)
    ok = [
        t
        for t in sim.cluster.tasks
        if t.type == "vzdump" and t.status is not None and (t.status == "OK" or t.status.startswith("WARN"))
    ]
    assert len(volumes) == sum(len(t.vmids) if t.id == "" else 1 for t in ok)
    for entry in volumes:
        found = VOLID.match(entry["volid"])
        assert found, entry["volid"]
        guest = sim.cluster.guests[entry["vmid"]]
        assert (found[1], int(found[2])) == (guest.type, guest.vmid) == (entry["subtype"], entry["vmid"])
        assert entry["format"] == ("vma.zst" if guest.type == "qemu" else "tar.zst")
        assert entry["notes"] == guest.name
        assert 0 < entry["size"] < guest.maxdisk
        stamp = time.strftime("%Y_%m_%d-%H_%M_%S", time.gmtime(entry["ctime"]))
        assert stamp in entry["volid"]
    # the failed backup of 112 left nothing; the multi-guest job task covered pve1's guests
    failed = next(t for t in sim.cluster.tasks if t.id == "112" and t.status == "job errors")
    assert not [v for v in volumes if v["vmid"] == 112 and v["ctime"] == int(failed.starttime)]
    (job,) = [t for t in sim.cluster.tasks if t.type == "vzdump" and t.id == ""]
    from_job = sorted(v["vmid"] for v in volumes if job.starttime <= v["ctime"] < (job.endtime or 0))
    assert from_job == sorted(job.vmids) == [g.vmid for g in sim.cluster.guests_on("pve1") if g.vmid != 128]
    # a shared storage shows the same volumes on every node
    assert await api.data(NFS.replace("pve1", "pve3")) == volumes


async def test_new_job_task_and_filters(api: Api, sim: Simulator, clock: FakeClock) -> None:
    grant_backup_rights(sim)
    task = sim.cluster.add_backup_task("pve2", None, True, clock() - 900, duration=600, vmids=(101, 128))
    assert task.storage == "nfs-backup"  # the first enabled job's storage
    mine = await api.data(NFS + "&vmid=128")
    assert [(v["vmid"], v["ctime"]) for v in mine] == [(128, int(clock() - 600))]  # one after the other
    assert [v["ctime"] for v in await api.data(NFS + "&vmid=101")][-1] == int(clock() - 900)
    assert await api.data("/nodes/pve1/storage/nfs-backup/content?content=iso") == []
    everything = await api.data("/nodes/pve1/storage/nfs-backup/content")
    assert len(everything) == len(await api.data(NFS))
    assert await api.data("/nodes/pve1/storage/local-lvm/content") == []  # no backups there
    sim.cluster.add_backup_task("pve2", None, False, clock() - 60, vmids=(128,))  # failed: no volume
    running = sim.cluster.add_backup_task("pve2", 128, True, clock() - 30, running=True)
    assert running.endtime is None
    assert len(await api.data(NFS + "&vmid=128")) == 1
    sim.cluster.add_backup_task("pve2", None, True, clock() - 20, vmids=(999,))  # no such guest: nothing
    assert await api.data(NFS + "&vmid=999") == []


async def test_local_storage_holds_only_its_nodes_backups(api: Api, sim: Simulator, clock: FakeClock) -> None:
    grant_backup_rights(sim)
    sim.cluster.add_backup_task("pve2", 101, True, clock() - 300, storage="local")
    sim.cluster.guests[101].node = "pve2"
    local2 = await api.data("/nodes/pve2/storage/local/content?content=backup")
    assert [v["volid"].split(":")[0] for v in local2] == ["local"]
    assert local2[0]["vmid"] == 101
    assert await api.data("/nodes/pve1/storage/local/content?content=backup") == []
    # a guest outside every job falls back to its node's first backup storage
    assert sim.cluster.add_backup_task("pve3", 128, True, clock() - 100).storage == "local"


async def test_per_volume_filtering(api: Api, sim: Simulator) -> None:
    sim.faults.grant_privilege("/storage", "Datastore.AllocateSpace")
    assert await api.data(NFS) == []  # VM.Backup missing everywhere
    sim.faults.grant_privilege("/vms/101", "VM.Backup")
    assert {v["vmid"] for v in await api.data(NFS)} == {101}
    grant_backup_rights(sim)
    sim.faults.remove_privilege("/vms/101", "VM.Backup")
    vmids = {v["vmid"] for v in await api.data(NFS)}
    assert 101 not in vmids
    assert 100 in vmids
    sim.faults.remove_privilege("/storage/nfs-backup", "Datastore.AllocateSpace")
    assert await api.data(NFS) == []
    protected = next(v for v in sim.cluster.backup_volumes if v.vmid == 100 and v.storage == "nfs-backup")
    protected.protected = True
    sim.faults.grant_privilege("/storage/nfs-backup", "Datastore.AllocateSpace")
    entry = next(v for v in await api.data(NFS) if v["volid"] == protected.volid)
    assert entry["protected"] == 1


async def test_errors(api: Api, sim: Simulator) -> None:
    sim.faults.remove_privilege("/storage/cephfs", "Datastore.Audit")
    reply = await api.get("/nodes/pve1/storage/cephfs/content?content=backup")
    assert (reply.status, reply.reason) == (
        403,
        "Permission check failed (/storage/cephfs, Datastore.Audit|Datastore.AllocateSpace)",
    )
    sim.faults.grant_privilege("/storage/cephfs", "Datastore.AllocateSpace")  # either privilege will do
    assert (await api.get("/nodes/pve1/storage/cephfs/content?content=backup")).status == 200
    assert (await api.get("/nodes/pve1/storage/nope/content")).reason == "storage 'nope' does not exist"
    assert (await api.get("/nodes/pve1/storage/local/content?content=bogus")).status == 400
    assert (await api.get("/nodes/pve1/storage/local/content?vmid=x")).status == 400
    assert (await api.get("/nodes/nope/storage/local/content")).status == 500
    sim.cluster.storages["local"].nodes = ("pve2",)
    reply = await api.get("/nodes/pve1/storage/local/content")
    assert (reply.status, reply.reason) == (500, "storage 'local' is not available on node 'pve1'")
    sim.cluster.storages["cephfs"].active = False
    assert (await api.get("/nodes/pve1/storage/cephfs/content")).reason == "storage 'cephfs' is not online"
    sim.cluster.storages["cephfs"].enabled = False
    assert (await api.get("/nodes/pve1/storage/cephfs/content")).reason == "storage 'cephfs' is disabled"
    sim.faults.node_offline("pve2")
    assert (await api.get("/nodes/pve2/storage/nfs-backup/content?content=backup")).status == 595
