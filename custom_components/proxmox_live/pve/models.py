"""Typed models of the Proxmox VE API answers the client reads.

All models are frozen dataclasses, so they compare by value: a coordinator with
``always_update=False`` notifies its listeners only when something really changed.
Byte values are ``int``; ``cpu`` values are fractions (0.0-1.0) as the API gives them.
Fields that the API may omit (offline nodes, stopped guests, older releases) are optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Literal

type GuestType = Literal["qemu", "lxc"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Version:
    """``GET /version``."""

    version: str
    release: str
    repoid: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Ticket:
    """``POST /access/ticket``: a login ticket and its CSRF token."""

    ticket: str
    csrf_token: str
    username: str
    clustername: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeListEntry:
    """One entry of ``GET /nodes`` (pvestatd cadence, ~10 s). Offline nodes carry no stats."""

    node: str
    status: str  # "online", "offline" or "unknown"
    cpu: float | None = None
    maxcpu: int | None = None
    mem: int | None = None
    maxmem: int | None = None
    uptime: int | None = None
    ssl_fingerprint: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeStatus:
    """``GET /nodes/{node}/status``: live node metrics (changes every second)."""

    node: str
    cpu: float
    loadavg: tuple[float, float, float]
    memory_total: int
    memory_used: int
    rootfs_total: int
    rootfs_used: int
    pveversion: str
    iowait: float | None = None  # "wait": fraction of time in I/O wait
    memory_free: int | None = None
    memory_available: int | None = None
    swap_total: int | None = None
    swap_used: int | None = None
    rootfs_avail: int | None = None
    uptime: int | None = None
    cpu_count: int | None = None  # cpuinfo.cpus (logical threads)
    cpu_model: str | None = None
    kernel_release: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Guest:
    """A VM or container from ``/nodes/{node}/qemu|lxc`` or ``.../{vmid}/status/current``.

    ``node`` is the node the list was read from (the API entries do not carry it).
    Counters (``netin``, ``netout``, ``diskread``, ``diskwrite``) are cumulative bytes and reset
    when the guest restarts. The QEMU list without ``full=1`` has no disk counters, and QEMU ``disk``
    is always 0.
    """

    vmid: int
    type: GuestType
    node: str
    status: str  # "running", "stopped", ...
    name: str | None = None
    cpu: float | None = None
    cpus: float | None = None
    mem: int | None = None
    maxmem: int | None = None
    disk: int | None = None
    maxdisk: int | None = None
    netin: int | None = None
    netout: int | None = None
    diskread: int | None = None
    diskwrite: int | None = None
    uptime: int | None = None
    template: bool = False
    tags: tuple[str, ...] = ()
    lock: str | None = None
    qmpstatus: str | None = None  # QEMU only: "running", "paused", "prelaunch", ...
    pid: int | None = None
    ha_state: str | None = None  # status/current only: ``ha.state`` when HA-managed
    agent: bool | None = None  # status/current only (QEMU): guest agent enabled


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterResource:
    """One entry of ``GET /cluster/resources`` (pvestatd cadence, ~10 s).

    ``id`` is ``node/<n>``, ``qemu/<vmid>``, ``lxc/<vmid>``, ``storage/<node>/<sid>``, ``pool/<name>``, ...
    """

    id: str
    type: str
    node: str | None = None
    vmid: int | None = None
    name: str | None = None
    status: str | None = None
    storage: str | None = None
    cpu: float | None = None
    maxcpu: float | None = None
    mem: int | None = None
    maxmem: int | None = None
    disk: int | None = None
    maxdisk: int | None = None
    diskread: int | None = None
    diskwrite: int | None = None
    netin: int | None = None
    netout: int | None = None
    uptime: int | None = None
    template: bool = False
    tags: tuple[str, ...] = ()
    lock: str | None = None
    pool: str | None = None
    hastate: str | None = None
    shared: bool | None = None
    content: tuple[str, ...] = ()
    plugintype: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterNode:
    """A ``type: node`` entry of ``GET /cluster/status``."""

    name: str
    online: bool
    nodeid: int | None = None
    local: bool = False
    ip: str | None = None
    level: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterStatus:
    """``GET /cluster/status``. A standalone host has no cluster entry: ``name`` and ``quorate`` are None."""

    name: str | None
    quorate: bool | None
    version: int | None
    nodes: tuple[ClusterNode, ...]

    @property
    def is_cluster(self) -> bool:
        """True when the host is a member of a cluster."""
        return self.name is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Storage:
    """One entry of ``GET /nodes/{node}/storage`` (~30 s cadence)."""

    storage: str
    node: str
    type: str
    content: tuple[str, ...] = ()
    shared: bool = False
    active: bool | None = None
    enabled: bool | None = None
    total: int | None = None
    used: int | None = None
    avail: int | None = None
    used_fraction: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """One entry of ``GET /nodes/{node}/tasks``.

    ``status`` is ``OK``, ``WARNINGS: n`` or the error text; running tasks have neither
    ``endtime`` nor ``status``. ``id`` is the VMID for a single-guest vzdump and empty for a job.
    """

    upid: str
    node: str
    type: str
    id: str
    user: str
    starttime: int
    pid: int | None = None
    pstart: int | None = None
    endtime: int | None = None
    status: str | None = None

    @property
    def running(self) -> bool:
        """True while the task has not ended."""
        return self.endtime is None and self.status is None

    @property
    def succeeded(self) -> bool | None:
        """True for OK or warnings, False for an error, None while running."""
        if self.running or self.status is None:
            return None
        return self.status == "OK" or self.status.startswith("WARNINGS")


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupJob:
    """One entry of ``GET /cluster/backup``."""

    id: str
    enabled: bool = True
    schedule: str | None = None
    storage: str | None = None
    node: str | None = None
    all: bool = False
    vmids: tuple[int, ...] = ()
    pool: str | None = None
    exclude: tuple[int, ...] = ()
    next_run: int | None = None  # epoch seconds ("next-run")
    comment: str | None = None


_VZDUMP_VOLUME = re.compile(r"(?:^|[:/])vzdump-(qemu|lxc)-\d+-")
_PBS_VOLUME = re.compile(r":backup/(vm|ct)/\d+/")


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupVolume:
    """One backup of ``GET /nodes/{node}/storage/{storage}/content?content=backup``.

    ``ctime`` is when the backup of that guest started (epoch seconds; the time stamp in the file
    name). Proxmox VE lists a backup only to a caller with Datastore.AllocateSpace on the storage and
    VM.Backup on the guest; without them the answer is silently empty. ``storage`` and ``node`` are the
    ones asked for.
    """

    volid: str  # "nfs-backup:backup/vzdump-qemu-100-2026_03_02-02_00_00.vma.zst"
    storage: str
    node: str
    ctime: int
    vmid: int | None = None
    size: int | None = None  # bytes
    format: str | None = None  # "vma.zst", "tar.zst", "pbs-vm", ...
    notes: str | None = None  # first line only
    protected: bool = False

    @property
    def guest_type(self) -> GuestType | None:
        """``qemu`` or ``lxc`` when the volume name tells it (``vzdump-qemu-...``, PBS ``vm/...``)."""
        if found := _VZDUMP_VOLUME.search(self.volid):
            return "qemu" if found[1] == "qemu" else "lxc"
        if found := _PBS_VOLUME.search(self.volid):
            return "qemu" if found[1] == "vm" else "lxc"
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotBackedUp:
    """One entry of ``GET /cluster/backup-info/not-backed-up``: a guest no enabled job covers."""

    vmid: int
    type: GuestType
    name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HaResourceStatus:
    """One entry of ``GET /cluster/ha/status/current`` (``quorum``, ``master``, ``lrm`` or ``service``)."""

    id: str
    type: str
    status: str
    node: str | None = None
    sid: str | None = None
    state: str | None = None
    crm_state: str | None = None
    request_state: str | None = None
    quorate: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Permissions:
    """``GET /access/permissions``: the caller's effective privileges per ACL path.

    ``paths`` maps a path to ``{privilege: propagate}``.
    """

    paths: dict[str, dict[str, bool]] = field(default_factory=dict)

    def has(self, path: str, privilege: str) -> bool:
        """Whether ``privilege`` holds on ``path``.

        As in Proxmox VE, the most specific path listed decides: the path itself, else the nearest
        listed parent, whose privilege counts only when it propagates.
        """
        parts = [part for part in path.strip("/").split("/") if part]
        for cut in range(len(parts), -1, -1):
            candidate = "/" + "/".join(parts[:cut])
            privs = self.paths.get(candidate)
            if privs is None:
                continue
            if cut == len(parts):
                return privilege in privs
            return bool(privs.get(privilege))
        return False
