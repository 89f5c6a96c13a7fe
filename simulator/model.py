"""Records of the simulated cluster: nodes, guests, storages, backup jobs, tasks, backup volumes.

Times are epoch seconds on the model clock. Scenarios build them around 0 ("now" at build
time); :meth:`simulator.cluster.Cluster.bind` shifts them once onto the real clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
import time
from typing import Literal

from simulator.metrics import key_of

type GuestType = Literal["qemu", "lxc"]

GIB = 1024**3


@dataclass(kw_only=True)
class Node:
    """A cluster node."""

    name: str
    nodeid: int
    ip: str
    booted_at: float
    cpus: int = 8
    sockets: int = 1
    cpu_model: str = "AMD Ryzen 7 5700G with Radeon Graphics"
    maxmem: int = 64 * GIB
    rootfs_total: int = 100 * GIB
    swap_total: int = 8 * GIB
    load: float = 0.12
    mem_fraction: float = 0.45
    level: str = ""
    offline_since: float | None = None
    fingerprint: str = ""

    @property
    def key(self) -> int:
        """Metric key of this node."""
        return key_of("node", self.name)


@dataclass(kw_only=True)
class Guest:
    """A VM (``qemu``) or container (``lxc``).

    ``runs`` holds the state transitions ``(time, running)`` in time order; a guest that
    restarts gets a new transition, which resets its uptime and counters.
    """

    vmid: int
    type: GuestType
    node: str
    name: str
    cpus: int = 2
    maxmem: int = 2 * GIB
    maxdisk: int = 32 * GIB
    maxswap: int = 512 * 1024**2
    template: bool = False
    tags: tuple[str, ...] = ()
    lock: str | None = None
    pool: str | None = None
    agent: bool = True
    paused: bool = False
    load: float = 0.05
    mem_fraction: float = 0.5
    disk_fraction: float = 0.3
    net_rate: float = 20_000.0
    disk_rate: float = 50_000.0
    runs: list[tuple[float, bool]] = field(default_factory=list)
    #: bumped when a VMID is reused, so the new guest gets fresh metric keys
    generation: int = 0

    @cached_property
    def key(self) -> int:
        """Metric key: differs when the VMID is reused by another guest."""
        return key_of("guest", self.vmid, self.type, self.generation)

    @property
    def resource_id(self) -> str:
        """``qemu/<vmid>`` or ``lxc/<vmid>``."""
        return f"{self.type}/{self.vmid}"

    @property
    def ha_sid(self) -> str:
        """HA service id: ``vm:<vmid>`` or ``ct:<vmid>``."""
        return f"{'vm' if self.type == 'qemu' else 'ct'}:{self.vmid}"

    @property
    def conf_path(self) -> str:
        """Configuration file path below ``/etc/pve`` (the unknown-VMID error names it)."""
        folder = "qemu-server" if self.type == "qemu" else "lxc"
        return f"nodes/{self.node}/{folder}/{self.vmid}.conf"


@dataclass(kw_only=True)
class StorageDef:
    """A storage definition; ``nodes`` None means available on every node."""

    sid: str
    type: str
    content: tuple[str, ...]
    shared: bool = False
    nodes: tuple[str, ...] | None = None
    total: int = 500 * GIB
    used_fraction: float = 0.4
    growth_per_day: float = 0.0
    enabled: bool = True
    active: bool = True

    def on_node(self, node: str) -> bool:
        """Whether this storage is configured on ``node``."""
        return self.nodes is None or node in self.nodes


@dataclass(kw_only=True)
class BackupJob:
    """A ``/cluster/backup`` job (type ``vzdump``); ``schedule`` is ``HH:MM`` (UTC)."""

    id: str
    schedule: str = "02:00"
    enabled: bool = True
    storage: str = "nfs-backup"
    all: bool = False
    vmids: tuple[int, ...] = ()
    pool: str | None = None
    exclude: tuple[int, ...] = ()
    node: str | None = None
    mode: str = "snapshot"
    comment: str | None = None


@dataclass(kw_only=True)
class Task:
    """A task of a node's task log; running while ``endtime`` is None.

    A vzdump task also records where it wrote (``storage``) and, for a multi-guest job (empty ``id``),
    which guests it covered (``vmids``, backed up one after the other): a successful one leaves backup
    volumes (see :func:`simulator.views_nodes.backup_volumes`).
    """

    node: str
    type: str
    id: str
    user: str
    starttime: float
    pid: int
    pstart: int
    endtime: float | None = None
    status: str | None = None
    storage: str | None = None
    vmids: tuple[int, ...] = ()

    @property
    def upid(self) -> str:
        """``UPID:node:PID:PSTART:STARTTIME:type:id:user:`` with 8-digit upper-case hex fields."""
        return (
            f"UPID:{self.node}:{self.pid:08X}:{self.pstart:08X}:{int(self.starttime):08X}:"
            f"{self.type}:{self.id}:{self.user}:"
        )


@dataclass(kw_only=True)
class BackupVolume:
    """A vzdump archive a successful backup left on ``storage`` (``node``: where it ran, for local ones)."""

    storage: str
    node: str
    vmid: int
    type: GuestType
    ctime: float  # start of this guest's backup: the time stamp in the file name
    size: int
    notes: str | None = None
    protected: bool = False

    @property
    def format(self) -> str:
        """``vma.zst`` (QEMU) or ``tar.zst`` (LXC)."""
        return "vma.zst" if self.type == "qemu" else "tar.zst"

    @property
    def volid(self) -> str:
        """``<storage>:backup/vzdump-<type>-<vmid>-<YYYY_MM_DD-HH_MM_SS>.<format>`` (UTC)."""
        stamp = time.strftime("%Y_%m_%d-%H_%M_%S", time.gmtime(self.ctime))
        return f"{self.storage}:backup/vzdump-{self.type}-{self.vmid}-{stamp}.{self.format}"


@dataclass(kw_only=True)
class HistoryPlan:
    """How a scenario's vzdump history is generated when the cluster is bound to a clock."""

    days: int = 3
    failed: dict[int, str] = field(default_factory=dict)  # vmid -> error text, on the most recent run
    warnings: tuple[int, ...] = ()
    job_task_days_ago: int | None = 5  # one multi-guest task (empty id) that many days ago
