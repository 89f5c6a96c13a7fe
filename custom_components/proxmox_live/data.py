"""The data each tier publishes: frozen dataclasses, compared by value.

Every value is already rounded to what its entity displays, so two ticks that would look the same
compare equal and ``always_update=False`` keeps the entities (and the recorder) quiet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .pve.models import GuestType

type GuestKey = tuple[GuestType, int]
"""A guest's identity: type and VMID (never the node, so a migration keeps it)."""

type StorageKey = tuple[str | None, str]
"""A storage's identity: (None, sid) for a shared storage, (node, sid) for a local one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeInfo:
    """A node as the inventory tier sees it."""

    name: str
    online: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class GuestInfo:
    """A guest as the inventory tier sees it (10 s pvestatd cadence)."""

    vmid: int
    type: GuestType
    name: str
    node: str
    status: str
    lock: str | None = None
    hastate: str | None = None
    tags: tuple[str, ...] = ()
    disk_read: int | None = None  # KiB/s from /cluster/resources counters (QEMU disk rates)
    disk_write: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StorageInfo:
    """A storage device: a shared storage once for the cluster, a local one per node."""

    storage: str
    node: str | None  # None: shared
    nodes: tuple[str, ...]  # the nodes that report it (shared: several)
    type: str | None = None
    content: tuple[str, ...] = ()  # "backup", "images", "iso", ...


@dataclass(frozen=True, slots=True, kw_only=True)
class InventoryData:
    """What exists: nodes, guests, storages, quorum (inventory tier)."""

    cluster_name: str
    is_cluster: bool
    quorate: bool | None
    nodes: Mapping[str, NodeInfo]
    guests: Mapping[GuestKey, GuestInfo]
    storages: Mapping[StorageKey, StorageInfo]
    ha_resources: Mapping[str, str] = field(default_factory=dict)  # HA sid -> state, when readable

    @property
    def online_nodes(self) -> list[str]:
        """Names of the nodes the cluster reports online."""
        return [name for name, node in self.nodes.items() if node.online]


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeLive:
    """Live values of a node (live tier). ``reachable`` False: no values this tick."""

    name: str
    reachable: bool
    cpu_usage: float | None = None  # %
    load_average: float | None = None  # 1 min
    io_wait: float | None = None  # %
    memory_used: float | None = None  # GiB
    memory_usage: float | None = None  # %
    swap_usage: float | None = None  # %
    root_disk_usage: float | None = None  # %
    boot_time: datetime | None = None
    pve_version: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GuestLive:
    """Live values of a guest (live tier; QEMU disk rates relayed from the inventory tier)."""

    vmid: int
    type: GuestType
    node: str
    status: str
    cpu_usage: float | None = None  # % of its vCPUs
    memory_used: float | None = None  # GiB
    memory_usage: float | None = None  # %
    disk_usage: float | None = None  # % (containers)
    network_in: int | None = None  # KiB/s
    network_out: int | None = None
    disk_read: int | None = None
    disk_write: int | None = None
    boot_time: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveData:
    """Live tier data: every known node (reachable or not) and the guests of reachable nodes."""

    nodes: Mapping[str, NodeLive]
    guests: Mapping[GuestKey, GuestLive]


@dataclass(frozen=True, slots=True, kw_only=True)
class StorageValues:
    """Usage of one storage device (storage tier)."""

    active: bool | None
    enabled: bool | None
    usage: float | None  # %
    used: float | None  # GiB
    available: float | None
    total: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StorageData:
    """Storage tier data."""

    storages: Mapping[StorageKey, StorageValues]


@dataclass(frozen=True, slots=True, kw_only=True)
class GuestBackup:
    """Backup state of one guest (from single-guest vzdump tasks and backup volumes)."""

    last_backup: datetime | None = None  # end of the last successful backup task, or its newest volume
    last_failed: bool = False  # the most recent finished backup failed


NO_BACKUP = GuestBackup()


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupData:
    """Backups tier data."""

    guests: Mapping[int, GuestBackup]  # by VMID (tasks carry no guest type)
    failed_last_24h: int
    not_backed_up: int
    next_backup: datetime | None
    running: int = 0
