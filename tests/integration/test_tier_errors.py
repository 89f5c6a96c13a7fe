"""Tier failures: translated messages, optional endpoints, fallbacks, and recovery."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import CONF_DETAILED_GUESTS
from simulator import Simulator

from .conftest import setup_entry, state_of, tick


@pytest.mark.parametrize(
    "case",
    [
        ("malformed_json", 200, "Proxmox VE sent an answer that could not be read"),
        ("http_error", 500, "Proxmox VE answered with an error"),
        ("http_error", 595, "cannot be reached through the cluster"),
    ],
)
async def test_live_errors_are_translated(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    case: tuple[str, int, str],
) -> None:
    """Every node failing the same way fails the tier with a translated message; then it recovers."""
    kind, status, message = case
    sim.faults.add(r"/nodes/[^/]+/status", kind, status=status)  # type: ignore[arg-type]
    await tick(hass, freezer, 2)
    live = loaded_entry.runtime_data.live
    assert not live.last_update_success
    assert message in str(live.last_exception)
    assert state_of(hass, "sensor", "homelab_node_pve2_cpu_usage") == "unavailable"
    sim.faults.clear()
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", "homelab_node_pve2_cpu_usage") != "unavailable"


async def test_storage_failure_at_setup_is_not_ready(
    hass: HomeAssistant, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """An optional tier failing for another reason than a privilege still makes the setup retry."""
    sim.faults.add(r"/nodes/[^/]+/storage", "malformed_json")
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_ha_status_forbidden_is_skipped(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """HA status is optional: a 403 there is no issue, and it is not asked again."""
    fault = sim.faults.add(r"/cluster/ha/status", "http_error", status=403)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    await tick(hass, freezer, 10)
    assert fault.hits == 1
    assert config_entry.runtime_data.inventory.data.ha_resources == {}


async def test_quorum_lost(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """Quorum lost shows at the next inventory refresh; HA-managed guests are known."""
    assert loaded_entry.runtime_data.inventory.data.ha_resources
    sim.faults.quorum_lost()
    await tick(hass, freezer, 10)
    assert state_of(hass, "binary_sensor", "homelab_quorate") == "off"


@pytest.mark.parametrize("options", [{CONF_DETAILED_GUESTS: [100]}])
async def test_detail_failure_falls_back_to_list(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """A failing status/current of a detailed guest falls back to the node's list entry."""
    await setup_entry(hass, config_entry)
    sim.faults.add(r"/qemu/100/status/current", "http_error", status=500)
    sim.cluster.guests[100].load = 0.6  # a CPU jump beyond the hold band: published at this tick
    await tick(hass, freezer, 2)
    guest = next(g for g in await config_entry.runtime_data.client.get_qemu_guests("pve1") if g.vmid == 100)
    assert guest.cpu is not None
    assert state_of(hass, "sensor", "homelab_qemu_100_cpu_usage") == str(round(guest.cpu * 100, 1))
