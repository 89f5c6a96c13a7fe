"""Setup, unload, an unreachable host (not ready, recovers by itself) and rejected credentials (reauth)."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import DOMAIN
from simulator import Simulator

from .conftest import setup_entry, state_of, tick


async def test_unload(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Unloading stops the tiers and leaves the entities unavailable."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert state_of(hass, "sensor", "homelab_node_pve1_cpu_usage") == "unavailable"


async def test_unreachable_at_start_recovers(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """Host unreachable at start: not ready, and Home Assistant's retry sets it up once it is back."""
    sim.faults.add(".*", "reset")
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    sim.faults.clear()
    await tick(hass, freezer, 30)
    assert config_entry.state is ConfigEntryState.LOADED


async def test_auth_failure_at_start_starts_reauth(
    hass: HomeAssistant, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """Revoked token at start: setup error and a reauth flow."""
    sim.faults.revoke_token()
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_auth_failure_at_runtime_starts_reauth(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """A token revoked while running: entities unavailable and a reauth flow."""
    sim.faults.revoke_token()
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", "homelab_node_pve1_cpu_usage") == "unavailable"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_host_unreachable_at_runtime(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """The whole host gone: the live tier fails (all unavailable) and recovers when it is back."""
    sim.faults.add(".*", "reset")
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", "homelab_node_pve1_cpu_usage") == "unavailable"
    assert state_of(hass, "sensor", "homelab_qemu_100_cpu_usage") == "unavailable"
    assert loaded_entry.runtime_data.live.last_exception is not None
    assert "Cannot reach Proxmox VE" in str(loaded_entry.runtime_data.live.last_exception)
    sim.faults.clear()
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", "homelab_node_pve1_cpu_usage") not in (None, "unavailable")
