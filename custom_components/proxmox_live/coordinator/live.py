"""Live tier: node and guest metrics every 1-10 s (default 2 s).

Per online node, three cheap requests at once: ``/nodes/{n}/status``, ``/nodes/{n}/qemu`` and
``/nodes/{n}/lxc``; the lists carry cpu, memory, counters and uptime of every guest without QMP, so
the cost is 3 requests per node per tick whatever the number of guests. Only guests the user chose
(option ``detailed_guests``) also get ``.../status/current`` (one expensive QMP-backed request each).

Which source feeds which entity:
- node [cpu_usage] [load_average] [io_wait] [memory_*] [swap_usage] [root_disk_usage] [boot_time]:
  node status;
- guest [status] [running] [cpu_usage] [memory_*] [network_in/out] [boot_time] [node], container
  [disk_usage] and [disk_read/write]: the node's list (status/current for detailed guests);
- QEMU [disk_read/write]: the list has no disk counters, so they are relayed from the inventory
  tier's ``/cluster/resources`` (10 s cadence), or taken from status/current for detailed guests.

A node whose requests fail (595 from the proxy, timeout, bad answer) is marked unreachable for this
tick while the other nodes update; a transition is logged once each way. When every node fails the
tier fails. Guests are keyed by type and VMID; a guest found in another node's list has migrated.

Noisy metrics (CPU, memory, load, I/O wait, swap of running guests and reachable nodes) are held
within a band for a few seconds (``values.MetricHold``, bands and maximum age there); status,
running state, node, boot time and rates are always the latest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, override

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.proxmox_live.const import (
    CONF_DETAILED_GUESTS,
    CONF_INCLUDE_TEMPLATES,
    CONF_LIVE_INTERVAL,
    DEFAULT_LIVE_INTERVAL,
    LIVE_TIMEOUT,
    LOGGER,
)
from custom_components.proxmox_live.data import GuestKey, GuestLive, LiveData, NodeLive
from custom_components.proxmox_live.pve.errors import PveError
from custom_components.proxmox_live.pve.models import Guest, NodeStatus

from .base import TIER_ERRORS, NodeFailure, NodeTierCoordinator, gather_all, read_nodes
from .values import (
    GUEST_MEMORY_BAND,
    GUEST_PERCENT_BAND,
    MEMORY_DIGITS,
    NODE_LOAD_BAND,
    NODE_MEMORY_BAND,
    NODE_PERCENT_BAND,
    CpuGlitchFilter,
    MetricHold,
    RateTracker,
    boot_time,
    gib,
    percent,
    ratio_percent,
)

if TYPE_CHECKING:
    from custom_components.proxmox_live.pve.client import PveClient

    from . import ProxmoxConfigEntry
    from .inventory import ProxmoxInventoryCoordinator

STATUS_MAP = {
    "running": "running",
    "stopped": "stopped",
    "shutdown": "stopped",
    "paused": "paused",
    "suspended": "suspended",
    "prelaunch": "prelaunch",
    "inmigrate": "migrating",
    "postmigrate": "migrating",
    "finish-migrate": "migrating",
    "io-error": "error",
    "internal-error": "error",
    "guest-panicked": "error",
    "watchdog": "error",
}
GUEST_STATUSES = sorted({*STATUS_MAP.values(), "unknown"})


@dataclass(slots=True)
class _NodeRead:
    status: NodeStatus
    guests: list[Guest]


class ProxmoxLiveCoordinator(NodeTierCoordinator[LiveData]):
    """Live metrics of reachable nodes and their guests."""

    tier = "live"
    interval_option = CONF_LIVE_INTERVAL
    default_interval = DEFAULT_LIVE_INTERVAL
    request_timeout = LIVE_TIMEOUT

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProxmoxConfigEntry,
        client: PveClient,
        inventory: ProxmoxInventoryCoordinator,
    ) -> None:
        """Set up the tier; nodes come from the inventory tier."""
        super().__init__(hass, entry, client, inventory)
        self._detailed = {int(vmid) for vmid in entry.options.get(CONF_DETAILED_GUESTS, [])}
        self._include_templates = bool(entry.options.get(CONF_INCLUDE_TEMPLATES, False))
        self._rates = RateTracker()
        self._glitches = CpuGlitchFilter()
        self._hold = MetricHold()
        self._unreachable: set[str] = set()

    @override
    async def _async_fetch(self) -> LiveData:
        states = self.inventory.node_states()
        online = [name for name, is_online in states.items() if is_online]
        reads = await read_nodes(online, self._read_node)
        now = dt_util.utcnow().timestamp()
        previous = self.latest or LiveData(nodes={}, guests={})
        nodes: dict[str, NodeLive] = {}
        guests: dict[GuestKey, GuestLive] = {}
        for name in states:
            read = reads.get(name)
            self._log_transition(name, read)
            if not isinstance(read, _NodeRead):
                nodes[name] = NodeLive(name=name, reachable=False)
                continue
            nodes[name] = self._node_live(read.status, previous.nodes.get(name), now)
            for guest in read.guests:
                key: GuestKey = (guest.type, guest.vmid)
                if key in guests and guest.status != "running":
                    continue  # mid-migration the source node may still list a stopped copy
                guests[key] = self._guest_live(guest, previous.guests.get(key), now)
        self._rates.retain(guests)
        self._hold.retain([*guests, *(("node", name) for name, node in nodes.items() if node.reachable)])
        return LiveData(nodes=nodes, guests=guests)

    async def _read_node(self, node: str) -> _NodeRead:
        """The node's status and guests (details of the chosen guests included)."""
        timeout = self.request_timeout
        status, qemu, lxc = await gather_all(
            self.client.get_node_status(node, timeout=timeout),
            self.client.get_qemu_guests(node, timeout=timeout),
            self.client.get_lxc_guests(node, timeout=timeout),
        )
        guests = [guest for guest in (*qemu, *lxc) if self._include_templates or not guest.template]
        detailed = [guest for guest in guests if guest.vmid in self._detailed]
        if detailed:
            details = await gather_all(*(self._read_details(guest) for guest in detailed))
            by_key = {(detail.type, detail.vmid): detail for detail in details}
            guests = [by_key.get((guest.type, guest.vmid), guest) for guest in guests]
        return _NodeRead(status=status, guests=guests)

    async def _read_details(self, guest: Guest) -> Guest:
        """``status/current`` of a detailed guest; the list entry when it cannot be read."""
        try:
            return await self.client.get_guest_status(
                guest.node, guest.type, guest.vmid, timeout=self.request_timeout
            )
        except TIER_ERRORS:
            raise
        except PveError as err:
            LOGGER.debug("Details of %s %s not readable: %s", guest.type, guest.vmid, err)
            return guest

    def _log_transition(self, node: str, read: _NodeRead | NodeFailure | None) -> None:
        if isinstance(read, _NodeRead):
            if node in self._unreachable:
                self._unreachable.discard(node)
                LOGGER.info("Node %s of %s is reachable again", node, self.config_entry.title)
        elif node not in self._unreachable:
            self._unreachable.add(node)
            LOGGER.warning(
                "Node %s of %s is unreachable: %s",
                node,
                self.config_entry.title,
                read.error if read is not None else "offline",
            )

    def _node_live(self, status: NodeStatus, previous: NodeLive | None, now: float) -> NodeLive:
        key = ("node", status.node)
        cpu = self._glitches.filter(key, True, percent(status.cpu), previous.cpu_usage if previous else None)
        hold = self._hold.hold
        return NodeLive(
            name=status.node,
            reachable=True,
            cpu_usage=hold(key, "cpu_usage", cpu, NODE_PERCENT_BAND, now),
            load_average=hold(key, "load_average", round(status.loadavg[0], 2), NODE_LOAD_BAND, now),
            io_wait=hold(key, "io_wait", percent(status.iowait), NODE_PERCENT_BAND, now),
            memory_used=hold(
                key, "memory_used", gib(status.memory_used, MEMORY_DIGITS), NODE_MEMORY_BAND, now
            ),
            memory_usage=hold(
                key,
                "memory_usage",
                ratio_percent(status.memory_used, status.memory_total),
                NODE_PERCENT_BAND,
                now,
            ),
            swap_usage=hold(
                key, "swap_usage", ratio_percent(status.swap_used, status.swap_total), NODE_PERCENT_BAND, now
            ),
            root_disk_usage=ratio_percent(status.rootfs_used, status.rootfs_total),
            boot_time=boot_time(previous.boot_time if previous else None, now, status.uptime),
            pve_version=_pve_version(status.pveversion),
        )

    def _guest_live(self, guest: Guest, previous: GuestLive | None, now: float) -> GuestLive:
        key: GuestKey = (guest.type, guest.vmid)
        running = guest.status == "running"
        rates: tuple[int | None, ...] = (0, 0, 0, 0)
        if running:
            rates = self._rates.update(key, now, (guest.netin, guest.netout, guest.diskread, guest.diskwrite))
        else:
            self._rates.forget(key)
            self._hold.forget(key)
        network_in, network_out, disk_read, disk_write = rates
        if running and guest.type == "qemu" and guest.diskread is None:
            disk_read, disk_write = self._inventory_disk_rates(key)
        cpu = self._glitches.filter(
            key, running, percent(guest.cpu), previous.cpu_usage if previous else None
        )
        memory_used = gib(guest.mem, MEMORY_DIGITS)
        memory_usage = ratio_percent(guest.mem, guest.maxmem)
        boot: datetime | None = None
        if running:
            boot = boot_time(previous.boot_time if previous else None, now, guest.uptime)
            hold = self._hold.hold
            cpu = hold(key, "cpu_usage", cpu, GUEST_PERCENT_BAND, now)
            memory_used = hold(key, "memory_used", memory_used, GUEST_MEMORY_BAND, now)
            memory_usage = hold(key, "memory_usage", memory_usage, GUEST_PERCENT_BAND, now)
        return GuestLive(
            vmid=guest.vmid,
            type=guest.type,
            node=guest.node,
            status=STATUS_MAP.get(guest.qmpstatus or guest.status, "unknown"),
            cpu_usage=cpu,
            memory_used=memory_used,
            memory_usage=memory_usage,
            disk_usage=ratio_percent(guest.disk, guest.maxdisk) if guest.type == "lxc" else None,
            network_in=network_in,
            network_out=network_out,
            disk_read=disk_read,
            disk_write=disk_write,
            boot_time=boot,
        )

    def _inventory_disk_rates(self, key: GuestKey) -> tuple[int | None, int | None]:
        inventory = self.inventory.latest
        info = inventory.guests.get(key) if inventory is not None else None
        return (info.disk_read, info.disk_write) if info is not None else (None, None)


def _pve_version(pveversion: str) -> str:
    """``pve-manager/9.0.3/abcdef`` -> ``9.0.3``."""
    parts = pveversion.split("/")
    return parts[1] if len(parts) > 1 else pveversion
