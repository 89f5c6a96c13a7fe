"""Options and defaults: templates when chosen, intervals, a standalone host, entity defaults."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import (
    CONF_INCLUDE_TEMPLATES,
    CONF_INVENTORY_INTERVAL,
    CONF_LIVE_INTERVAL,
    DOMAIN,
)

from .conftest import device_of, setup_entry, state_of


async def test_templates_excluded_by_default(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """VM 129 is a template: no device unless the user opts in; intervals are the defaults."""
    assert device_of(hass, "homelab_qemu_129") is None
    runtime = loaded_entry.runtime_data
    assert runtime.live.update_interval == timedelta(seconds=2)
    assert runtime.inventory.update_interval == timedelta(seconds=10)
    assert runtime.storage.update_interval == timedelta(seconds=60)
    assert runtime.backups.update_interval == timedelta(seconds=60)


@pytest.mark.parametrize(
    "options", [{CONF_INCLUDE_TEMPLATES: True, CONF_LIVE_INTERVAL: 1, CONF_INVENTORY_INTERVAL: 30}]
)
async def test_templates_included(
    hass: HomeAssistant, config_entry: MockConfigEntry, options: dict[str, Any]
) -> None:
    """With the option, templates get a device too; the chosen intervals apply."""
    await setup_entry(hass, config_entry)
    device = device_of(hass, "homelab_qemu_129")
    assert device is not None
    assert device.name == "debian-12-template"
    assert state_of(hass, "binary_sensor", "homelab_qemu_129_running") == "off"
    assert config_entry.runtime_data.live.update_interval == timedelta(seconds=1)
    assert config_entry.runtime_data.inventory.update_interval == timedelta(seconds=30)


@pytest.mark.parametrize("scenario", ["standalone"])
async def test_standalone_host(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """A host outside a cluster: the hub is named after the node and has no quorum entity."""
    hub = device_of(hass, "pve")
    assert hub is not None
    assert hub.name == "pve"
    assert hub.model == "Proxmox VE host"
    assert state_of(hass, "binary_sensor", "pve_quorate") is None
    assert state_of(hass, "sensor", "pve_nodes_online") == "1"
    assert state_of(hass, "sensor", "pve_node_pve_cpu_usage") not in (None, "unavailable")


async def test_entity_defaults(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Noisy entities start disabled, diagnostic ones are categorised, units as displayed."""
    registry = er.async_get(hass)

    def entry_of(platform: str, unique_id: str) -> er.RegistryEntry:
        entity_id = registry.async_get_entity_id(platform, DOMAIN, unique_id)
        assert entity_id is not None
        entity = registry.async_get(entity_id)
        assert entity is not None
        return entity

    for unique_id in (
        "node_pve1_io_wait",
        "node_pve1_swap_usage",
        "qemu_100_network_in",
        "qemu_100_memory_used",
    ):
        assert entry_of("sensor", f"homelab_{unique_id}").disabled_by is er.RegistryEntryDisabler.INTEGRATION
    for unique_id in (
        "node_pve1_cpu_usage",
        "qemu_100_cpu_usage",
        "qemu_100_memory_usage",
        "qemu_100_status",
    ):
        assert entry_of("sensor", f"homelab_{unique_id}").disabled_by is None
    assert entry_of("sensor", "homelab_qemu_100_boot_time").entity_category is EntityCategory.DIAGNOSTIC
    assert entry_of("sensor", "homelab_qemu_100_node").entity_category is EntityCategory.DIAGNOSTIC
    memory = hass.states.get(entry_of("sensor", "homelab_node_pve1_memory_used").entity_id)
    assert memory is not None
    assert memory.attributes["unit_of_measurement"] == "GiB"
    nodes = hass.states.get(entry_of("sensor", "homelab_nodes_online").entity_id)
    assert nodes is not None
    assert "unit_of_measurement" not in nodes.attributes  # a plain count ("3", not "3 nodes")
    assert nodes.attributes["state_class"] == "measurement"
