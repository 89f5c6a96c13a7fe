"""Inventory drives devices: new guests appear, migrated ones keep their entities, deleted ones go."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import DOMAIN
from simulator import Simulator

from .conftest import device_of, setup_entry, state_of, tick


async def inventory_tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run one inventory interval (10 s) and the live tick that follows."""
    for _ in range(6):
        await tick(hass, freezer, 2)


async def test_new_guest_without_reload(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """A guest created in Proxmox gets its device and entities within one inventory interval."""
    sim.cluster.add_guest("pve2", 150, "qemu", "newcomer")
    await inventory_tick(hass, freezer)
    device = device_of(hass, "homelab_qemu_150")
    node = device_of(hass, "homelab_node_pve2")
    assert device is not None
    assert node is not None
    assert device.name == "newcomer"
    assert device.via_device_id == node.id
    assert state_of(hass, "binary_sensor", "homelab_qemu_150_running") == "on"
    assert state_of(hass, "sensor", "homelab_qemu_150_cpu_usage") not in (None, "unavailable")


async def test_migration_keeps_entities(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """A migrated guest keeps its device and entity ids; its device now hangs off the new node."""
    registry = er.async_get(hass)
    before = registry.async_get_entity_id("sensor", DOMAIN, "homelab_qemu_100_cpu_usage")
    device = device_of(hass, "homelab_qemu_100")
    assert device is not None
    sim.cluster.migrate_guest(100, "pve3")
    await inventory_tick(hass, freezer)
    assert registry.async_get_entity_id("sensor", DOMAIN, "homelab_qemu_100_cpu_usage") == before
    moved = device_of(hass, "homelab_qemu_100")
    pve3 = device_of(hass, "homelab_node_pve3")
    assert moved is not None
    assert pve3 is not None
    assert moved.id == device.id
    assert moved.via_device_id == pve3.id
    assert state_of(hass, "sensor", "homelab_qemu_100_node") == "pve3"


async def test_deleted_and_reused_vmid(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """A deleted guest loses its device and entities; its VMID reused by a container is a new device."""
    registry = er.async_get(hass)
    sim.cluster.remove_guest(102)
    await inventory_tick(hass, freezer)
    assert device_of(hass, "homelab_qemu_102") is None
    assert registry.async_get_entity_id("sensor", DOMAIN, "homelab_qemu_102_cpu_usage") is None
    sim.cluster.remove_guest(104)
    sim.cluster.add_guest("pve2", 104, "lxc", "reborn")
    await inventory_tick(hass, freezer)
    assert device_of(hass, "homelab_qemu_104") is None
    device = device_of(hass, "homelab_lxc_104")
    assert device is not None
    assert device.name == "reborn"
    assert state_of(hass, "sensor", "homelab_lxc_104_disk_usage") not in (None, "unavailable")


async def test_stale_device_removed_at_setup(
    hass: HomeAssistant, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """A device left from an earlier run (a guest deleted meanwhile) is removed at setup."""
    config_entry.add_to_hass(hass)
    dr.async_get(hass).async_get_or_create(
        config_entry_id=config_entry.entry_id, identifiers={(DOMAIN, "homelab_qemu_999")}, name="gone"
    )
    await setup_entry(hass, config_entry)
    assert device_of(hass, "homelab_qemu_999") is None
    assert device_of(hass, "homelab_qemu_100") is not None
