"""Base entity and the wiring that adds entities for objects as the inventory discovers them.

An entity is bound to a ``Target``: a tier's coordinator, a lookup finding its object in that tier's
data, a unique id prefix and a device. It is available while the tier succeeds and the lookup finds
the object (node and guest live values: only while their node is reachable).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import ProxmoxConfigEntry, ProxmoxCoordinator
from .data import (
    NO_BACKUP,
    BackupData,
    GuestBackup,
    GuestInfo,
    GuestKey,
    GuestLive,
    InventoryData,
    LiveData,
    NodeInfo,
    NodeLive,
    StorageData,
    StorageInfo,
    StorageKey,
    StorageValues,
)
from .devices import cluster_id, device_link, guest_id, node_id, storage_id


@dataclass(frozen=True, kw_only=True)
class Target[DataT, ObjT]:
    """Where an entity finds its object and which device it belongs to."""

    coordinator: ProxmoxCoordinator[DataT]
    lookup: Callable[[DataT], ObjT | None]
    unique_id: str
    device_info: DeviceInfo


class ProxmoxEntity[ObjT](CoordinatorEntity[ProxmoxCoordinator[Any]]):
    """An entity showing one value of one object of one tier.

    A tier's data changes whenever any of its objects moved (the live tier: on almost every tick),
    and each change wakes every entity of the tier; an entity writes its state only when what it
    shows (availability, value, attributes) differs from what it wrote last, so an unchanged entity
    costs neither a state write nor a ``state_reported`` event. Writes not caused by the tier
    (added to Home Assistant, registry or device changes) are Home Assistant's and always happen.
    """

    _attr_has_entity_name = True
    _written: tuple[bool, object, object] | None = None

    def __init__(self, target: Target[Any, ObjT], description: EntityDescription) -> None:
        """Bind the entity to its target."""
        super().__init__(target.coordinator)
        self.entity_description = description
        self._lookup = target.lookup
        self._attr_unique_id = f"{target.unique_id}_{description.key}"
        self._attr_device_info = target.device_info

    @property
    def obj(self) -> ObjT | None:
        """The object in the tier's latest data (None: gone, unreachable or no data yet)."""
        data = self.coordinator.latest
        return None if data is None else self._lookup(data)

    @property
    @override
    def available(self) -> bool:
        """Tier up and object present."""
        return super().available and self.obj is not None

    def _state_key(self) -> object:
        """The value this entity shows (each platform: its state property)."""
        raise NotImplementedError

    def _shown(self) -> tuple[bool, object, object]:
        return (self.available, self._state_key(), self.extra_state_attributes)

    @override
    async def async_added_to_hass(self) -> None:
        """Remember what the first write (right after this) shows."""
        await super().async_added_to_hass()
        self._written = self._shown()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state only when what this entity shows changed."""
        shown = self._shown()
        if shown != self._written:
            self._written = shown
            self.async_write_ha_state()


def _identity[T](data: T) -> T:
    return data


def cluster_target[DataT](
    entry: ProxmoxConfigEntry, coordinator: ProxmoxCoordinator[DataT]
) -> Target[DataT, DataT]:
    """A cluster-wide value of a tier's data."""
    return Target(
        coordinator=coordinator,
        lookup=_identity,
        unique_id=cluster_id(entry),
        device_info=device_link(cluster_id(entry)),
    )


def node_live_target(entry: ProxmoxConfigEntry, node: str) -> Target[LiveData, NodeLive]:
    """Live values of a node (unavailable while the node is unreachable)."""

    def lookup(data: LiveData) -> NodeLive | None:
        live = data.nodes.get(node)
        return live if live is not None and live.reachable else None

    return Target(
        coordinator=entry.runtime_data.live,
        lookup=lookup,
        unique_id=node_id(entry, node),
        device_info=device_link(node_id(entry, node)),
    )


def node_inventory_target(entry: ProxmoxConfigEntry, node: str) -> Target[InventoryData, NodeInfo]:
    """A node as the inventory sees it (online or not)."""
    return Target(
        coordinator=entry.runtime_data.inventory,
        lookup=lambda data: data.nodes.get(node),
        unique_id=node_id(entry, node),
        device_info=device_link(node_id(entry, node)),
    )


def guest_live_target(entry: ProxmoxConfigEntry, guest: GuestInfo) -> Target[LiveData, GuestLive]:
    """Live values of a guest (unavailable while its node is unreachable)."""
    key: GuestKey = (guest.type, guest.vmid)
    return Target(
        coordinator=entry.runtime_data.live,
        lookup=lambda data: data.guests.get(key),
        unique_id=guest_id(entry, key),
        device_info=device_link(guest_id(entry, key)),
    )


def guest_backup_target(entry: ProxmoxConfigEntry, guest: GuestInfo) -> Target[BackupData, GuestBackup]:
    """Backup state of a guest (a guest without backup tasks has no last backup)."""
    key: GuestKey = (guest.type, guest.vmid)
    return Target(
        coordinator=entry.runtime_data.backups,
        lookup=lambda data: data.guests.get(guest.vmid, NO_BACKUP),
        unique_id=guest_id(entry, key),
        device_info=device_link(guest_id(entry, key)),
    )


def storage_target(entry: ProxmoxConfigEntry, storage: StorageInfo) -> Target[StorageData, StorageValues]:
    """Usage of a storage (unavailable while no reachable node reports it)."""
    key: StorageKey = (storage.node, storage.storage)
    return Target(
        coordinator=entry.runtime_data.storage,
        lookup=lambda data: data.storages.get(key),
        unique_id=storage_id(entry, key),
        device_info=device_link(storage_id(entry, key)),
    )


@dataclass(frozen=True, kw_only=True)
class PlatformEntities:
    """How a platform builds its entities for each kind of object."""

    cluster: Callable[[], Iterable[Entity]]
    node: Callable[[str], Iterable[Entity]]
    guest: Callable[[GuestInfo], Iterable[Entity]]
    storage: Callable[[StorageInfo], Iterable[Entity]]


@callback
def async_add_platform_entities(
    entry: ProxmoxConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback, build: PlatformEntities
) -> None:
    """Add entities for every object now, and for every new object the inventory reports later.

    A key that vanishes is forgotten (its device is removed by ``devices.async_sync_devices``), so
    an object that comes back later gets its entities again.
    """
    inventory = entry.runtime_data.inventory
    known_nodes: set[str] = set()
    known_guests: set[GuestKey] = set()
    known_storages: set[StorageKey] = set()

    @callback
    def add_new() -> None:
        data = inventory.data
        entities: list[Entity] = []
        for name in data.nodes.keys() - known_nodes:
            entities.extend(build.node(name))
        for key in data.guests.keys() - known_guests:
            entities.extend(build.guest(data.guests[key]))
        for skey in data.storages.keys() - known_storages:
            entities.extend(build.storage(data.storages[skey]))
        # Forget vanished keys, so an object that comes back gets its entities again
        known_nodes.clear()
        known_nodes.update(data.nodes)
        known_guests.clear()
        known_guests.update(data.guests)
        known_storages.clear()
        known_storages.update(data.storages)
        if entities:
            async_add_entities(entities)

    async_add_entities(list(build.cluster()))
    add_new()
    entry.async_on_unload(inventory.async_add_listener(add_new))
