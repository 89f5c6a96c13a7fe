"""API payloads about guests: per-node lists, ``status/current``."""

from __future__ import annotations

from typing import Any

from simulator.cluster import Cluster
from simulator.model import Guest
from simulator.samples import GuestSample, guest_sample

type Json = dict[str, Any]


def _common(guest: Guest, sample: GuestSample) -> Json:
    entry: Json = {
        "vmid": guest.vmid,
        "name": guest.name,
        "status": "running" if sample.running else "stopped",
        "cpu": sample.cpu,
        "cpus": guest.cpus,
        "mem": sample.mem,
        "maxmem": guest.maxmem,
        "maxdisk": guest.maxdisk,
        "netin": sample.netin,
        "netout": sample.netout,
        "uptime": sample.uptime,
    }
    if sample.pid is not None:
        entry["pid"] = sample.pid
    if guest.template:
        entry["template"] = 1
    if guest.tags:
        entry["tags"] = ";".join(guest.tags)
    if guest.lock:
        entry["lock"] = guest.lock
    return entry


def qemu_entry(guest: Guest, sample: GuestSample, *, full: bool = False) -> Json:
    """One QEMU guest as ``/nodes/{node}/qemu`` lists it (no disk counters without ``full``)."""
    entry = _common(guest, sample)
    entry["disk"] = 0
    entry["memhost"] = sample.memhost
    entry["serial"] = 0
    if sample.running:
        entry.update({f"pressure{name}": value for name, value in sample.pressure.items()})
    if full:
        entry["diskread"] = sample.diskread
        entry["diskwrite"] = sample.diskwrite
        entry["qmpstatus"] = _qmpstatus(guest, sample)
    return entry


def lxc_entry(cluster: Cluster, guest: Guest, sample: GuestSample) -> Json:
    """One container as ``/nodes/{node}/lxc`` lists it (disk usage and counters; pressure as strings)."""
    entry = _common(guest, sample)
    entry["type"] = "lxc"
    entry.update(
        disk=sample.disk,
        diskread=sample.diskread,
        diskwrite=sample.diskwrite,
        swap=sample.swap,
        maxswap=guest.maxswap,
    )
    if sample.running:
        entry.update({f"pressure{name}": f"{value:.2f}" for name, value in sample.pressure.items()})
    if cluster.legacy_lxc_vmid_strings:
        entry["vmid"] = str(guest.vmid)
    return entry


def _qmpstatus(guest: Guest, sample: GuestSample) -> str:
    if not sample.running:
        return "stopped"
    return "paused" if guest.paused else "running"


def guest_list(cluster: Cluster, node: str, kind: str, t: float, *, full: bool = False) -> list[Json]:
    """``GET /nodes/{node}/qemu|lxc``: live values of every guest of the node (caller filters ACLs)."""
    result: list[Json] = []
    for guest in cluster.guests_on(node):
        if guest.type != kind:
            continue
        sample = guest_sample(cluster, guest, int(t), pressure=True)
        result.append(
            qemu_entry(guest, sample, full=full) if kind == "qemu" else lxc_entry(cluster, guest, sample)
        )
    return result


def ha_info(cluster: Cluster, guest: Guest) -> Json:
    """The ``ha`` object of ``status/current``."""
    requested = cluster.ha_resources.get(guest.vmid)
    if requested is None:
        return {"managed": 0}
    return {"managed": 1, "state": requested}


def status_current(cluster: Cluster, guest: Guest, t: float) -> Json:
    """``GET /nodes/{node}/qemu|lxc/{vmid}/status/current``: everything, live."""
    sample = guest_sample(cluster, guest, int(t), pressure=True)
    entry: Json
    if guest.type == "qemu":
        entry = qemu_entry(guest, sample, full=True)
        entry["agent"] = int(guest.agent)
        if sample.running:
            entry["running-machine"] = "pc-q35-10.0+pve1"
            entry["running-qemu"] = "10.0.2"
            entry["balloon"] = guest.maxmem
            entry["freemem"] = guest.maxmem - sample.mem
    else:
        entry = lxc_entry(cluster, guest, sample)
        entry["vmid"] = guest.vmid
    entry["ha"] = ha_info(cluster, guest)
    return entry
