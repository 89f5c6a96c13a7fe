"""Ready-made clusters (deterministic): standalone, cluster3, demo, S, M, L."""

from __future__ import annotations

from collections.abc import Callable
import random
from typing import Any

from simulator.cluster import Cluster
from simulator.model import GIB, BackupJob, GuestType, HistoryPlan, StorageDef

_DAY = 86400
TIB = 1024 * GIB


def _storages(cluster: Cluster, *, shared: bool) -> None:
    cluster.add_storage(
        StorageDef(
            sid="local", type="dir", content=("backup", "iso", "vztmpl"), total=100 * GIB, used_fraction=0.22
        )
    )
    cluster.add_storage(
        StorageDef(
            sid="local-lvm",
            type="lvmthin",
            content=("images", "rootdir"),
            total=400 * GIB,
            used_fraction=0.48,
        )
    )
    if shared:
        cluster.add_storage(
            StorageDef(
                sid="nfs-backup",
                type="nfs",
                content=("backup",),
                shared=True,
                total=4 * TIB,
                used_fraction=0.61,
                growth_per_day=0.002,
            )
        )
        cluster.add_storage(
            StorageDef(
                sid="cephfs",
                type="cephfs",
                content=("backup", "iso", "vztmpl"),
                shared=True,
                total=2 * TIB,
                used_fraction=0.35,
            )
        )


def _guest_fields(rng: random.Random, kind: GuestType) -> dict[str, Any]:
    return {
        "cpus": rng.choice((1, 2, 2, 4, 4, 8)),
        "maxmem": rng.choice((1, 2, 2, 4, 4, 8, 16)) * GIB,
        "maxdisk": rng.choice((8, 16, 32, 32, 64, 128)) * GIB,
        "load": round(rng.uniform(0.01, 0.35), 3),
        "mem_fraction": round(rng.uniform(0.2, 0.8), 3),
        "disk_fraction": round(rng.uniform(0.1, 0.7), 3),
        "net_rate": float(rng.choice((2_000, 20_000, 150_000, 1_000_000))),
        "disk_rate": float(rng.choice((5_000, 50_000, 400_000))),
        "agent": kind == "qemu" and rng.random() < 0.7,
    }


_NAMES = (
    "homeassistant",
    "pihole",
    "nextcloud",
    "gitea",
    "jellyfin",
    "postgres",
    "grafana",
    "influxdb",
    "unifi",
    "vaultwarden",
    "traefik",
    "paperless",
    "immich",
    "mqtt",
    "zigbee2mqtt",
    "wireguard",
    "nginx",
    "minio",
    "redis",
    "adguard",
    "frigate",
    "plex",
    "syncthing",
    "uptime-kuma",
    "win11",
    "k3s-master",
    "k3s-worker1",
    "k3s-worker2",
    "dev-box",
    "debian-12-template",
)


def standalone(*, seed: int = 11) -> Cluster:
    """One node ``pve`` with a handful of guests, local storage only, a nightly backup job."""
    cluster = Cluster(name=None, seed=seed)
    cluster.add_node("pve", uptime=12 * _DAY, cpus=8, maxmem=32 * GIB)
    rng = random.Random(seed)
    plan: list[tuple[int, GuestType, str, bool, bool]] = [
        (100, "qemu", "homeassistant", True, False),
        (101, "lxc", "pihole", True, False),
        (102, "qemu", "win11", False, False),
        (103, "lxc", "nextcloud", True, False),
        (104, "qemu", "debian-12-template", False, True),
    ]
    for vmid, kind, name, running, template in plan:
        uptime = rng.uniform(3600, 10 * _DAY) if running else 0.0
        cluster.add_guest(
            "pve", vmid, kind, name, running, template, uptime=uptime, **_guest_fields(rng, kind)
        )
    _storages(cluster, shared=False)
    cluster.backup_jobs.append(BackupJob(id="backup-nightly", storage="local", all=True, exclude=(102,)))
    cluster.history = HistoryPlan(days=3, job_task_days_ago=None)
    return cluster


def cluster3(*, seed: int = 3, legacy_lxc_vmid_strings: bool = False, churn: float = 0.0) -> Cluster:
    """Cluster ``homelab``: pve1..pve3, 30 guests (100-129), local + shared storage, backups, HA."""
    cluster = Cluster(name="homelab", seed=seed, legacy_lxc_vmid_strings=legacy_lxc_vmid_strings, churn=churn)
    for index in range(3):
        cluster.add_node(
            f"pve{index + 1}",
            uptime=(20 + 7 * index) * _DAY,
            cpus=(16, 8, 8)[index],
            maxmem=(128, 64, 64)[index] * GIB,
            load=(0.18, 0.1, 0.07)[index],
            mem_fraction=(0.55, 0.4, 0.35)[index],
        )
    rng = random.Random(seed)
    stopped = {107, 115, 124}
    for index, name in enumerate(_NAMES):
        vmid = 100 + index
        kind: GuestType = "lxc" if index % 2 == 1 and name != "win11" else "qemu"
        template = name.endswith("-template")
        if template:
            kind = "qemu"
        running = vmid not in stopped and not template
        fields = _guest_fields(rng, kind)
        if index % 4 == 0:
            fields["tags"] = ("prod", "web") if index % 8 == 0 else ("prod",)
        if index < 6:
            fields["pool"] = "prod"
        uptime = rng.uniform(3600, 19 * _DAY) if running else 0.0
        cluster.add_guest(f"pve{index % 3 + 1}", vmid, kind, name, running, template, uptime=uptime, **fields)
    cluster.pools.add("prod")
    cluster.ha_resources.update({100: "started", 102: "started"})
    _storages(cluster, shared=True)
    cluster.backup_jobs.append(
        BackupJob(id="backup-daily", schedule="02:00", storage="nfs-backup", all=True, exclude=(128,))
    )
    cluster.backup_jobs.append(
        BackupJob(
            id="backup-offsite",
            schedule="sat 03:00",
            enabled=False,
            storage="cephfs",
            vmids=(100, 101),
            comment="offsite",
        )
    )
    cluster.history = HistoryPlan(days=3, failed={112: "job errors"}, warnings=(105,))
    return cluster


def demo(*, seed: int = 7) -> Cluster:
    """3 nodes, 12 guests in mixed states (running, stopped, paused, locked, template), one failed backup."""
    cluster = Cluster(name="demo", seed=seed)
    for index in range(3):
        cluster.add_node(
            f"pve{index + 1}",
            uptime=(9 + 4 * index) * _DAY,
            cpus=(12, 8, 4)[index],
            maxmem=(64, 32, 16)[index] * GIB,
        )
    rng = random.Random(seed)
    plan: list[tuple[int, GuestType, str, str]] = [
        (100, "qemu", "homeassistant", "pve1"),
        (101, "lxc", "mosquitto", "pve1"),
        (102, "lxc", "zigbee2mqtt", "pve1"),
        (103, "qemu", "nas", "pve2"),
        (104, "lxc", "jellyfin", "pve2"),
        (105, "qemu", "win11", "pve2"),
        (106, "lxc", "pihole", "pve3"),
        (107, "lxc", "grafana", "pve3"),
        (108, "qemu", "k3s", "pve3"),
        (109, "qemu", "dev-box", "pve1"),
        (110, "lxc", "old-wiki", "pve3"),
        (9000, "qemu", "ubuntu-template", "pve1"),
    ]
    for vmid, kind, name, node in plan:
        running = vmid not in (105, 110, 9000)
        uptime = rng.uniform(600, 8 * _DAY) if running else 0.0
        fields = _guest_fields(rng, kind)
        cluster.add_guest(node, vmid, kind, name, running, vmid == 9000, uptime=uptime, **fields)
    cluster.guests[108].paused = True
    cluster.guests[104].lock = "backup"
    cluster.guests[100].tags = ("prod", "smart-home")
    cluster.ha_resources[100] = "started"
    _storages(cluster, shared=True)
    cluster.backup_jobs.append(
        BackupJob(id="backup-nightly", schedule="01:30", storage="nfs-backup", all=True, exclude=(109,))
    )
    cluster.history = HistoryPlan(days=3, failed={103: "job errors"})
    return cluster


def _generated(name: str, nodes: int, guests: int, *, seed: int, history_days: int) -> Cluster:
    cluster = Cluster(name=name if nodes > 1 else None, seed=seed)
    rng = random.Random(seed)
    for index in range(nodes):
        cluster.add_node(
            f"pve{index + 1}" if nodes > 1 else "pve",
            uptime=rng.uniform(2, 60) * _DAY,
            cpus=rng.choice((8, 16, 32)),
            maxmem=rng.choice((64, 128, 256)) * GIB,
            load=round(rng.uniform(0.05, 0.4), 3),
        )
    names = list(cluster.nodes)
    for index in range(guests):
        kind: GuestType = "lxc" if rng.random() < 0.45 else "qemu"
        running = rng.random() < 0.85
        cluster.add_guest(
            names[index % nodes],
            100 + index,
            kind,
            f"{kind}-{100 + index}",
            running,
            uptime=rng.uniform(60, 30 * _DAY) if running else 0.0,
            **_guest_fields(rng, kind),
        )
    _storages(cluster, shared=nodes > 1)
    storage = "nfs-backup" if nodes > 1 else "local"
    cluster.backup_jobs.append(
        BackupJob(id="backup-daily", storage=storage, all=True, exclude=(100 + guests - 1,))
    )
    cluster.history = HistoryPlan(days=history_days, failed={101: "job errors"}, job_task_days_ago=None)
    return cluster


def S() -> Cluster:  # noqa: N802 - scenario names are the sizes
    """1 node, 10 guests."""
    return _generated("small", 1, 10, seed=101, history_days=3)


def M() -> Cluster:  # noqa: N802
    """3 nodes, 100 guests."""
    return _generated("medium", 3, 100, seed=102, history_days=2)


def L() -> Cluster:  # noqa: N802
    """10 nodes, 1000 guests."""
    return _generated("large", 10, 1000, seed=103, history_days=1)


BY_NAME: dict[str, Callable[[], Cluster]] = {
    "standalone": standalone,
    "cluster3": cluster3,
    "demo": demo,
    "S": S,
    "M": M,
    "L": L,
}


def get(name: str) -> Cluster:
    """Build the scenario called ``name``."""
    try:
        return BY_NAME[name]()
    except KeyError:
        raise KeyError(f"unknown scenario {name!r}; choose one of {', '.join(BY_NAME)}") from None
