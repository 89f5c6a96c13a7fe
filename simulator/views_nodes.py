"""API payloads about nodes and storages: /version, /nodes, node status, storage, backups, cluster status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.cluster import Cluster
from simulator.metrics import SNAPSHOT_PERIOD, STORAGE_PERIOD, floor_to
from simulator.model import Node, StorageDef
from simulator.samples import node_sample, storage_sample

type Json = dict[str, Any]
type Allowed = Callable[[str, str], bool]

KERNEL = "6.14.8-2-pve"
KERNEL_BUILD = "#1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z)"
REPOID = "49c767b70aeb6648"


def version(cluster: Cluster) -> Json:
    """``GET /version``."""
    release = ".".join(cluster.pve_version.split(".")[:2])
    return {"version": cluster.pve_version, "release": release, "repoid": REPOID, "console": "html5"}


def node_stats(cluster: Cluster, node: Node, t: float) -> Json:
    """The pvestatd stats of a node (``/nodes`` and ``/cluster/resources``)."""
    sample = node_sample(cluster, node, floor_to(t, SNAPSHOT_PERIOD))
    return {
        "cpu": sample.cpu,
        "maxcpu": node.cpus,
        "mem": sample.mem_used,
        "maxmem": node.maxmem,
        "disk": sample.rootfs_used,
        "maxdisk": node.rootfs_total,
        "uptime": sample.uptime,
    }


def nodes(cluster: Cluster, t: float, allowed: Allowed, local_fingerprint: str) -> list[Json]:
    """``GET /nodes``: every node, offline ones without stats, nodes without Sys.Audit without stats."""
    result: list[Json] = []
    for node in cluster.nodes.values():
        fingerprint = local_fingerprint if node.name == cluster.local_node else node.fingerprint
        entry: Json = {
            "id": f"node/{node.name}",
            "type": "node",
            "node": node.name,
            "status": "offline" if cluster.node_offline(node.name) else "online",
            "ssl_fingerprint": fingerprint,
            "level": node.level,
        }
        if entry["status"] == "online" and allowed(f"/nodes/{node.name}", "Sys.Audit"):
            entry.update(node_stats(cluster, node, t))
        result.append(entry)
    return result


def node_status(cluster: Cluster, node: Node, t: float) -> Json:
    """``GET /nodes/{node}/status``: live, changes every second."""
    second = int(t)
    sample = node_sample(cluster, node, second)
    rootfs_free = node.rootfs_total - sample.rootfs_used
    return {
        "cpu": sample.cpu,
        "wait": sample.wait,
        "idle": 0,
        "loadavg": [f"{value:.2f}" for value in sample.loadavg],
        "uptime": sample.uptime,
        "pveversion": f"pve-manager/{cluster.pve_version}/{REPOID}",
        "kversion": f"Linux {KERNEL} {KERNEL_BUILD} x86_64",
        "current-kernel": {
            "sysname": "Linux",
            "release": KERNEL,
            "version": KERNEL_BUILD,
            "machine": "x86_64",
        },
        "boot-info": {"mode": "efi", "secureboot": 0},
        "cpuinfo": {
            "cpus": node.cpus,
            "cores": max(1, node.cpus // 2),
            "sockets": node.sockets,
            "model": node.cpu_model,
            "mhz": "3800.000",
            "hvm": "1",
            "user_hz": 100,
            "flags": "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov svm",
        },
        "memory": {
            "total": node.maxmem,
            "used": sample.mem_used,
            "free": sample.mem_free,
            "available": sample.mem_available,
        },
        "swap": {
            "total": node.swap_total,
            "used": sample.swap_used,
            "free": node.swap_total - sample.swap_used,
        },
        "rootfs": {
            "total": node.rootfs_total,
            "used": sample.rootfs_used,
            "free": rootfs_free,
            "avail": max(0, rootfs_free - node.rootfs_total // 20),
        },
        "ksm": {"shared": sample.ksm_shared},
    }


def storage_usage(cluster: Cluster, storage: StorageDef, node: str, t: float) -> tuple[int, int]:
    """``(used, total)`` at the last 30 s boundary."""
    sample = storage_sample(cluster, storage, node, floor_to(t, STORAGE_PERIOD))
    return sample.used, sample.total


def storages(cluster: Cluster, node: str, t: float, allowed: Allowed) -> list[Json]:
    """``GET /nodes/{node}/storage``: entries with Datastore.Audit on ``/storage/<sid>``."""
    result: list[Json] = []
    for storage in cluster.storages.values():
        if not storage.on_node(node) or not allowed(f"/storage/{storage.sid}", "Datastore.Audit"):
            continue
        entry: Json = {
            "storage": storage.sid,
            "type": storage.type,
            "content": ",".join(storage.content),
            "shared": int(storage.shared),
            "enabled": int(storage.enabled),
            "active": int(storage.active and storage.enabled),
        }
        if storage.active and storage.enabled:
            used, total = storage_usage(cluster, storage, node, t)
            entry.update(total=total, used=used, avail=total - used, used_fraction=round(used / total, 6))
        result.append(entry)
    return result


def backup_volumes(cluster: Cluster, storage: StorageDef, node: str, allowed: Allowed) -> list[Json]:
    """``GET /nodes/{node}/storage/{storage}/content`` (backups): each one needs Datastore.AllocateSpace
    on the storage and VM.Backup on its guest, else it is silently left out (PVEAuditor sees ``[]``).
    """
    if not allowed(f"/storage/{storage.sid}", "Datastore.AllocateSpace"):
        return []
    result: list[Json] = []
    for volume in cluster.volumes_on(storage, node):
        if not allowed(f"/vms/{volume.vmid}", "VM.Backup"):
            continue
        entry: Json = {
            "volid": volume.volid,
            "content": "backup",
            "format": volume.format,
            "subtype": volume.type,
            "vmid": volume.vmid,
            "ctime": int(volume.ctime),
            "size": volume.size,
        }
        if volume.notes:
            entry["notes"] = volume.notes
        if volume.protected:
            entry["protected"] = 1
        result.append(entry)
    return result


def cluster_status(cluster: Cluster) -> list[Json]:
    """``GET /cluster/status``: the cluster entry (not on a standalone host) and one entry per node."""
    result: list[Json] = []
    if cluster.name is not None:
        result.append(
            {
                "id": "cluster",
                "type": "cluster",
                "name": cluster.name,
                "nodes": len(cluster.nodes),
                "quorate": int(cluster.quorate),
                "version": cluster.config_version,
            }
        )
    for node in cluster.nodes.values():
        result.append(
            {
                "id": f"node/{node.name}",
                "type": "node",
                "name": node.name,
                "nodeid": node.nodeid if cluster.name is not None else 0,
                "online": int(not cluster.node_offline(node.name)),
                "local": int(node.name == cluster.local_node),
                "ip": node.ip,
                "level": node.level,
            }
        )
    return result
