"""Cluster-wide payloads: /cluster/resources, backup jobs, not-backed-up, HA status, node tasks."""

from __future__ import annotations

from collections.abc import Mapping
import time
from typing import Any

from simulator.cluster import Cluster
from simulator.model import Guest
from simulator.samples import snapshot_sample
from simulator.views_nodes import Allowed, node_stats, storage_usage

type Json = dict[str, Any]


def _guest_resource(cluster: Cluster, guest: Guest, t: float) -> Json:
    sample = snapshot_sample(cluster, guest, t)
    status = "running" if sample.running else "stopped"
    if sample.running and guest.paused:
        status = "paused"
    entry: Json = {
        "id": guest.resource_id,
        "type": guest.type,
        "vmid": guest.vmid,
        "node": guest.node,
        "name": guest.name,
        "status": status,
        "template": int(guest.template),
        "cpu": sample.cpu,
        "maxcpu": guest.cpus,
        "mem": sample.mem,
        "maxmem": guest.maxmem,
        "disk": sample.disk,
        "maxdisk": guest.maxdisk,
        "diskread": sample.diskread,
        "diskwrite": sample.diskwrite,
        "netin": sample.netin,
        "netout": sample.netout,
        "uptime": sample.uptime,
    }
    if guest.tags:
        entry["tags"] = ";".join(guest.tags)
    if guest.lock:
        entry["lock"] = guest.lock
    if guest.pool:
        entry["pool"] = guest.pool
    if guest.vmid in cluster.ha_resources:
        entry["hastate"] = _ha_state(cluster, guest)
    return entry


def _ha_state(cluster: Cluster, guest: Guest) -> str:
    if cluster.node_offline(guest.node):
        return "fence"
    return cluster.ha_resources[guest.vmid]


def resources(cluster: Cluster, t: float, allowed: Allowed, kind: str | None = None) -> list[Json]:
    """``GET /cluster/resources``: a snapshot at the last 10 s boundary, filtered per object."""
    result: list[Json] = []
    if kind in (None, "node"):
        for node in cluster.nodes.values():
            entry: Json = {"id": f"node/{node.name}", "type": "node", "node": node.name, "level": node.level}
            if cluster.node_offline(node.name):
                entry["status"] = "offline"
            else:
                entry["status"] = "online"
                entry["cgroup-mode"] = 2
                if allowed(f"/nodes/{node.name}", "Sys.Audit"):
                    entry.update(node_stats(cluster, node, t))
            result.append(entry)
    if kind in (None, "vm"):
        for guest in sorted(cluster.guests.values(), key=lambda g: g.vmid):
            if allowed(f"/vms/{guest.vmid}", "VM.Audit"):
                result.append(_guest_resource(cluster, guest, t))
    if kind in (None, "storage"):
        result.extend(_storage_resources(cluster, t, allowed))
    if kind is None:
        result.extend({"id": f"pool/{pool}", "type": "pool", "pool": pool} for pool in sorted(cluster.pools))
    return result


def _storage_resources(cluster: Cluster, t: float, allowed: Allowed) -> list[Json]:
    result: list[Json] = []
    for node in cluster.nodes:
        offline = cluster.node_offline(node)
        for storage in cluster.storages.values():
            if not storage.on_node(node) or not allowed(f"/storage/{storage.sid}", "Datastore.Audit"):
                continue
            entry: Json = {
                "id": f"storage/{node}/{storage.sid}",
                "type": "storage",
                "node": node,
                "storage": storage.sid,
                "plugintype": storage.type,
                "content": ",".join(storage.content),
                "shared": int(storage.shared),
                "status": "unknown" if offline or not storage.active else "available",
            }
            if not offline and storage.active:
                used, total = storage_usage(cluster, storage, node, t)
                entry.update(disk=used, maxdisk=total)
            result.append(entry)
    return result


def backup_jobs(cluster: Cluster, t: float) -> list[Json]:
    """``GET /cluster/backup``."""
    result: list[Json] = []
    for job in cluster.backup_jobs:
        entry: Json = {
            "id": job.id,
            "type": "vzdump",
            "schedule": job.schedule,
            "enabled": int(job.enabled),
            "storage": job.storage,
            "mode": job.mode,
            "compress": "zstd",
            "notes-template": "{{guestname}}",
        }
        if job.all:
            entry["all"] = 1
        if job.vmids:
            entry["vmid"] = ",".join(str(vmid) for vmid in job.vmids)
        if job.pool:
            entry["pool"] = job.pool
        if job.exclude:
            entry["exclude"] = ",".join(str(vmid) for vmid in job.exclude)
        if job.node:
            entry["node"] = job.node
        if job.comment:
            entry["comment"] = job.comment
        if job.enabled:
            entry["next-run"] = cluster.next_run(job, t)
        result.append(entry)
    return result


def not_backed_up(cluster: Cluster) -> list[Json]:
    """``GET /cluster/backup-info/not-backed-up``."""
    return [{"vmid": g.vmid, "type": g.type, "name": g.name} for g in cluster.not_backed_up()]


def _stamp(node: str, t: float, state: str) -> str:
    return f"{node} ({state}, {time.strftime('%a %b %d %H:%M:%S %Y', time.gmtime(t))})"


def ha_status(cluster: Cluster, t: float) -> list[Json]:
    """``GET /cluster/ha/status/current``: quorum, master, one lrm per node, one entry per service."""
    local = cluster.local_node
    quorum: Json = {"id": "quorum", "type": "quorum", "node": local, "quorate": int(cluster.quorate)}
    quorum["status"] = "OK" if cluster.quorate else f"No quorum on node '{local}'!"
    result = [quorum]
    if not cluster.ha_resources:
        return result
    stamp = int(t) - 5
    result.append(
        {
            "id": "master",
            "type": "master",
            "node": local,
            "status": _stamp(local, stamp, "active"),
            "timestamp": stamp,
        }
    )
    for name in cluster.nodes:
        managed = any(cluster.guests[v].node == name for v in cluster.ha_resources if v in cluster.guests)
        state = "active" if managed else "idle"
        if cluster.node_offline(name):
            state = "old timestamp - dead?"
        result.append(
            {
                "id": f"lrm:{name}",
                "type": "lrm",
                "node": name,
                "status": _stamp(name, stamp, state),
                "timestamp": stamp,
            }
        )
    for vmid, requested in sorted(cluster.ha_resources.items()):
        guest = cluster.guests[vmid]
        state = _ha_state(cluster, guest)
        result.append(
            {
                "id": f"service:{guest.ha_sid}",
                "type": "service",
                "sid": guest.ha_sid,
                "node": guest.node,
                "state": state,
                "crm_state": state,
                "request_state": requested,
                "status": f"{guest.ha_sid} ({guest.node}, {state})",
                "max_relocate": 1,
                "max_restart": 1,
                "failback": 1,
            }
        )
    return result


def tasks(cluster: Cluster, node: str, params: Mapping[str, str], visible: bool) -> list[Json]:
    """``GET /nodes/{node}/tasks`` with typefilter, since, until, vmid, source, errors, start, limit."""
    if not visible:
        return []
    source = params.get("source", "archive")
    typefilter = params.get("typefilter")
    since = int(params.get("since", 0))
    until = int(params["until"]) if "until" in params else None
    vmid = params.get("vmid")
    errors = params.get("errors") in ("1", "true")
    result: list[Json] = []
    for task in sorted(cluster.tasks, key=lambda task: task.starttime, reverse=True):
        running = task.endtime is None
        if task.node != node or (source == "archive" and running) or (source == "active" and not running):
            continue
        if (typefilter and task.type != typefilter) or task.starttime < since or (vmid and task.id != vmid):
            continue
        if (until is not None and task.starttime > until) or (errors and task.status in ("OK", None)):
            continue
        entry: Json = {
            "upid": task.upid,
            "node": task.node,
            "pid": task.pid,
            "pstart": task.pstart,
            "starttime": int(task.starttime),
            "type": task.type,
            "id": task.id,
            "user": task.user,
        }
        if task.endtime is not None:
            entry["endtime"] = int(task.endtime)
            entry["status"] = task.status
        result.append(entry)
    start = int(params.get("start", 0))
    return result[start : start + int(params.get("limit", 50))]
