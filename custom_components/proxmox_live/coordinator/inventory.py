"""Inventory tier: what exists (nodes, guests, storages), quorum and placement, every 10 s.

Reads ``/cluster/resources`` and ``/cluster/status`` (plus ``/cluster/ha/status/current`` while it is
readable: a 403 or a missing HA stack stops asking until the next reload). Cheap cluster-wide reads
that still answer while other nodes are down. This tier drives devices and entities: new keys get
entities without a reload, vanished keys lose their devices.

It also feeds the QEMU [disk_read]/[disk_write] rates: the per-node QEMU list (live tier) carries no
disk counters, ``/cluster/resources`` does at pvestatd's 10 s cadence. Each guest's entry changes
once per pvestatd broadcast; a poll that sees the same entry again is the same snapshot, so it keeps
the previous rate instead of measuring zero bytes over the poll interval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, override

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.proxmox_live.const import (
    CONF_INCLUDE_TEMPLATES,
    CONF_INVENTORY_INTERVAL,
    DEFAULT_INVENTORY_INTERVAL,
    INVENTORY_TIMEOUT,
    LOGGER,
)
from custom_components.proxmox_live.data import (
    GuestInfo,
    GuestKey,
    InventoryData,
    NodeInfo,
    StorageInfo,
    StorageKey,
)
from custom_components.proxmox_live.pve.errors import PveApiError, PveNotFoundError, PvePermissionError
from custom_components.proxmox_live.pve.models import ClusterResource, ClusterStatus

from .base import ProxmoxCoordinator, gather_all
from .values import RateTracker

if TYPE_CHECKING:
    from custom_components.proxmox_live.pve.client import PveClient

    from . import ProxmoxConfigEntry


class ProxmoxInventoryCoordinator(ProxmoxCoordinator[InventoryData]):
    """Nodes, guests and storages of the cluster, with quorum and HA state."""

    tier = "inventory"
    interval_option = CONF_INVENTORY_INTERVAL
    default_interval = DEFAULT_INVENTORY_INTERVAL
    request_timeout = INVENTORY_TIMEOUT
    required = True

    def __init__(
        self, hass: HomeAssistant, entry: ProxmoxConfigEntry, client: PveClient, cluster: ClusterStatus
    ) -> None:
        """Start from the cluster status read while connecting."""
        super().__init__(hass, entry, client)
        self._initial = cluster
        self._include_templates = bool(entry.options.get(CONF_INCLUDE_TEMPLATES, False))
        self._ha_readable = True
        self._rates = RateTracker()
        self._snapshots: dict[GuestKey, ClusterResource] = {}

    def node_states(self) -> dict[str, bool]:
        """Every known node and whether it is online (before the first refresh: the setup's view)."""
        if (data := self.latest) is not None:
            return {name: node.online for name, node in data.nodes.items()}
        return {node.name: node.online for node in self._initial.nodes}

    def online_nodes(self) -> list[str]:
        """Names of the nodes to ask for per-node data."""
        return [name for name, online in self.node_states().items() if online]

    @override
    async def _async_fetch(self) -> InventoryData:
        resources, status = await gather_all(
            self.client.get_cluster_resources(timeout=self.request_timeout),
            self.client.get_cluster_status(timeout=self.request_timeout),
        )
        ha_resources = await self._read_ha()
        nodes = {node.name: NodeInfo(name=node.name, online=node.online) for node in status.nodes}
        return InventoryData(
            cluster_name=status.name or self.config_entry.title,
            is_cluster=status.is_cluster,
            quorate=status.quorate,
            nodes=nodes,
            guests=self._guests(resources),
            storages=storage_infos(resources),
            ha_resources=ha_resources,
        )

    async def _read_ha(self) -> dict[str, str]:
        if not self._ha_readable:
            return {}
        try:
            resources = await self.client.get_ha_status(timeout=self.request_timeout)
        except (PvePermissionError, PveNotFoundError, PveApiError) as err:
            LOGGER.debug("HA status not readable, not asking again until reload: %s", err)
            self._ha_readable = False
            return {}
        return {res.sid: res.state or res.status for res in resources if res.type == "service" and res.sid}

    def _guests(self, resources: list[ClusterResource]) -> dict[GuestKey, GuestInfo]:
        now = dt_util.utcnow().timestamp()
        previous = data.guests if (data := self.latest) is not None else {}
        guests: dict[GuestKey, GuestInfo] = {}
        for res in resources:
            if res.type not in ("qemu", "lxc") or res.vmid is None or res.node is None:
                continue
            if res.template and not self._include_templates:
                continue
            key: GuestKey = ("qemu" if res.type == "qemu" else "lxc", res.vmid)
            disk_read, disk_write = self._disk_rates(key, res, previous.get(key), now)
            guests[key] = GuestInfo(
                vmid=res.vmid,
                type=key[0],
                name=res.name or f"{key[0]} {res.vmid}",
                node=res.node,
                status=res.status or "unknown",
                lock=res.lock,
                hastate=res.hastate,
                tags=res.tags,
                disk_read=disk_read,
                disk_write=disk_write,
            )
        self._rates.retain(guests)
        for key in [key for key in self._snapshots if key not in guests]:
            del self._snapshots[key]
        return guests

    def _disk_rates(
        self, key: GuestKey, res: ClusterResource, previous: GuestInfo | None, now: float
    ) -> tuple[int | None, int | None]:
        if res.status != "running":
            self._rates.forget(key)
            self._snapshots.pop(key, None)
            return 0, 0
        if previous is not None and self._snapshots.get(key) == res:
            return previous.disk_read, previous.disk_write  # same pvestatd snapshot as last poll
        self._snapshots[key] = res
        disk_read, disk_write = self._rates.update(key, now, (res.diskread, res.diskwrite))
        return disk_read, disk_write


def storage_infos(resources: list[ClusterResource]) -> dict[StorageKey, StorageInfo]:
    """Storage devices from ``/cluster/resources``: a shared storage once, a local one per node."""
    storages: dict[StorageKey, StorageInfo] = {}
    for res in resources:
        if res.type != "storage" or res.storage is None or res.node is None:
            continue
        key: StorageKey = (None, res.storage) if res.shared else (res.node, res.storage)
        known = storages.get(key)
        nodes = (*known.nodes, res.node) if known else (res.node,)
        storages[key] = StorageInfo(
            storage=res.storage, node=key[0], nodes=nodes, type=res.plugintype, content=res.content
        )
    return storages
