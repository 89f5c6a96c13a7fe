"""Storage tier: usage of every storage, every 60 s, from ``/nodes/{n}/storage`` per online node.

A shared storage is one device: its values come from the first node that reports it active. A local
storage is one device per node. A node whose request fails leaves its local storages unavailable.
"""

from __future__ import annotations

from typing import override

from custom_components.proxmox_live.const import (
    CONF_STORAGE_INTERVAL,
    DEFAULT_STORAGE_INTERVAL,
    STORAGE_TIMEOUT,
)
from custom_components.proxmox_live.data import StorageData, StorageKey, StorageValues
from custom_components.proxmox_live.pve.models import Storage

from .base import NodeFailure, NodeTierCoordinator, read_nodes
from .values import STORAGE_DIGITS, gib, ratio_percent


class ProxmoxStorageCoordinator(NodeTierCoordinator[StorageData]):
    """Used, available and active state of storages."""

    tier = "storage"
    interval_option = CONF_STORAGE_INTERVAL
    default_interval = DEFAULT_STORAGE_INTERVAL
    request_timeout = STORAGE_TIMEOUT

    @override
    async def _async_fetch(self) -> StorageData:
        nodes = self.inventory.online_nodes()
        reads = await read_nodes(nodes, self._read_node)
        storages: dict[StorageKey, StorageValues] = {}
        for read in reads.values():
            if isinstance(read, NodeFailure):
                continue
            for storage in read:
                key: StorageKey = (
                    (None, storage.storage) if storage.shared else (storage.node, storage.storage)
                )
                known = storages.get(key)
                if known is None or (not known.active and storage.active):
                    storages[key] = _values(storage)
        return StorageData(storages=storages)

    async def _read_node(self, node: str) -> list[Storage]:
        return await self.client.get_storages(node, timeout=self.request_timeout)


def _values(storage: Storage) -> StorageValues:
    return StorageValues(
        active=storage.active,
        enabled=storage.enabled,
        usage=ratio_percent(storage.used, storage.total),
        used=gib(storage.used, STORAGE_DIGITS),
        available=gib(storage.avail, STORAGE_DIGITS),
        total=gib(storage.total, STORAGE_DIGITS),
    )
