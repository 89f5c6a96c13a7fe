"""Request cost of the live tier: 3 requests per online node per tick, whatever the number of guests."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import CONF_DETAILED_GUESTS
from simulator import Simulator

from .conftest import setup_entry, state_of, tick

LIVE = {"/nodes/{node}/status": 3, "/nodes/{node}/qemu": 3, "/nodes/{node}/lxc": 3}


async def test_live_cost_independent_of_guest_count(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """One live tick reads exactly the three lists of each node, with 29 guests and with 49."""
    sim.reset_counters()
    await tick(hass, freezer, 2)
    assert dict(sim.counters) == LIVE
    for vmid in range(200, 220):
        sim.cluster.add_guest(f"pve{vmid % 3 + 1}", vmid, "lxc" if vmid % 2 else "qemu", f"extra{vmid}")
    for _ in range(4):  # up to the next inventory refresh (t = 10 s)
        await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", "homelab_lxc_219_cpu_usage") not in (None, "unavailable")
    sim.reset_counters()
    await tick(hass, freezer, 2)
    assert dict(sim.counters) == LIVE


@pytest.mark.parametrize("options", [{CONF_DETAILED_GUESTS: [100, 101]}])
async def test_detailed_guests_cost_one_request_each(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    config_entry: MockConfigEntry,
    options: dict[str, Any],
) -> None:
    """Guests the user chose also get status/current: one more request each per tick."""
    await setup_entry(hass, config_entry)
    sim.reset_counters()
    sim.cluster.guests[100].load = 0.6  # a CPU jump beyond the hold band: published at this tick
    await tick(hass, freezer, 2)
    assert dict(sim.counters) == {
        **LIVE,
        "/nodes/{node}/qemu/{vmid}/status/current": 1,
        "/nodes/{node}/lxc/{vmid}/status/current": 1,
    }
    client = config_entry.runtime_data.client
    detail = await client.get_guest_status("pve1", "qemu", 100)
    assert detail.cpu is not None
    assert state_of(hass, "sensor", "homelab_qemu_100_cpu_usage") == str(round(detail.cpu * 100, 1))
