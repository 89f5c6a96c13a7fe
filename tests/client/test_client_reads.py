"""Every read method of ``PveClient`` over TLS against the simulator, checked against its model."""

from __future__ import annotations

import time

import pytest

from custom_components.proxmox_live.pve.client import PveClient
from custom_components.proxmox_live.pve.errors import PveNodeUnreachableError, PvePermissionError
from custom_components.proxmox_live.pve.models import ClusterResource
from simulator import Simulator, scenarios
from simulator.pytest_plugin import SimulatorFactory

from .conftest import ClientFactory, FakeClock


async def test_version(client: PveClient, simulator: Simulator) -> None:
    version = await client.get_version()
    assert version.version == simulator.cluster.pve_version
    assert version.release == ".".join(simulator.cluster.pve_version.split(".")[:2])
    assert version.repoid


async def test_nodes(client: PveClient, simulator: Simulator) -> None:
    nodes = await client.get_nodes()
    assert [node.node for node in nodes] == ["pve1", "pve2", "pve3"]
    pve1 = nodes[0]
    assert pve1.status == "online"
    assert pve1.maxcpu == simulator.cluster.nodes["pve1"].cpus
    assert pve1.maxmem == simulator.cluster.nodes["pve1"].maxmem
    assert pve1.cpu is not None
    assert 0 <= pve1.cpu <= 1
    assert pve1.uptime is not None
    assert pve1.ssl_fingerprint == simulator.fingerprint  # the node we talk to


async def test_offline_node_in_lists(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.node_offline("pve2")
    pve2 = {node.node: node for node in await client.get_nodes()}["pve2"]
    assert pve2.status == "offline"
    assert (pve2.cpu, pve2.mem, pve2.maxmem, pve2.uptime) == (None, None, None, None)
    status = await client.get_cluster_status()
    assert {node.name: node.online for node in status.nodes} == {"pve1": True, "pve2": False, "pve3": True}


async def test_node_status(client: PveClient, simulator: Simulator) -> None:
    status = await client.get_node_status("pve2")
    node = simulator.cluster.nodes["pve2"]
    assert status.node == "pve2"
    assert status.memory_total == node.maxmem
    assert 0 < status.memory_used < status.memory_total
    assert status.cpu_count == node.cpus
    assert status.cpu_model == node.cpu_model
    assert len(status.loadavg) == 3
    assert all(isinstance(value, float) for value in status.loadavg)
    assert status.iowait is not None
    assert status.swap_total == node.swap_total
    assert status.uptime is not None
    assert status.uptime > 0
    assert status.kernel_release
    assert status.pveversion.startswith("pve-manager/")
    assert status.rootfs_total > status.rootfs_used > 0


async def test_guest_lists_match_the_model(client: PveClient, simulator: Simulator) -> None:
    for node in simulator.cluster.nodes:
        expected = {guest.vmid: guest for guest in simulator.cluster.guests_on(node)}
        qemu = await client.get_qemu_guests(node)
        lxc = await client.get_lxc_guests(node)
        assert {guest.vmid for guest in qemu} == {v for v, g in expected.items() if g.type == "qemu"}
        assert {guest.vmid for guest in lxc} == {v for v, g in expected.items() if g.type == "lxc"}
        for guest in [*qemu, *lxc]:
            model = expected[guest.vmid]
            assert guest.node == node
            assert guest.name == model.name
            assert guest.template is model.template
            assert guest.maxmem == model.maxmem
            assert guest.status in ("running", "stopped")
            assert guest.tags == tuple(model.tags)
        for guest in qemu:
            assert guest.type == "qemu"
            assert guest.diskread is None  # the list without full=1 has no disk counters


async def test_running_and_stopped_guest(client: PveClient, simulator: Simulator) -> None:
    model = simulator.cluster.guests[107]  # stopped in cluster3
    listed = await (client.get_qemu_guests if model.type == "qemu" else client.get_lxc_guests)(model.node)
    guests = {guest.vmid: guest for guest in listed}
    assert guests[107].status == "stopped"
    assert not guests[107].uptime
    running = next(guest for guest in guests.values() if guest.status == "running")
    assert running.uptime
    assert running.cpu is not None
    assert running.mem


async def test_legacy_lxc_vmid_strings(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    sim = await simulator_factory(scenarios.cluster3(legacy_lxc_vmid_strings=True))
    lxc = await make_client(sim).get_lxc_guests("pve2")
    assert lxc
    assert all(isinstance(guest.vmid, int) for guest in lxc)
    assert {guest.vmid for guest in lxc} == {
        guest.vmid for guest in sim.cluster.guests_on("pve2") if guest.type == "lxc"
    }


async def test_guest_status_qemu_with_ha(client: PveClient) -> None:
    guest = await client.get_guest_status("pve1", "qemu", 100)
    assert (guest.vmid, guest.type, guest.node, guest.name) == (100, "qemu", "pve1", "homeassistant")
    assert guest.status == "running"
    assert guest.qmpstatus == "running"
    assert guest.ha_state == "started"
    assert guest.diskread is not None
    assert guest.tags == ("prod", "web")


async def test_guest_status_lxc(client: PveClient, simulator: Simulator) -> None:
    model = simulator.cluster.guests[103]
    guest = await client.get_guest_status(model.node, "lxc", 103)
    assert (guest.vmid, guest.type, guest.node) == (103, "lxc", model.node)
    assert guest.qmpstatus is None
    assert guest.agent is None
    assert guest.disk is not None


async def test_guest_status_follows_the_model(
    simulator_factory: SimulatorFactory, make_client: ClientFactory
) -> None:
    clock = FakeClock(1_800_000_000.0)
    sim = await simulator_factory("cluster3", clock=clock)
    client = make_client(sim)
    model = next(
        guest
        for guest in sim.cluster.guests.values()
        if guest.type == "qemu" and guest.vmid not in sim.cluster.ha_resources and not guest.template
    )
    assert (await client.get_guest_status(model.node, "qemu", model.vmid)).status == "running"
    sim.cluster.stop_guest(model.vmid)
    clock.advance(1)  # the model has a one-second resolution
    assert (await client.get_guest_status(model.node, "qemu", model.vmid)).status == "stopped"
    sim.cluster.start_guest(model.vmid)
    clock.advance(1)
    assert (await client.get_guest_status(model.node, "qemu", model.vmid)).status == "running"


def _ids(resources: list[ClusterResource]) -> set[str]:
    return {resource.id for resource in resources}


async def test_cluster_resources(client: PveClient, simulator: Simulator) -> None:
    everything = await client.get_cluster_resources()
    vms = await client.get_cluster_resources("vm")
    storages = await client.get_cluster_resources("storage")
    nodes = await client.get_cluster_resources(type="node")
    assert {r.type for r in vms} == {"qemu", "lxc"}
    assert {r.vmid for r in vms} == set(simulator.cluster.guests)
    assert {r.type for r in storages} == {"storage"}
    assert _ids(nodes) == {"node/pve1", "node/pve2", "node/pve3"}
    assert _ids(vms) | _ids(storages) | _ids(nodes) <= _ids(everything)
    vm100 = next(r for r in vms if r.vmid == 100)
    assert (vm100.node, vm100.name, vm100.pool, vm100.hastate) == ("pve1", "homeassistant", "prod", "started")
    nfs = next(r for r in storages if r.storage == "nfs-backup")
    assert nfs.shared is True
    assert nfs.content == ("backup",)
    assert simulator.counters["/cluster/resources"] == 4


async def test_cluster_status(client: PveClient) -> None:
    status = await client.get_cluster_status()
    assert status.is_cluster
    assert (status.name, status.quorate) == ("homelab", True)
    assert status.version is not None
    assert [node.name for node in status.nodes] == ["pve1", "pve2", "pve3"]
    assert [node.local for node in status.nodes] == [True, False, False]


async def test_quorum_lost(client: PveClient, simulator: Simulator) -> None:
    simulator.cluster.set_quorate(False)
    assert (await client.get_cluster_status()).quorate is False


async def test_standalone(simulator_factory: SimulatorFactory, make_client: ClientFactory) -> None:
    sim = await simulator_factory("standalone")
    client = make_client(sim)
    status = await client.get_cluster_status()
    assert (status.name, status.quorate, status.is_cluster) == (None, None, False)
    assert [node.name for node in status.nodes] == ["pve"]
    assert [guest.vmid for guest in await client.get_qemu_guests("pve")] == [100, 102, 104]


async def test_storages(client: PveClient, simulator: Simulator) -> None:
    storages = {storage.storage: storage for storage in await client.get_storages("pve3")}
    assert set(storages) == {"local", "local-lvm", "nfs-backup", "cephfs"}
    local = storages["local"]
    assert local.node == "pve3"
    assert local.type == "dir"
    assert local.content == ("backup", "iso", "vztmpl")
    assert local.shared is False
    assert local.active is True
    assert local.total == simulator.cluster.storages["local"].total
    assert local.used is not None
    assert local.avail == local.total - local.used
    assert local.used_fraction == pytest.approx(local.used / local.total, abs=1e-5)
    assert storages["nfs-backup"].shared is True


async def test_tasks(client: PveClient, simulator: Simulator) -> None:
    tasks = await client.get_tasks("pve1")
    assert tasks
    assert len(tasks) <= 50
    assert all(task.type == "vzdump" and task.node == "pve1" for task in tasks)
    assert [task.starttime for task in tasks] == sorted((task.starttime for task in tasks), reverse=True)
    assert all(task.succeeded is not None for task in tasks)  # source archive: finished tasks
    assert len(await client.get_tasks("pve1", limit=2)) == 2
    newest = tasks[0].starttime
    assert all(task.starttime >= newest for task in await client.get_tasks("pve1", since=newest))


async def test_tasks_running_and_other_types(client: PveClient, simulator: Simulator) -> None:
    now = time.time()
    simulator.cluster.add_backup_task("pve2", 101, ok=True, when=now - 5, running=True)
    simulator.cluster.add_task("pve2", "qmstart", "104", now - 2)
    archive = await client.get_tasks("pve2")
    assert all(not task.running for task in archive)
    running = await client.get_tasks("pve2", source="active")
    assert [(task.id, task.running, task.succeeded) for task in running] == [("101", True, None)]
    everything = await client.get_tasks("pve2", typefilter=None, source="all", limit=500)
    assert {"qmstart", "vzdump"} <= {task.type for task in everything}


async def test_failed_backup_task(client: PveClient, simulator: Simulator) -> None:
    model = simulator.cluster.guests[112]
    failed = [task for task in await client.get_tasks(model.node, limit=500) if task.id == "112"]
    assert failed
    assert failed[0].succeeded is False
    assert failed[0].status == "job errors"


async def test_backup_volumes_hidden_from_pve_auditor(client: PveClient, simulator: Simulator) -> None:
    """Datastore.Audit is enough to ask; without the backup rights every volume is filtered out."""
    assert await client.get_backup_volumes("pve1", "nfs-backup") == []
    assert simulator.counters["/nodes/{node}/storage/{storage}/content"] == 1


async def test_backup_volumes(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.grant_privilege("/storage", "Datastore.AllocateSpace")
    simulator.faults.grant_privilege("/vms", "VM.Backup")
    now = time.time()
    simulator.cluster.add_backup_task("pve2", None, True, now - 600, duration=300, vmids=(101, 128))
    volumes = await client.get_backup_volumes("pve2", "nfs-backup", timeout=5)
    model = simulator.cluster.volumes_on(simulator.cluster.storages["nfs-backup"], "pve2")
    assert [volume.volid for volume in volumes] == [volume.volid for volume in model]
    assert all(volume.storage == "nfs-backup" and volume.node == "pve2" for volume in volumes)
    newest = max((volume for volume in volumes if volume.vmid == 128), key=lambda volume: volume.ctime)
    assert newest.ctime == int(now - 600 + 150)  # second in the job
    guest = simulator.cluster.guests[128]
    assert (newest.guest_type, newest.format, newest.notes, newest.protected) == (
        guest.type,
        "vma.zst" if guest.type == "qemu" else "tar.zst",
        guest.name,
        False,
    )
    assert newest.size is not None
    assert 0 < newest.size < guest.maxdisk
    assert await client.get_backup_volumes("pve2", "local") == []  # the jobs write to nfs-backup


async def test_backup_volumes_errors(client: PveClient, simulator: Simulator) -> None:
    simulator.faults.remove_privilege("/storage/cephfs", "Datastore.Audit")
    with pytest.raises(PvePermissionError) as err:
        await client.get_backup_volumes("pve1", "cephfs")
    assert (err.value.path, err.value.privilege) == (
        "/storage/cephfs",
        "Datastore.Audit|Datastore.AllocateSpace",
    )
    simulator.faults.node_offline("pve3")
    with pytest.raises(PveNodeUnreachableError):
        await client.get_backup_volumes("pve3", "local")


async def test_backup_jobs(client: PveClient) -> None:
    daily, offsite = await client.get_backup_jobs()
    assert (daily.id, daily.enabled, daily.all, daily.exclude, daily.storage) == (
        "backup-daily",
        True,
        True,
        (128,),
        "nfs-backup",
    )
    assert daily.schedule == "02:00"
    assert daily.next_run is not None
    assert daily.next_run > time.time()
    assert (offsite.enabled, offsite.vmids, offsite.comment) == (False, (100, 101), "offsite")


async def test_not_backed_up(client: PveClient, simulator: Simulator) -> None:
    missing = await client.get_not_backed_up()
    assert [(entry.vmid, entry.type, entry.name) for entry in missing] == [(128, "qemu", "dev-box")]
    simulator.cluster.add_guest("pve1", 200, "lxc", "fresh")
    assert {entry.vmid for entry in await client.get_not_backed_up()} == {128}  # "all" covers it


async def test_ha_status(client: PveClient) -> None:
    entries = {entry.id: entry for entry in await client.get_ha_status()}
    assert entries["quorum"].quorate is True
    assert entries["master"].node == "pve1"
    service = entries["service:vm:100"]
    assert (service.type, service.sid, service.state, service.request_state) == (
        "service",
        "vm:100",
        "started",
        "started",
    )


async def test_permissions(client: PveClient, simulator: Simulator) -> None:
    permissions = await client.get_permissions()
    assert permissions.has("/nodes/pve1", "Sys.Audit")
    assert permissions.has("/vms/100", "VM.Audit")
    assert not permissions.has("/", "Sys.Modify")
    simulator.faults.remove_privilege("/nodes/pve2", "Sys.Audit")
    one = await client.get_permissions("/nodes/pve2")
    assert set(one.paths) == {"/nodes/pve2"}
    assert not one.has("/nodes/pve2", "Sys.Audit")
    assert one.has("/nodes/pve2", "VM.Audit")


async def test_plain_http(simulator_factory: SimulatorFactory, make_client: ClientFactory) -> None:
    sim = await simulator_factory("standalone", tls=False)
    client = make_client(sim)
    assert str(client.base_url) == f"http://127.0.0.1:{sim.port}/api2/json"
    assert (await client.get_version()).version
