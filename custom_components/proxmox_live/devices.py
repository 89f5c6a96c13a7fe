"""Devices: identifiers, device info, and keeping the device registry in line with the inventory.

One cluster device (the hub), one device per node (via the cluster), one per guest (via its current
node), one per storage (a shared storage once, a local storage per node). Identifiers never contain a
guest's node, so a migration keeps the device and its entities; the guest's ``via_device_id`` follows it.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from .const import CONF_HOST, CONF_PORT, DEFAULT_PORT, DOMAIN, MANUFACTURER
from .coordinator import ProxmoxConfigEntry
from .data import GuestInfo, GuestKey, InventoryData, StorageInfo, StorageKey

GUEST_MODELS = {"qemu": "Virtual machine", "lxc": "Container"}


def cluster_id(entry: ProxmoxConfigEntry) -> str:
    """Identifier of the cluster (hub) device."""
    return str(entry.unique_id)


def node_id(entry: ProxmoxConfigEntry, node: str) -> str:
    """Identifier (and unique id prefix) of a node."""
    return f"{entry.unique_id}_node_{node}"


def guest_id(entry: ProxmoxConfigEntry, key: GuestKey) -> str:
    """Identifier (and unique id prefix) of a guest: cluster, type and VMID, never the node."""
    return f"{entry.unique_id}_{key[0]}_{key[1]}"


def storage_id(entry: ProxmoxConfigEntry, key: StorageKey) -> str:
    """Identifier (and unique id prefix) of a storage."""
    node, sid = key
    return f"{entry.unique_id}_storage_{sid}" if node is None else f"{entry.unique_id}_storage_{node}_{sid}"


def ui_url(entry: ProxmoxConfigEntry, target: str | None = None) -> str:
    """The Proxmox web UI, optionally deep-linked to ``target`` (e.g. ``qemu/100``)."""
    host = str(entry.data[CONF_HOST])
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    url = f"https://{host}:{entry.data.get(CONF_PORT, DEFAULT_PORT)}/"
    return url if target is None else f"{url}#v1:0:={target.replace('/', '%2F')}"


def device_link(identifier: str) -> DeviceInfo:
    """What an entity carries: a link to a device ``DeviceSync`` registered with all its details."""
    return DeviceInfo(identifiers={(DOMAIN, identifier)})


def cluster_device(entry: ProxmoxConfigEntry, inventory: InventoryData) -> DeviceInfo:
    """The hub device, named after the cluster (or the standalone host)."""
    return DeviceInfo(
        identifiers={(DOMAIN, cluster_id(entry))},
        name=inventory.cluster_name,
        manufacturer=MANUFACTURER,
        model="Proxmox VE cluster" if inventory.is_cluster else "Proxmox VE host",
        configuration_url=ui_url(entry),
    )


def node_device(entry: ProxmoxConfigEntry, node: str, version: str | None, via: str) -> DeviceInfo:
    """A node, via the cluster; ``sw_version`` is its PVE version."""
    return DeviceInfo(
        identifiers={(DOMAIN, node_id(entry, node))},
        name=node,
        manufacturer=MANUFACTURER,
        model="Proxmox VE node",
        sw_version=version,
        via_device_id=via,
        configuration_url=ui_url(entry, f"node/{node}"),
    )


def guest_device(entry: ProxmoxConfigEntry, guest: GuestInfo, via: str) -> DeviceInfo:
    """A VM or container, via its current node."""
    return DeviceInfo(
        identifiers={(DOMAIN, guest_id(entry, (guest.type, guest.vmid)))},
        name=guest.name,
        manufacturer=MANUFACTURER,
        model=GUEST_MODELS[guest.type],
        serial_number=str(guest.vmid),
        via_device_id=via,
        configuration_url=ui_url(entry, f"{guest.type}/{guest.vmid}"),
    )


def storage_device(entry: ProxmoxConfigEntry, storage: StorageInfo, via: str) -> DeviceInfo:
    """A storage: shared ones via the cluster, local ones via their node."""
    return DeviceInfo(
        identifiers={(DOMAIN, storage_id(entry, (storage.node, storage.storage)))},
        name=storage.storage if storage.node is None else f"{storage.storage} ({storage.node})",
        manufacturer=MANUFACTURER,
        model=f"Storage ({storage.type})" if storage.type else "Storage",
        via_device_id=via,
        configuration_url=ui_url(entry, f"storage/{storage.nodes[0]}/{storage.storage}"),
    )


class DeviceSync:
    """Keeps the device registry in line with the inventory (a listener of the inventory tier).

    Registers devices parents first (cluster, nodes, then guests and storages, each linked to its
    parent by ``via_device_id``), so entities only link to them by identifier. Removes the devices
    of vanished objects (their entities go with them), also stale ones left from an earlier run.
    Re-points a migrated guest to its new node, follows renames and node upgrades. A device whose
    details did not change since the last sync is not touched.
    """

    def __init__(self, hass: HomeAssistant, entry: ProxmoxConfigEntry) -> None:
        """Bind to the entry."""
        self._hass = hass
        self._entry = entry
        self._synced: dict[str, DeviceInfo] = {}

    @callback
    def __call__(self) -> None:
        """Sync the registry with the latest inventory."""
        entry = self._entry
        inventory = entry.runtime_data.inventory.data
        live = entry.runtime_data.live.latest
        registry = dr.async_get(self._hass)
        self._remove_vanished(registry, inventory)
        hub = self._register(registry, cluster_device(entry, inventory))
        nodes: dict[str, str] = {}
        for name in inventory.nodes:
            node_live = live.nodes.get(name) if live is not None else None
            version = node_live.pve_version if node_live is not None else None
            nodes[name] = self._register(registry, node_device(entry, name, version, hub))
        for guest in inventory.guests.values():
            self._register(registry, guest_device(entry, guest, nodes.get(guest.node, hub)))
        for storage in inventory.storages.values():
            via = hub if storage.node is None else nodes.get(storage.node, hub)
            self._register(registry, storage_device(entry, storage, via))

    def _remove_vanished(self, registry: dr.DeviceRegistry, inventory: InventoryData) -> None:
        entry = self._entry
        expected = {
            cluster_id(entry),
            *(node_id(entry, node) for node in inventory.nodes),
            *(guest_id(entry, key) for key in inventory.guests),
            *(storage_id(entry, key) for key in inventory.storages),
        }
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
            ids = {value for domain, value in device.identifiers if domain == DOMAIN}
            if not ids & expected:
                registry.async_remove_device(device.id)
                for identifier in ids:
                    self._synced.pop(identifier, None)

    def _register(self, registry: dr.DeviceRegistry, info: DeviceInfo) -> str:
        """Create or update the device; return its registry id."""
        ((domain, identifier),) = info["identifiers"]
        if self._synced.get(identifier) == info and (
            device := registry.async_get_device_by_identifier((domain, identifier), self._entry.entry_id)
        ):
            return device.id
        device = registry.async_get_or_create(config_entry_id=self._entry.entry_id, **info)
        self._synced[identifier] = info
        return device.id
