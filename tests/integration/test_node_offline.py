"""An offline node makes only its own entities unavailable, logged once each way."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .conftest import state_of, tick

UNAVAILABLE = "unavailable"


def log_lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """How many records of the integration mention ``text``."""
    return sum(1 for r in caplog.records if r.name.startswith("custom_components") and text in r.getMessage())


async def test_node_offline_and_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """pve3 down: its node and guest entities go unavailable, pve1's stay; all come back together."""
    sim.faults.node_offline("pve3")
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", "homelab_node_pve3_cpu_usage") == UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_qemu_102_cpu_usage") == UNAVAILABLE  # a guest on pve3
    assert state_of(hass, "sensor", "homelab_node_pve1_cpu_usage") != UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_qemu_100_cpu_usage") != UNAVAILABLE  # a guest on pve1
    for _ in range(5):  # the inventory notices at its next refresh; no more requests to pve3 then
        await tick(hass, freezer, 2)
    assert state_of(hass, "binary_sensor", "homelab_node_pve3_online") == "off"
    assert state_of(hass, "binary_sensor", "homelab_node_pve1_online") == "on"
    assert state_of(hass, "sensor", "homelab_nodes_online") == "2"
    sim.reset_counters()
    await tick(hass, freezer, 2)
    assert sum(sim.counters.values()) == 6  # 3 requests for each of the 2 online nodes
    assert log_lines(caplog, "Node pve3 of homelab is unreachable") == 1

    sim.faults.node_online("pve3")
    for _ in range(6):
        await tick(hass, freezer, 2)
    assert state_of(hass, "binary_sensor", "homelab_node_pve3_online") == "on"
    assert state_of(hass, "sensor", "homelab_node_pve3_cpu_usage") != UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_qemu_102_cpu_usage") != UNAVAILABLE
    assert log_lines(caplog, "Node pve3 of homelab is reachable again") == 1
    assert log_lines(caplog, "unreachable") == 1


async def test_storage_of_offline_node(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """Local storage of an offline node is unavailable; shared storage still reads from the others."""
    sim.faults.node_offline("pve3")
    await tick(hass, freezer, 60)
    await tick(hass, freezer, 60)
    assert state_of(hass, "sensor", "homelab_storage_pve3_local_storage_usage") == UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_storage_pve1_local_storage_usage") != UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_storage_nfs-backup_storage_usage") != UNAVAILABLE
