"""JSON -> models (``pve/parsing.py``) on answers of Proxmox VE 7, 8 and 9, and on broken ones."""

from __future__ import annotations

import copy
import logging
import math

import pytest

from custom_components.proxmox_live.pve import parsing
from custom_components.proxmox_live.pve.errors import (
    PveAuthenticationError,
    PveInvalidResponseError,
    PveTwoFactorRequiredError,
)
from custom_components.proxmox_live.pve.models import (
    BackupJob,
    BackupVolume,
    ClusterNode,
    Guest,
    NodeListEntry,
    NotBackedUp,
    Storage,
)

from . import samples


def test_version() -> None:
    version = parsing.parse_version(samples.VERSION)
    assert (version.version, version.release, version.repoid) == ("9.0.10", "9.0", "49c767b70aeb6648")
    with pytest.raises(PveInvalidResponseError, match="field 'repoid' is missing"):
        parsing.parse_version({"version": "9.0.10", "release": "9.0"})
    with pytest.raises(PveInvalidResponseError, match="expected an object"):
        parsing.parse_version(None)


def test_ticket() -> None:
    ticket = parsing.parse_ticket(samples.TICKET)
    assert ticket.ticket == samples.TICKET["ticket"]
    assert ticket.csrf_token == samples.TICKET["CSRFPreventionToken"]
    assert ticket.username == "homeassistant@pve"
    assert ticket.clustername == "homelab"
    assert parsing.parse_ticket({**samples.TICKET, "NeedTFA": 0}).ticket == samples.TICKET["ticket"]


@pytest.mark.parametrize("need_tfa", [1, True, "1", "yes-ish"])
def test_ticket_two_factor_is_an_authentication_error(need_tfa: object) -> None:
    partial = {
        **samples.TICKET,
        "ticket": "PVE:homeassistant@pve:66000000::!tfa!secretpart",
        "NeedTFA": need_tfa,
    }
    with pytest.raises(PveTwoFactorRequiredError, match="two-factor") as err:
        parsing.parse_ticket(partial)
    assert isinstance(err.value, PveAuthenticationError)
    assert "secretpart" not in str(err.value)


def test_ticket_missing_csrf_token() -> None:
    with pytest.raises(PveInvalidResponseError, match="CSRFPreventionToken"):
        parsing.parse_ticket({"ticket": "x", "username": "u@pve"})


def test_nodes_online_and_offline() -> None:
    online, offline = parsing.parse_nodes(samples.NODES)
    assert online == NodeListEntry(
        node="pve1",
        status="online",
        cpu=0.05,
        maxcpu=16,
        mem=20000000000,
        maxmem=67108864000,
        uptime=123456,
        ssl_fingerprint="AB:" * 31 + "AB",
    )
    assert offline == NodeListEntry(node="pve2", status="offline")


def test_nodes_status_missing_is_unknown() -> None:
    assert parsing.parse_nodes([{"node": "pve3"}]) == [NodeListEntry(node="pve3", status="unknown")]


def test_node_status_pve9() -> None:
    status = parsing.parse_node_status(samples.NODE_STATUS_PVE9, "pve1")
    assert status.node == "pve1"
    assert status.cpu == 0.0412
    assert status.iowait == 0.0021
    assert status.loadavg == (0.16, 0.10, 0.02)
    assert (status.memory_total, status.memory_used) == (67108864000, 20000000000)
    assert (status.memory_free, status.memory_available) == (30000000000, 45000000000)
    assert (status.swap_total, status.swap_used) == (8589934592, 1048576)
    assert (status.rootfs_total, status.rootfs_used, status.rootfs_avail) == (
        100000000000,
        25000000000,
        70000000000,
    )
    assert status.uptime == 123456
    assert status.cpu_count == 16
    assert status.cpu_model == "AMD Ryzen 7 5800X"
    assert status.kernel_release == "6.14.8-2-pve"
    assert status.pveversion == "pve-manager/9.0.10/49c767b70aeb6648"


def test_node_status_pve7_without_current_kernel_and_available() -> None:
    status = parsing.parse_node_status(samples.NODE_STATUS_PVE7, "pve")
    assert status.kernel_release == "5.15.102-1-pve"
    assert status.memory_available is None
    assert status.memory_free == 11345686528
    assert status.swap_total == 0
    assert status.cpu_count == 4


def test_node_status_minimal() -> None:
    data = {
        "cpu": 0,
        "loadavg": [0.5, "1", 2],
        "memory": {"total": 1, "used": 0},
        "rootfs": {"total": 1, "used": 0},
        "pveversion": "pve-manager/8.2.4/faa83925c9641325",
    }
    status = parsing.parse_node_status(data, "n")
    assert status.loadavg == (0.5, 1.0, 2.0)
    assert status.swap_total is None
    assert status.cpu_count is None
    assert status.kernel_release is None
    assert status.iowait is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"cpu": "fake"}, "field 'cpu' is not a valid number"),
        ({"cpu": math.nan}, "field 'cpu'"),
        ({"cpu": -0.1}, "field 'cpu'"),
        ({"cpu": None}, "field 'cpu' is missing"),
        ({"loadavg": ["0.1", "0.2"]}, "loadavg"),
        ({"loadavg": "0.1 0.2 0.3"}, "loadavg"),
        ({"loadavg": ["0.1", "x", "0.3"]}, "loadavg"),
        ({"memory": None}, "field 'memory' is missing"),
        ({"memory": {"total": 5}}, "memory: field 'used' is missing"),
        ({"rootfs": {"total": -5, "used": 1}}, "rootfs: field 'total'"),
        ({"pveversion": 9}, "pveversion"),
    ],
)
def test_node_status_invalid_required_fields(change: dict[str, object], problem: str) -> None:
    data = {**copy.deepcopy(samples.NODE_STATUS_PVE9), **change}
    with pytest.raises(PveInvalidResponseError, match=problem):
        parsing.parse_node_status(data, "pve1")


def test_node_status_invalid_optional_fields_become_none() -> None:
    data = copy.deepcopy(samples.NODE_STATUS_PVE9)
    data.update(wait=math.inf, uptime=-5)
    data["memory"]["available"] = "fake"
    data["swap"] = "broken"
    data["cpuinfo"] = {"cpus": 0, "model": 5}
    data["current-kernel"] = {"release": None}
    del data["kversion"]
    status = parsing.parse_node_status(data, "pve1")
    assert status.iowait is None
    assert status.uptime is None
    assert status.memory_available is None
    assert status.swap_total is None
    assert status.cpu_count is None
    assert status.cpu_model is None
    assert status.kernel_release is None


def test_qemu_guests() -> None:
    running, template = parsing.parse_guests(samples.QEMU_LIST_PVE8, "pve1", "qemu")
    assert running == Guest(
        vmid=100,
        type="qemu",
        node="pve1",
        status="running",
        name="homeassistant",
        cpu=0.0312,
        cpus=2.0,
        mem=2147483648,
        maxmem=4294967296,
        disk=0,
        maxdisk=34359738368,
        netin=123456789,
        netout=98765432,
        diskread=0,
        diskwrite=0,
        uptime=86400,
        pid=1234,
        tags=("prod", "ha"),
    )
    assert template.template is True
    assert template.status == "stopped"
    assert template.pid is None


def test_lxc_guests_pve7_strings() -> None:
    running, stopped = parsing.parse_guests(samples.LXC_LIST_PVE7, "pve2", "lxc")
    assert running.vmid == 101
    assert running.type == "lxc"
    assert running.node == "pve2"
    assert running.cpus == 2.0
    assert running.pid == 4242
    assert running.tags == ("dns", "infra")
    assert running.lock is None
    assert running.template is False
    assert running.qmpstatus is None
    assert stopped == Guest(
        vmid=102, type="lxc", node="pve2", status="stopped", name="stopped-ct", maxmem=536870912
    )


def test_lxc_guests_pve9() -> None:
    (guest,) = parsing.parse_guests(samples.LXC_LIST_PVE9, "pve1", "lxc")
    assert guest.vmid == 101
    assert guest.disk == 1234567890
    assert guest.diskread == 3000


def test_qemu_numbers_as_strings_are_rejected_but_vmid_is_accepted() -> None:
    (guest,) = parsing.parse_guests([{"vmid": "100", "status": "running", "mem": "123"}], "n", "qemu")
    assert guest.vmid == 100
    assert guest.mem is None


def test_guest_status_current() -> None:
    guest = parsing.parse_guest_status(samples.QEMU_STATUS_CURRENT, "pve1", "qemu", 100)
    assert guest.qmpstatus == "running"
    assert guest.agent is True
    assert guest.ha_state == "started"
    assert guest.diskwrite == 4
    stopped = parsing.parse_guest_status(samples.LXC_STATUS_CURRENT_STOPPED, "pve1", "lxc", 102)
    assert stopped.ha_state is None
    assert stopped.agent is None
    assert stopped.cpu is None


def test_guest_status_vmid_comes_from_the_request() -> None:
    data = {k: v for k, v in samples.QEMU_STATUS_CURRENT.items() if k != "vmid"}
    assert parsing.parse_guest_status(data, "pve1", "qemu", 100).vmid == 100
    with pytest.raises(PveInvalidResponseError, match="status"):
        parsing.parse_guest_status({"vmid": 100}, "pve1", "qemu", 100)


def test_one_bad_guest_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    data = [*copy.deepcopy(samples.QEMU_LIST_PVE8), {"vmid": "fake", "status": "running"}, "nonsense", None]
    with caplog.at_level(logging.DEBUG, logger=parsing.__name__):
        guests = parsing.parse_guests(data, "pve1", "qemu")
    assert [guest.vmid for guest in guests] == [100, 9000]
    assert "Skipped 3 unusable entries" in caplog.text


def test_guests_with_no_usable_entry_raise() -> None:
    with pytest.raises(PveInvalidResponseError, match="no usable entry"):
        parsing.parse_guests([{"status": "running"}, {"vmid": None}], "pve1", "qemu")


@pytest.mark.parametrize("data", [None, {}, "[]", 5, {"data": []}])
def test_list_endpoints_reject_a_wrong_shape(data: object) -> None:
    for parse in (
        parsing.parse_nodes,
        parsing.parse_cluster_resources,
        parsing.parse_cluster_status,
        parsing.parse_backup_jobs,
        parsing.parse_not_backed_up,
        parsing.parse_ha_status,
        lambda d: parsing.parse_guests(d, "n", "lxc"),
        lambda d: parsing.parse_storages(d, "n"),
        lambda d: parsing.parse_tasks(d, "n"),
        lambda d: parsing.parse_backup_volumes(d, "n", "s"),
    ):
        with pytest.raises(PveInvalidResponseError, match="expected an array"):
            parse(data)


def test_empty_lists_are_fine() -> None:
    assert parsing.parse_guests([], "n", "qemu") == []
    assert parsing.parse_cluster_resources([]) == []


def test_cluster_resources() -> None:
    resources = {r.id: r for r in parsing.parse_cluster_resources(samples.CLUSTER_RESOURCES)}
    assert set(resources) == {
        "node/pve1",
        "node/pve2",
        "qemu/100",
        "lxc/101",
        "storage/pve1/local",
        "pool/core",
    }
    vm = resources["qemu/100"]
    assert (vm.type, vm.vmid, vm.node, vm.name, vm.status) == (
        "qemu",
        100,
        "pve1",
        "homeassistant",
        "running",
    )
    assert (vm.cpu, vm.maxcpu, vm.mem, vm.maxmem, vm.uptime) == (0.03, 2.0, 1, 2, 8)
    assert vm.tags == ("prod", "ha")
    assert (vm.hastate, vm.pool, vm.template) == ("started", "core", False)
    assert resources["node/pve2"].cpu is None
    assert resources["lxc/101"].lock == "backup"
    storage = resources["storage/pve1/local"]
    assert storage.content == ("iso", "vztmpl", "backup")
    assert (storage.shared, storage.plugintype, storage.storage) == (False, "dir", "local")


def test_cluster_status_cluster() -> None:
    status = parsing.parse_cluster_status(samples.CLUSTER_STATUS)
    assert (status.name, status.quorate, status.version, status.is_cluster) == ("homelab", True, 5, True)
    assert status.nodes == (
        ClusterNode(name="pve1", online=True, nodeid=1, local=True, ip="192.0.2.11", level=None),
        ClusterNode(name="pve2", online=False, nodeid=2, local=False, ip="192.0.2.12"),
    )


def test_cluster_status_standalone() -> None:
    status = parsing.parse_cluster_status(samples.STANDALONE_STATUS)
    assert (status.name, status.quorate, status.version, status.is_cluster) == (None, None, None, False)
    assert [node.name for node in status.nodes] == ["pve"]
    assert parsing.parse_cluster_status([]).nodes == ()


def test_cluster_status_broken_entries() -> None:
    with pytest.raises(PveInvalidResponseError, match=r"cluster status\[cluster\]: field 'name'"):
        parsing.parse_cluster_status([{"type": "cluster", "quorate": 1}, *samples.STANDALONE_STATUS])
    with pytest.raises(PveInvalidResponseError, match="neither a cluster nor a node"):
        parsing.parse_cluster_status([1, "x", {"type": "qdevice"}])
    status = parsing.parse_cluster_status([*samples.CLUSTER_STATUS, {"type": "node", "name": "pve3"}, 7])
    assert [node.name for node in status.nodes] == ["pve1", "pve2"]
    assert parsing.parse_cluster_status([{"type": "cluster", "name": "c", "quorate": "?"}]).quorate is None


def test_storages() -> None:
    local, nfs = parsing.parse_storages(samples.STORAGES, "pve1")
    assert local == Storage(
        storage="local",
        node="pve1",
        type="dir",
        content=("vztmpl", "iso", "backup"),
        shared=False,
        active=True,
        enabled=True,
        total=100,
        used=25,
        avail=75,
        used_fraction=0.25,
    )
    assert nfs.shared is True
    assert nfs.active is False
    assert nfs.total is None


def test_tasks() -> None:
    done, running, failed = parsing.parse_tasks(samples.TASKS, "pve1")
    assert done.succeeded is True
    assert done.running is False
    assert (done.id, done.type, done.user, done.starttime, done.endtime) == (
        "100",
        "vzdump",
        "root@pam",
        1711276032,
        1711276100,
    )
    assert (done.pid, done.pstart) == (4660, 43981)
    assert running.running is True
    assert running.succeeded is None
    assert running.id == ""
    assert failed.succeeded is False
    assert failed.status == "job errors"


def test_task_without_node_gets_the_requested_one() -> None:
    entry = {k: v for k, v in samples.TASKS[0].items() if k not in ("node", "id")}
    (task,) = parsing.parse_tasks([entry], "pve9")
    assert task.node == "pve9"
    assert task.id == ""


def test_backup_jobs() -> None:
    weekly, daily, old = parsing.parse_backup_jobs(samples.BACKUP_JOBS)
    assert weekly == BackupJob(
        id="backup-1a2b3c4d-5e6f",
        enabled=True,
        schedule="sun 01:00",
        storage="nfs-backup",
        all=True,
        exclude=(9000, 9001),
        next_run=1711846800,
        comment="weekly",
    )
    assert daily.enabled is False
    assert daily.vmids == (100, 101)
    assert daily.node == "pve1"
    assert daily.next_run is None
    assert old.schedule == "mon,tue 02:30"
    assert old.pool == "core"
    assert old.enabled is True
    (no_dow,) = parsing.parse_backup_jobs([{"id": "b", "starttime": "03:00"}])
    assert no_dow.schedule == "03:00"
    (single,) = parsing.parse_backup_jobs([{"id": "c", "vmid": 105}])
    assert single.vmids == (105,)


def test_backup_volumes() -> None:
    qemu, lxc, pbs, openvz = parsing.parse_backup_volumes(samples.BACKUP_VOLUMES, "pve1", "nfs-backup")
    assert qemu == BackupVolume(
        volid="nfs-backup:backup/vzdump-qemu-100-2024_03_24-02_00_05.vma.zst",
        storage="nfs-backup",
        node="pve1",
        ctime=1711245605,
        vmid=100,
        size=2147483648,
        format="vma.zst",
        notes="homeassistant",
        protected=True,
    )
    assert qemu.guest_type == "qemu"
    assert (lxc.vmid, lxc.guest_type, lxc.notes, lxc.protected) == (101, "lxc", None, False)  # vmid as text
    assert (pbs.vmid, pbs.guest_type, pbs.format) == (102, "lxc", "pbs-ct")  # PBS: ct/<vmid>/<time>
    assert (openvz.vmid, openvz.guest_type, openvz.size) == (None, None, None)  # the name tells no type
    vm = BackupVolume(volid="pbs:backup/vm/100/2024-03-24T02:00:00Z", storage="pbs", node="n", ctime=1)
    assert vm.guest_type == "qemu"


def test_backup_volumes_skip_what_is_not_a_usable_backup(caplog: pytest.LogCaptureFixture) -> None:
    good = samples.BACKUP_VOLUMES[0]
    data = [
        {**good, "content": "iso", "volid": "nfs-backup:iso/debian.iso"},  # a server ignoring the filter
        {k: v for k, v in good.items() if k != "ctime"},
        {**good, "ctime": -5},
        {**good, "volid": ""},
        "junk",
        {**good, "vmid": "abc", "size": "big", "protected": "maybe", "notes": 17},
    ]
    with caplog.at_level(logging.DEBUG, logger="custom_components.proxmox_live.pve.parsing"):
        (volume,) = parsing.parse_backup_volumes(data, "pve1", "nfs-backup")
    assert "Skipped 4 unusable entries" in caplog.text
    assert (volume.vmid, volume.size, volume.protected, volume.notes) == (None, None, False, "17")
    assert parsing.parse_backup_volumes([], "pve1", "nfs-backup") == []
    assert parsing.parse_backup_volumes([{**good, "content": "iso"}], "pve1", "nfs-backup") == []
    with pytest.raises(PveInvalidResponseError, match="backup volumes of nfs-backup on pve1: no usable"):
        parsing.parse_backup_volumes([{"volid": "x"}], "pve1", "nfs-backup")


def test_not_backed_up() -> None:
    assert parsing.parse_not_backed_up(samples.NOT_BACKED_UP) == [
        NotBackedUp(vmid=103, type="qemu", name="scratch"),
        NotBackedUp(vmid=104, type="lxc"),
    ]
    assert parsing.parse_not_backed_up([{"vmid": 1, "type": "openvz"}, {"vmid": 2, "type": "lxc"}]) == [
        NotBackedUp(vmid=2, type="lxc")
    ]


def test_ha_status() -> None:
    quorum, master, lrm, service = parsing.parse_ha_status(samples.HA_STATUS)
    assert quorum.quorate is True
    assert quorum.status == "OK"
    assert master.type == "master"
    assert lrm.id == "lrm:pve1"
    assert (service.sid, service.state, service.crm_state, service.request_state, service.node) == (
        "vm:100",
        "started",
        "started",
        "started",
        "pve1",
    )


def test_permissions() -> None:
    permissions = parsing.parse_permissions(samples.PERMISSIONS)
    assert permissions.paths == {
        "/": {"Sys.Audit": True, "VM.Audit": True, "Datastore.Audit": True},
        "/nodes/pve1": {"Sys.Audit": False},
        "/vms/100": {"VM.Audit": True, "VM.PowerMgmt": True},
    }
    assert permissions.has("/nodes/pve1", "Sys.Audit")
    assert permissions.has("/vms/200", "VM.Audit")
    assert not permissions.has("/vms/100", "VM.Allocate")
    with pytest.raises(PveInvalidResponseError, match="permissions: expected an object"):
        parsing.parse_permissions([])
