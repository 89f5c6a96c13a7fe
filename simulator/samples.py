"""Metric values of nodes, guests and storages at a given second (pure functions of the model)."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.cluster import Cluster
from simulator.metrics import SNAPSHOT_PERIOD, clamp, counter, floor_to, key_of, unit, wander
from simulator.model import Guest, Node, StorageDef

MIB = 1024**2
_PRESSURE = ("cpusome", "cpufull", "iosome", "iofull", "memorysome", "memoryfull")


@dataclass(frozen=True, slots=True)
class NodeSample:
    """Live node values."""

    cpu: float
    loadavg: tuple[float, float, float]
    wait: float
    mem_used: int
    mem_free: int
    mem_available: int
    swap_used: int
    rootfs_used: int
    uptime: int
    ksm_shared: int


@dataclass(frozen=True, slots=True)
class GuestSample:
    """Live guest values (all zero for a stopped guest)."""

    running: bool
    cpu: float = 0.0
    mem: int = 0
    memhost: int = 0
    swap: int = 0
    disk: int = 0
    netin: int = 0
    netout: int = 0
    diskread: int = 0
    diskwrite: int = 0
    uptime: int = 0
    pid: int | None = None
    pressure: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StorageSample:
    """Storage usage."""

    total: int
    used: int

    @property
    def avail(self) -> int:
        """Free bytes."""
        return self.total - self.used


def node_sample(cluster: Cluster, node: Node, t: int) -> NodeSample:
    """Values of ``node`` at second ``t``."""
    seed, key = cluster.seed, node.key
    cpu = clamp(node.load * (1.0 + 0.5 * wander(seed, key ^ 1, t)), 0.001, 1.0)
    loads = tuple(
        round(
            max(0.0, cpu * node.cpus * (1.0 + 0.2 * wander(seed, key ^ (10 + i), t, period=60.0 * (i + 1)))),
            2,
        )
        for i in range(3)
    )
    used = int(
        node.maxmem * clamp(node.mem_fraction + 0.03 * wander(seed, key ^ 2, t, period=120.0), 0.05, 0.97)
    )
    free = int((node.maxmem - used) * 0.6)
    return NodeSample(
        cpu=round(cpu, 6),
        loadavg=(loads[0], loads[1], loads[2]),
        wait=round(clamp(0.004 + 0.004 * wander(seed, key ^ 3, t), 0.0, 1.0), 6),
        mem_used=used,
        mem_free=free,
        mem_available=node.maxmem - used,
        swap_used=int(node.swap_total * clamp(0.02 + 0.01 * wander(seed, key ^ 4, t, period=600.0), 0, 1)),
        rootfs_used=int(node.rootfs_total * clamp(0.2 + 0.001 * (t - node.booted_at) / 86400, 0.0, 0.95)),
        uptime=max(0, int(t - node.booted_at)),
        ksm_shared=0,
    )


def guest_sample(cluster: Cluster, guest: Guest, t: int, *, pressure: bool = False) -> GuestSample:
    """Values of ``guest`` at second ``t`` (frozen when its node went offline); PSI values on request."""
    t = int(cluster.frozen_time(guest, t))
    since = cluster.running_since(guest, t)
    if since is None:
        return GuestSample(running=False)
    seed, key = cluster.seed, guest.key
    elapsed = t - since
    cpu = clamp(guest.load * (1.0 + 0.6 * wander(seed, key ^ 1, t)), 0.0, 1.0)
    mem = int(
        guest.maxmem * clamp(guest.mem_fraction + 0.04 * wander(seed, key ^ 2, t, period=90.0), 0.02, 0.98)
    )
    stalls = {
        name: round(clamp(cpu * 2.0 * (0.5 + 0.5 * wander(seed, key ^ (20 + i), t)), 0.0, 100.0), 2)
        for i, name in enumerate(_PRESSURE if pressure else ())
    }
    return GuestSample(
        running=True,
        cpu=round(cpu, 6),
        mem=mem,
        memhost=int(mem * 1.04),
        swap=0 if guest.type == "qemu" else int(guest.maxswap * 0.05),
        disk=0 if guest.type == "qemu" else int(guest.maxdisk * guest.disk_fraction),
        netin=counter(seed, key ^ 3, elapsed, guest.net_rate),
        netout=counter(seed, key ^ 4, elapsed, guest.net_rate * 0.4),
        diskread=counter(seed, key ^ 5, elapsed, guest.disk_rate * 0.3),
        diskwrite=counter(seed, key ^ 6, elapsed, guest.disk_rate),
        uptime=int(elapsed),
        pid=1000 + int(unit(seed, key ^ 0x9D, int(since)) * 3_000_000),
        pressure=stalls,
    )


def snapshot_sample(cluster: Cluster, guest: Guest, t: float) -> GuestSample:
    """A guest as pvestatd broadcast it at the last 10 s boundary (memoised per boundary)."""
    boundary = floor_to(t, SNAPSHOT_PERIOD)
    cache = cluster.snapshot_cache
    if cache.get("boundary") != boundary:
        cache.clear()
        cache["boundary"] = boundary
    ident = (guest.key, guest.node, len(guest.runs), cluster.nodes[guest.node].offline_since)
    sample = cache.get(ident)
    if not isinstance(sample, GuestSample):
        sample = cache[ident] = guest_sample(cluster, guest, boundary)
    return sample


def storage_sample(cluster: Cluster, storage: StorageDef, node: str, t: int) -> StorageSample:
    """Usage of ``storage`` as seen from ``node`` at ``t`` (shared storages agree on every node)."""
    scope = "shared" if storage.shared else node
    key = key_of("storage", storage.sid, scope)
    days = max(0.0, (t - cluster.origin) / 86400)
    fraction = (
        storage.used_fraction
        + storage.growth_per_day * days
        + 0.002 * wander(cluster.seed, key, t, period=3600.0)
    )
    used = int(storage.total * clamp(fraction, 0.0, 1.0))
    return StorageSample(total=storage.total, used=used)
