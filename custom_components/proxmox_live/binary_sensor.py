"""Binary sensors: cluster quorum, node online, guest running and last backup failed, storage active.

Tier per entity: [quorate] and node [online] from the inventory tier (so [online] stays available
while its node is down), [running] from the live tier, [backup_failed] from the backups tier,
[active] from the storage tier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import ProxmoxConfigEntry
from .data import GuestBackup, GuestInfo, GuestLive, InventoryData, NodeInfo, StorageValues
from .entity import (
    PlatformEntities,
    ProxmoxEntity,
    Target,
    async_add_platform_entities,
    cluster_target,
    guest_backup_target,
    guest_live_target,
    node_inventory_target,
    storage_target,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ProxmoxBinarySensorDescription[ObjT](BinarySensorEntityDescription):
    """A binary sensor reading one state of an object."""

    is_on_fn: Callable[[ObjT], bool | None]
    exists_fn: Callable[[InventoryData], bool] = lambda _: True


_Desc = ProxmoxBinarySensorDescription

CLUSTER_BINARY_SENSORS: tuple[_Desc[InventoryData], ...] = (
    _Desc(
        key="quorate",
        translation_key="quorate",
        exists_fn=lambda d: d.is_cluster,
        is_on_fn=lambda d: d.quorate,
    ),
)
NODE_BINARY_SENSORS: tuple[_Desc[NodeInfo], ...] = (
    _Desc(
        key="online",
        translation_key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda n: n.online,
    ),
)
GUEST_BINARY_SENSORS: tuple[_Desc[GuestLive], ...] = (
    _Desc(
        key="running",
        translation_key="running",
        device_class=BinarySensorDeviceClass.RUNNING,
        is_on_fn=lambda g: g.status == "running",
    ),
)
GUEST_BACKUP_BINARY_SENSORS: tuple[_Desc[GuestBackup], ...] = (
    _Desc(
        key="backup_failed",
        translation_key="backup_failed",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda b: b.last_failed,
    ),
)
STORAGE_BINARY_SENSORS: tuple[_Desc[StorageValues], ...] = (
    _Desc(key="active", translation_key="active", is_on_fn=lambda s: s.active),
)


class ProxmoxBinarySensor[ObjT](ProxmoxEntity[ObjT], BinarySensorEntity):
    """A binary sensor of a Proxmox VE object."""

    entity_description: ProxmoxBinarySensorDescription[ObjT]

    @property
    @override
    def is_on(self) -> bool | None:
        """The state from the tier's latest data."""
        obj = self.obj
        return None if obj is None else self.entity_description.is_on_fn(obj)

    @override
    def _state_key(self) -> object:
        return self.is_on


def _binary[D, O](target: Target[D, O], descriptions: Iterable[_Desc[O]]) -> list[ProxmoxBinarySensor[O]]:
    return [ProxmoxBinarySensor(target, description) for description in descriptions]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ProxmoxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up binary sensors for every object, now and as new ones appear."""
    inventory = entry.runtime_data.inventory

    def guest(info: GuestInfo) -> list[ProxmoxBinarySensor[Any]]:
        return [
            *_binary(guest_live_target(entry, info), GUEST_BINARY_SENSORS),
            *_binary(guest_backup_target(entry, info), GUEST_BACKUP_BINARY_SENSORS),
        ]

    async_add_platform_entities(
        entry,
        async_add_entities,
        PlatformEntities(
            cluster=lambda: _binary(
                cluster_target(entry, inventory),
                [d for d in CLUSTER_BINARY_SENSORS if d.exists_fn(inventory.data)],
            ),
            node=lambda name: _binary(node_inventory_target(entry, name), NODE_BINARY_SENSORS),
            guest=guest,
            storage=lambda info: _binary(storage_target(entry, info), STORAGE_BINARY_SENSORS),
        ),
    )
