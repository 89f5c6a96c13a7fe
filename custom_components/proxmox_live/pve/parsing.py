"""Turn the ``data`` of Proxmox VE answers into the typed models of :mod:`.models`.

Every parser takes the raw JSON value and either returns models or raises
:class:`PveInvalidResponseError`; no other exception leaves this module.

Policy for list endpoints: an entry that is not usable (not an object, a required field missing or
invalid) is skipped and logged at debug level, so one odd guest does not blank a whole node. A
non-empty list of which *no* entry is usable is a wrong shape and raises, as does a value that is
not a list at all. Optional fields with an unusable value (wrong type, NaN, negative byte count)
become None; required ones make the entry (or, for single-object answers, the answer) invalid.
"""

from __future__ import annotations

from collections.abc import Callable
import logging

from .errors import PveInvalidResponseError, PveTwoFactorRequiredError
from .models import (
    BackupJob,
    BackupVolume,
    ClusterNode,
    ClusterResource,
    ClusterStatus,
    Guest,
    GuestType,
    HaResourceStatus,
    NodeListEntry,
    NodeStatus,
    NotBackedUp,
    Permissions,
    Storage,
    Task,
    Ticket,
    Version,
)
from .values import Record, to_bool, to_float, type_name

_LOGGER = logging.getLogger(__name__)

GUEST_TYPES: tuple[GuestType, ...] = ("qemu", "lxc")


def parse_list[T](data: object, parse_entry: Callable[[Record], T], what: str) -> list[T]:
    """Parse every usable entry of a JSON array (see the module docstring for the policy)."""
    if not isinstance(data, list):
        raise PveInvalidResponseError(f"{what}: expected an array, got {type_name(data)}")
    parsed: list[T] = []
    problems: list[str] = []
    for index, raw in enumerate(data):
        try:
            parsed.append(parse_entry(Record(raw, f"{what}[{index}]")))
        except PveInvalidResponseError as err:
            problems.append(str(err))
    if problems:
        if not parsed:
            raise PveInvalidResponseError(f"{what}: no usable entry; first problem: {problems[0]}")
        _LOGGER.debug("Skipped %d unusable entries of %s: %s", len(problems), what, "; ".join(problems[:5]))
    return parsed


# --- access -------------------------------------------------------------------------------------


def parse_ticket(data: object) -> Ticket:
    """``POST /access/ticket``.

    Raises :class:`PveTwoFactorRequiredError` (an authentication error, not a parsing one) when the
    answer is a two-factor challenge (``NeedTFA``) instead of a full ticket.
    """
    rec = Record(data, "access ticket")
    if rec.has("NeedTFA") and rec.opt_flag("NeedTFA") is not False:
        # Never quote the answer: it holds a (partial) ticket.
        raise PveTwoFactorRequiredError(
            "The user requires two-factor authentication, which this client cannot answer: use an API token"
        )
    return Ticket(
        ticket=rec.text("ticket"),
        csrf_token=rec.text("CSRFPreventionToken"),
        username=rec.text("username"),
        clustername=rec.opt_text("clustername"),
    )


def parse_permissions(data: object) -> Permissions:
    """``GET /access/permissions``: ``{path: {privilege: 0|1}}``; unusable items are ignored."""
    if not isinstance(data, dict):
        raise PveInvalidResponseError(f"permissions: expected an object, got {type_name(data)}")
    paths: dict[str, dict[str, bool]] = {}
    for path, privileges in data.items():
        if not isinstance(path, str) or not isinstance(privileges, dict):
            continue
        parsed: dict[str, bool] = {}
        for privilege, propagate in privileges.items():
            flag = to_bool(propagate)
            if isinstance(privilege, str) and privilege and flag is not None:
                parsed[privilege] = flag
        paths[path] = parsed
    return Permissions(paths=paths)


# --- version and nodes --------------------------------------------------------------------------


def parse_version(data: object) -> Version:
    """``GET /version``."""
    rec = Record(data, "version")
    return Version(version=rec.text("version"), release=rec.text("release"), repoid=rec.text("repoid"))


def _node_list_entry(rec: Record) -> NodeListEntry:
    return NodeListEntry(
        node=rec.text("node"),
        status=rec.opt_text("status") or "unknown",
        cpu=rec.opt_number("cpu"),
        maxcpu=rec.opt_integer("maxcpu", minimum=1),
        mem=rec.opt_integer("mem"),
        maxmem=rec.opt_integer("maxmem"),
        uptime=rec.opt_integer("uptime"),
        ssl_fingerprint=rec.opt_text("ssl_fingerprint"),
    )


def parse_nodes(data: object) -> list[NodeListEntry]:
    """``GET /nodes``. Offline nodes carry only ``node`` and ``status``."""
    return parse_list(data, _node_list_entry, "nodes")


def _loadavg(rec: Record) -> tuple[float, float, float]:
    raw = rec.get("loadavg")
    if not isinstance(raw, list) or len(raw) != 3:
        rec.fail("loadavg", "is not a list of three load averages")
    one, five, fifteen = (to_float(value, strings=True) for value in raw)
    if one is None or five is None or fifteen is None:
        rec.fail("loadavg", "holds a value that is not a valid number")
    return (one, five, fifteen)


def parse_node_status(data: object, node: str) -> NodeStatus:
    """``GET /nodes/{node}/status`` (``node`` is the node asked for)."""
    rec = Record(data, f"status of node {node}")
    memory = rec.child("memory") or rec.fail("memory", "is missing")
    rootfs = rec.child("rootfs") or rec.fail("rootfs", "is missing")
    swap = rec.child("swap")
    cpuinfo = rec.child("cpuinfo")
    kernel = rec.child("current-kernel")
    kernel_release = kernel.opt_text("release") if kernel else None
    if kernel_release is None:
        # Before PVE 8.1: "kversion": "Linux 6.2.16-3-pve #1 SMP PREEMPT_DYNAMIC ..."
        kversion = (rec.opt_text("kversion") or "").split()
        kernel_release = kversion[1] if len(kversion) > 1 else None
    return NodeStatus(
        node=node,
        cpu=rec.number("cpu"),
        loadavg=_loadavg(rec),
        memory_total=memory.integer("total"),
        memory_used=memory.integer("used"),
        rootfs_total=rootfs.integer("total"),
        rootfs_used=rootfs.integer("used"),
        pveversion=rec.text("pveversion"),
        iowait=rec.opt_number("wait"),
        memory_free=memory.opt_integer("free"),
        memory_available=memory.opt_integer("available"),
        swap_total=swap.opt_integer("total") if swap else None,
        swap_used=swap.opt_integer("used") if swap else None,
        rootfs_avail=rootfs.opt_integer("avail"),
        uptime=rec.opt_integer("uptime"),
        cpu_count=cpuinfo.opt_integer("cpus", minimum=1) if cpuinfo else None,
        cpu_model=cpuinfo.opt_text("model") if cpuinfo else None,
        kernel_release=kernel_release,
    )


# --- guests -------------------------------------------------------------------------------------


def _guest(rec: Record, *, node: str, guest_type: GuestType, vmid: int | None = None) -> Guest:
    # LXC values were Perl strings in PVE 7 (vmid until 2024, also cpus, maxswap, ...): accept them.
    strings = guest_type == "lxc"
    if vmid is None:
        vmid = rec.integer("vmid", strings=True, minimum=1)
    ha = rec.child("ha")
    return Guest(
        vmid=vmid,
        type=guest_type,
        node=node,
        status=rec.text("status"),
        name=rec.opt_text("name", numbers=True),
        cpu=rec.opt_number("cpu", strings=strings),
        cpus=rec.opt_number("cpus", strings=strings),
        mem=rec.opt_integer("mem", strings=strings),
        maxmem=rec.opt_integer("maxmem", strings=strings),
        disk=rec.opt_integer("disk", strings=strings),
        maxdisk=rec.opt_integer("maxdisk", strings=strings),
        netin=rec.opt_integer("netin", strings=strings),
        netout=rec.opt_integer("netout", strings=strings),
        diskread=rec.opt_integer("diskread", strings=strings),
        diskwrite=rec.opt_integer("diskwrite", strings=strings),
        uptime=rec.opt_integer("uptime", strings=strings),
        template=bool(rec.opt_flag("template")),
        tags=rec.words("tags"),
        lock=rec.opt_text("lock"),
        qmpstatus=rec.opt_text("qmpstatus") if guest_type == "qemu" else None,
        pid=rec.opt_integer("pid", strings=True, minimum=1),
        ha_state=ha.opt_text("state") if ha else None,
        agent=rec.opt_flag("agent") if guest_type == "qemu" else None,
    )


def parse_guests(data: object, node: str, guest_type: GuestType) -> list[Guest]:
    """``GET /nodes/{node}/qemu`` or ``/lxc``: ``node`` is filled in from the request."""
    return parse_list(
        data, lambda rec: _guest(rec, node=node, guest_type=guest_type), f"{guest_type} guests of {node}"
    )


def parse_guest_status(data: object, node: str, guest_type: GuestType, vmid: int) -> Guest:
    """``.../{vmid}/status/current``: the VMID asked for is authoritative (old releases omit it)."""
    rec = Record(data, f"status of {guest_type} {vmid}")
    return _guest(rec, node=node, guest_type=guest_type, vmid=vmid)


# --- cluster ------------------------------------------------------------------------------------


def _cluster_resource(rec: Record) -> ClusterResource:
    return ClusterResource(
        id=rec.text("id"),
        type=rec.text("type"),
        node=rec.opt_text("node"),
        vmid=rec.opt_integer("vmid", strings=True, minimum=1),
        name=rec.opt_text("name", numbers=True),
        status=rec.opt_text("status"),
        storage=rec.opt_text("storage"),
        cpu=rec.opt_number("cpu"),
        maxcpu=rec.opt_number("maxcpu"),
        mem=rec.opt_integer("mem"),
        maxmem=rec.opt_integer("maxmem"),
        disk=rec.opt_integer("disk"),
        maxdisk=rec.opt_integer("maxdisk"),
        diskread=rec.opt_integer("diskread"),
        diskwrite=rec.opt_integer("diskwrite"),
        netin=rec.opt_integer("netin"),
        netout=rec.opt_integer("netout"),
        uptime=rec.opt_integer("uptime"),
        template=bool(rec.opt_flag("template")),
        tags=rec.words("tags"),
        lock=rec.opt_text("lock"),
        pool=rec.opt_text("pool"),
        hastate=rec.opt_text("hastate"),
        shared=rec.opt_flag("shared"),
        content=rec.words("content"),
        plugintype=rec.opt_text("plugintype"),
    )


def parse_cluster_resources(data: object) -> list[ClusterResource]:
    """``GET /cluster/resources``."""
    return parse_list(data, _cluster_resource, "cluster resources")


def _cluster_node(rec: Record) -> ClusterNode:
    return ClusterNode(
        name=rec.text("name", numbers=True),
        online=rec.flag("online"),
        nodeid=rec.opt_integer("nodeid"),
        local=bool(rec.opt_flag("local")),
        ip=rec.opt_text("ip"),
        level=rec.opt_text("level"),
    )


def parse_cluster_status(data: object) -> ClusterStatus:
    """``GET /cluster/status``: a ``cluster`` entry (absent on a standalone host) plus ``node`` entries.

    A malformed ``cluster`` entry raises (it decides whether the host is a cluster at all);
    malformed node entries are skipped like any list entry, entries of other types are ignored.
    """
    if not isinstance(data, list):
        raise PveInvalidResponseError(f"cluster status: expected an array, got {type_name(data)}")
    cluster: Record | None = None
    node_entries: list[object] = []
    for raw in data:
        kind = raw.get("type") if isinstance(raw, dict) else None
        if kind == "cluster":
            cluster = Record(raw, "cluster status[cluster]")
        elif kind == "node":
            node_entries.append(raw)
    if data and cluster is None and not node_entries:
        raise PveInvalidResponseError("cluster status: neither a cluster nor a node entry")
    nodes = parse_list(node_entries, _cluster_node, "cluster status nodes") if node_entries else []
    return ClusterStatus(
        name=cluster.text("name", numbers=True) if cluster else None,
        quorate=cluster.opt_flag("quorate") if cluster else None,
        version=cluster.opt_integer("version") if cluster else None,
        nodes=tuple(nodes),
    )


def parse_storages(data: object, node: str) -> list[Storage]:
    """``GET /nodes/{node}/storage``: ``node`` is filled in from the request."""

    def entry(rec: Record) -> Storage:
        return Storage(
            storage=rec.text("storage"),
            node=node,
            type=rec.text("type"),
            content=rec.words("content"),
            shared=bool(rec.opt_flag("shared")),
            active=rec.opt_flag("active"),
            enabled=rec.opt_flag("enabled"),
            total=rec.opt_integer("total"),
            used=rec.opt_integer("used"),
            avail=rec.opt_integer("avail"),
            used_fraction=rec.opt_number("used_fraction"),
        )

    return parse_list(data, entry, f"storages of {node}")


def parse_tasks(data: object, node: str) -> list[Task]:
    """``GET /nodes/{node}/tasks``; an entry without ``node`` gets the node asked for."""

    def entry(rec: Record) -> Task:
        return Task(
            upid=rec.text("upid"),
            node=rec.opt_text("node") or node,
            type=rec.text("type"),
            id=rec.opt_text("id", numbers=True) or "",
            user=rec.text("user"),
            starttime=rec.integer("starttime", strings=True),
            pid=rec.opt_integer("pid", strings=True),
            pstart=rec.opt_integer("pstart", strings=True),
            endtime=rec.opt_integer("endtime", strings=True),
            status=rec.opt_text("status"),
        )

    return parse_list(data, entry, f"tasks of {node}")


# --- backup and HA ------------------------------------------------------------------------------


def _backup_job(rec: Record) -> BackupJob:
    schedule = rec.opt_text("schedule")
    if schedule is None and rec.has("starttime"):
        # PVE 6 style jobs: "dow" (default every day) and "starttime", as PVE 7 converts them.
        days = rec.opt_text("dow")
        schedule = f"{days} {rec.opt_text('starttime')}" if days else rec.opt_text("starttime")
    enabled = rec.opt_flag("enabled")
    return BackupJob(
        id=rec.text("id", numbers=True),
        enabled=True if enabled is None else enabled,
        schedule=schedule,
        storage=rec.opt_text("storage"),
        node=rec.opt_text("node"),
        all=bool(rec.opt_flag("all")),
        vmids=rec.vmids("vmid"),
        pool=rec.opt_text("pool"),
        exclude=rec.vmids("exclude"),
        next_run=rec.opt_integer("next-run", strings=True),
        comment=rec.opt_text("comment"),
    )


def parse_backup_jobs(data: object) -> list[BackupJob]:
    """``GET /cluster/backup``."""
    return parse_list(data, _backup_job, "backup jobs")


def parse_backup_volumes(data: object, node: str, storage: str) -> list[BackupVolume]:
    """``GET /nodes/{node}/storage/{storage}/content?content=backup``.

    ``node`` and ``storage`` are filled in from the request. Entries of another content type (a server
    ignoring the filter) are left out; a backup without a creation time is unusable and skipped.
    """

    def entry(rec: Record) -> BackupVolume:
        return BackupVolume(
            volid=rec.text("volid"),
            storage=storage,
            node=node,
            ctime=rec.integer("ctime", strings=True),
            vmid=rec.opt_integer("vmid", strings=True, minimum=1),
            size=rec.opt_integer("size"),
            format=rec.opt_text("format"),
            notes=rec.opt_text("notes", numbers=True),
            protected=bool(rec.opt_flag("protected")),
        )

    if isinstance(data, list):
        data = [raw for raw in data if not isinstance(raw, dict) or raw.get("content") in (None, "backup")]
    return parse_list(data, entry, f"backup volumes of {storage} on {node}")


def _not_backed_up(rec: Record) -> NotBackedUp:
    guest_type = rec.text("type")
    if guest_type not in GUEST_TYPES:
        rec.fail("type", "is neither qemu nor lxc")
    return NotBackedUp(
        vmid=rec.integer("vmid", strings=True, minimum=1),
        type="qemu" if guest_type == "qemu" else "lxc",
        name=rec.opt_text("name", numbers=True),
    )


def parse_not_backed_up(data: object) -> list[NotBackedUp]:
    """``GET /cluster/backup-info/not-backed-up``."""
    return parse_list(data, _not_backed_up, "guests not backed up")


def _ha_status(rec: Record) -> HaResourceStatus:
    return HaResourceStatus(
        id=rec.text("id"),
        type=rec.text("type"),
        status=rec.text("status", empty=True),
        node=rec.opt_text("node"),
        sid=rec.opt_text("sid"),
        state=rec.opt_text("state"),
        crm_state=rec.opt_text("crm_state"),
        request_state=rec.opt_text("request_state"),
        quorate=rec.opt_flag("quorate"),
    )


def parse_ha_status(data: object) -> list[HaResourceStatus]:
    """``GET /cluster/ha/status/current``."""
    return parse_list(data, _ha_status, "HA status")
