"""The four polling tiers, one class per tier, and the runtime data holding them.

- ``live.py``: node and guest metrics (1-10 s);
- ``inventory.py``: nodes, guests, storages, quorum; drives devices (10 s);
- ``storage.py``: storage usage (60 s);
- ``backups.py``: backup results and schedule (60 s).
``base.py`` holds what they share (interval, timeout, error mapping, repair issues).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry

from custom_components.proxmox_live.pve.client import PveClient

from .backups import ProxmoxBackupCoordinator
from .base import ProxmoxCoordinator
from .inventory import ProxmoxInventoryCoordinator
from .live import ProxmoxLiveCoordinator
from .storage import ProxmoxStorageCoordinator

__all__ = [
    "ProxmoxBackupCoordinator",
    "ProxmoxConfigEntry",
    "ProxmoxCoordinator",
    "ProxmoxInventoryCoordinator",
    "ProxmoxLiveCoordinator",
    "ProxmoxRuntimeData",
    "ProxmoxStorageCoordinator",
]


@dataclass(kw_only=True)
class ProxmoxRuntimeData:
    """What a loaded entry holds: the client and its four tiers."""

    client: PveClient
    live: ProxmoxLiveCoordinator
    inventory: ProxmoxInventoryCoordinator
    storage: ProxmoxStorageCoordinator
    backups: ProxmoxBackupCoordinator

    @property
    def coordinators(self) -> tuple[ProxmoxCoordinator[Any], ...]:
        """All tiers."""
        return (self.live, self.inventory, self.storage, self.backups)


type ProxmoxConfigEntry = ConfigEntry[ProxmoxRuntimeData]
