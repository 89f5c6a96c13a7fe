"""Sensors of the cluster, its nodes, guests and storages.

Tier per entity: node and guest metrics come from the live tier (QEMU disk rates relayed from the
inventory tier), [last_backup] and the backup counts from the backups tier, storage values from the
storage tier, [nodes_online]/[guests_running] from the inventory tier. Values arrive rounded to the
displayed precision (see ``coordinator/values.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfDataRate, UnitOfInformation
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coordinator import ProxmoxConfigEntry
from .coordinator.live import GUEST_STATUSES
from .data import BackupData, GuestBackup, GuestInfo, GuestLive, InventoryData, NodeLive, StorageValues
from .entity import (
    PlatformEntities,
    ProxmoxEntity,
    Target,
    async_add_platform_entities,
    cluster_target,
    guest_backup_target,
    guest_live_target,
    node_live_target,
    storage_target,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ProxmoxSensorDescription[ObjT](SensorEntityDescription):
    """A sensor reading one value of an object."""

    value_fn: Callable[[ObjT], StateType | datetime]
    exists_fn: Callable[[GuestInfo], bool] = lambda _: True


_PERCENT: dict[str, Any] = {
    "native_unit_of_measurement": PERCENTAGE,
    "state_class": SensorStateClass.MEASUREMENT,
    "suggested_display_precision": 1,
}
_MEMORY: dict[str, Any] = {
    "device_class": SensorDeviceClass.DATA_SIZE,
    "native_unit_of_measurement": UnitOfInformation.GIBIBYTES,
    "suggested_display_precision": 2,
    "state_class": SensorStateClass.MEASUREMENT,
}
_STORAGE = {**_MEMORY, "suggested_display_precision": 1}
_RATE: dict[str, Any] = {
    "device_class": SensorDeviceClass.DATA_RATE,
    "native_unit_of_measurement": UnitOfDataRate.KIBIBYTES_PER_SECOND,
    "suggested_display_precision": 0,
    "state_class": SensorStateClass.MEASUREMENT,
    "entity_registry_enabled_default": False,
}
_BOOT_TIME: dict[str, Any] = {
    "key": "boot_time",
    "translation_key": "boot_time",
    "device_class": SensorDeviceClass.TIMESTAMP,
    "entity_category": EntityCategory.DIAGNOSTIC,
}
_COUNT: dict[str, Any] = {"state_class": SensorStateClass.MEASUREMENT}

_Desc = ProxmoxSensorDescription

NODE_SENSORS: tuple[_Desc[NodeLive], ...] = (
    _Desc(key="cpu_usage", translation_key="cpu_usage", value_fn=lambda n: n.cpu_usage, **_PERCENT),
    _Desc(
        key="load_average",
        translation_key="load_average",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda n: n.load_average,
    ),
    _Desc(
        key="io_wait",
        translation_key="io_wait",
        entity_registry_enabled_default=False,
        value_fn=lambda n: n.io_wait,
        **_PERCENT,
    ),
    _Desc(key="memory_used", translation_key="memory_used", value_fn=lambda n: n.memory_used, **_MEMORY),
    _Desc(key="memory_usage", translation_key="memory_usage", value_fn=lambda n: n.memory_usage, **_PERCENT),
    _Desc(
        key="swap_usage",
        translation_key="swap_usage",
        entity_registry_enabled_default=False,
        value_fn=lambda n: n.swap_usage,
        **_PERCENT,
    ),
    _Desc(
        key="root_disk_usage",
        translation_key="root_disk_usage",
        value_fn=lambda n: n.root_disk_usage,
        **_PERCENT,
    ),
    _Desc(value_fn=lambda n: n.boot_time, **_BOOT_TIME),
)

GUEST_SENSORS: tuple[_Desc[GuestLive], ...] = (
    _Desc(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=GUEST_STATUSES,
        value_fn=lambda g: g.status,
    ),
    _Desc(key="cpu_usage", translation_key="cpu_usage", value_fn=lambda g: g.cpu_usage, **_PERCENT),
    _Desc(
        key="memory_used",
        translation_key="memory_used",
        value_fn=lambda g: g.memory_used,
        **{**_MEMORY, "entity_registry_enabled_default": False},
    ),
    _Desc(key="memory_usage", translation_key="memory_usage", value_fn=lambda g: g.memory_usage, **_PERCENT),
    _Desc(
        key="disk_usage",
        translation_key="disk_usage",
        exists_fn=lambda g: g.type == "lxc",
        value_fn=lambda g: g.disk_usage,
        **_PERCENT,
    ),
    _Desc(key="network_in", translation_key="network_in", value_fn=lambda g: g.network_in, **_RATE),
    _Desc(key="network_out", translation_key="network_out", value_fn=lambda g: g.network_out, **_RATE),
    _Desc(key="disk_read", translation_key="disk_read", value_fn=lambda g: g.disk_read, **_RATE),
    _Desc(key="disk_write", translation_key="disk_write", value_fn=lambda g: g.disk_write, **_RATE),
    _Desc(value_fn=lambda g: g.boot_time, **_BOOT_TIME),
    _Desc(
        key="node",
        translation_key="node",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda g: g.node,
    ),
)

GUEST_BACKUP_SENSORS: tuple[_Desc[GuestBackup], ...] = (
    _Desc(
        key="last_backup",
        translation_key="last_backup",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda b: b.last_backup,
    ),
)

STORAGE_SENSORS: tuple[_Desc[StorageValues], ...] = (
    _Desc(key="storage_usage", translation_key="storage_usage", value_fn=lambda s: s.usage, **_PERCENT),
    _Desc(key="storage_used", translation_key="storage_used", value_fn=lambda s: s.used, **_STORAGE),
    _Desc(
        key="storage_available",
        translation_key="storage_available",
        value_fn=lambda s: s.available,
        **_STORAGE,
    ),
)

CLUSTER_INVENTORY_SENSORS: tuple[_Desc[InventoryData], ...] = (
    _Desc(
        key="nodes_online",
        translation_key="nodes_online",
        value_fn=lambda d: len(d.online_nodes),
        **_COUNT,
    ),
    _Desc(
        key="guests_running",
        translation_key="guests_running",
        value_fn=lambda d: sum(1 for guest in d.guests.values() if guest.status == "running"),
        **_COUNT,
    ),
)

CLUSTER_BACKUP_SENSORS: tuple[_Desc[BackupData], ...] = (
    _Desc(
        key="failed_backups",
        translation_key="failed_backups",
        value_fn=lambda d: d.failed_last_24h,
        **_COUNT,
    ),
    _Desc(
        key="guests_without_backup",
        translation_key="guests_without_backup",
        value_fn=lambda d: d.not_backed_up,
        **_COUNT,
    ),
    _Desc(
        key="next_backup",
        translation_key="next_backup",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda d: d.next_backup,
    ),
)


class ProxmoxSensor[ObjT](ProxmoxEntity[ObjT], SensorEntity):
    """A sensor of a Proxmox VE object."""

    entity_description: ProxmoxSensorDescription[ObjT]

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """The value from the tier's latest data."""
        obj = self.obj
        return None if obj is None else self.entity_description.value_fn(obj)

    @override
    def _state_key(self) -> object:
        return self.native_value


def _sensors[D, O](target: Target[D, O], descriptions: Iterable[_Desc[O]]) -> list[ProxmoxSensor[O]]:
    return [ProxmoxSensor(target, description) for description in descriptions]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ProxmoxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up sensors for every object, now and as new ones appear."""
    runtime = entry.runtime_data

    def guest(info: GuestInfo) -> list[ProxmoxSensor[Any]]:
        live = [d for d in GUEST_SENSORS if d.exists_fn(info)]
        return [
            *_sensors(guest_live_target(entry, info), live),
            *_sensors(guest_backup_target(entry, info), GUEST_BACKUP_SENSORS),
        ]

    async_add_platform_entities(
        entry,
        async_add_entities,
        PlatformEntities(
            cluster=lambda: [
                *_sensors(cluster_target(entry, runtime.inventory), CLUSTER_INVENTORY_SENSORS),
                *_sensors(cluster_target(entry, runtime.backups), CLUSTER_BACKUP_SENSORS),
            ],
            node=lambda name: _sensors(node_live_target(entry, name), NODE_SENSORS),
            guest=guest,
            storage=lambda info: _sensors(storage_target(entry, info), STORAGE_SENSORS),
        ),
    )
