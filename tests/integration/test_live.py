"""Live tier: changes arrive within one interval, rates from counters, glitches hidden, stable boot times."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.coordinator.values import (
    GUEST_PERCENT_BAND,
    HOLD_MAX_AGE,
    NODE_PERCENT_BAND,
)
from simulator import Simulator

from .conftest import state_of, tick

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


async def test_live_change_within_one_interval(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """Node and guest CPU follow the simulator at every 2 s tick, within their hold band.

    A move by less than the band is held until the published value is ``HOLD_MAX_AGE`` old (see
    test_state_writes.py), so over a longer run each tick shows a value within the band of the
    simulator's, and some ticks show exactly the simulator's value.
    """
    client = loaded_entry.runtime_data.client
    seen = set()
    exact_node = exact_guest = 0
    for _ in range(int(HOLD_MAX_AGE // 2) + 2):
        await tick(hass, freezer, 2)
        status = await client.get_node_status("pve1")
        guest = next(g for g in await client.get_qemu_guests("pve1") if g.vmid == 100)
        assert guest.cpu is not None
        node_cpu = state_of(hass, "sensor", "homelab_node_pve1_cpu_usage")
        guest_cpu = state_of(hass, "sensor", "homelab_qemu_100_cpu_usage")
        assert node_cpu is not None
        assert guest_cpu is not None
        assert abs(float(node_cpu) - round(status.cpu * 100, 1)) < NODE_PERCENT_BAND
        assert abs(float(guest_cpu) - round(guest.cpu * 100, 1)) < GUEST_PERCENT_BAND
        exact_node += node_cpu == str(round(status.cpu * 100, 1))
        exact_guest += guest_cpu == str(round(guest.cpu * 100, 1))
        seen.add(node_cpu)
    assert exact_node
    assert exact_guest
    assert len(seen) > 1  # the values really moved


async def test_stop_and_start(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """A stopped guest is off at the next tick, with zero rates and no boot time."""
    sim.cluster.stop_guest(100)
    await tick(hass, freezer, 2)
    assert state_of(hass, "binary_sensor", "homelab_qemu_100_running") == "off"
    assert state_of(hass, "sensor", "homelab_qemu_100_status") == "stopped"
    assert state_of(hass, "sensor", "homelab_qemu_100_boot_time") == "unknown"
    sim.cluster.start_guest(100)
    await tick(hass, freezer, 2)
    assert state_of(hass, "binary_sensor", "homelab_qemu_100_running") == "on"


async def test_network_rates_from_counters(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """[network_in] is the counter delta over the sample interval in KiB/s; a restart gives 0, never < 0."""
    client = loaded_entry.runtime_data.client
    before = next(g for g in await client.get_lxc_guests("pve2") if g.vmid == 101)
    await tick(hass, freezer, 2)
    after = next(g for g in await client.get_lxc_guests("pve2") if g.vmid == 101)
    assert before.netin is not None
    assert after.netin is not None
    expected = round((after.netin - before.netin) / 2 / 1024)
    assert state_of(hass, "sensor", "homelab_lxc_101_network_in") == str(expected)
    assert state_of(hass, "sensor", "homelab_lxc_101_disk_write") not in (None, "unknown")
    # A restart between two samples resets the counters
    sim.cluster.stop_guest(101)
    sim.cluster.start_guest(101)
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", "homelab_lxc_101_network_in") == "0"
    await tick(hass, freezer, 2)
    assert int(state_of(hass, "sensor", "homelab_lxc_101_network_in") or -1) >= 0


async def test_qemu_disk_rates_from_inventory(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """QEMU disk rates come from /cluster/resources counters, refreshed at the inventory interval."""
    client = loaded_entry.runtime_data.client
    before = next(r for r in await client.get_cluster_resources() if r.id == "qemu/100")
    for _ in range(6):  # the inventory samples at 10 s, the live tier relays it at its next tick
        await tick(hass, freezer, 2)
    after = next(r for r in await client.get_cluster_resources() if r.id == "qemu/100")
    assert before.diskwrite is not None
    assert after.diskwrite is not None
    assert after.diskwrite > before.diskwrite
    expected = round((after.diskwrite - before.diskwrite) / 10 / 1024)
    assert state_of(hass, "sensor", "homelab_qemu_100_disk_write") == str(expected)


async def test_cpu_glitch_is_hidden(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """One cpu 0 from a fresh worker keeps the previous value; a second one in a row is believed."""
    sim.cluster.guests[100].load = 0.6  # busy (>= 24 %): a drop to 0 is beyond the hold band
    await tick(hass, freezer, 2)
    previous = state_of(hass, "sensor", "homelab_qemu_100_cpu_usage")
    assert previous not in (None, "0.0")
    sim.faults.guest_cpu_glitch(100)
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", "homelab_qemu_100_cpu_usage") == previous
    sim.faults.guest_cpu_glitch(100, count=2)
    await tick(hass, freezer, 2)
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", "homelab_qemu_100_cpu_usage") == "0.0"


async def test_boot_time_is_stable(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """Boot times do not jitter with the uptime's whole seconds: no state change over many ticks."""
    entity = "homelab_node_pve1_boot_time"
    first = state_of(hass, "sensor", entity)
    for _ in range(10):
        freezer.tick(0.7)
        await tick(hass, freezer, 2)
        assert state_of(hass, "sensor", entity) == first
