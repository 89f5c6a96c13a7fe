"""Requests hanging past their timeout: one node's live read, one storage (the live tier goes on)."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proxmox_live.const import LIVE_TIMEOUT, STORAGE_TIMEOUT
from simulator import Simulator

from .conftest import (
    PVE1,
    UNAVAILABLE,
    History,
    count_lines,
    problems,
    pump_until,
    state_of,
    states,
    tick_through_hang,
    ticks,
)

PVE2 = ("homelab_node_pve2_cpu_usage", "homelab_lxc_101_cpu_usage")


async def test_node_status_hangs(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """pve2's status never answers: after the live timeout pve2 is unavailable, the rest goes on."""
    fault = sim.faults.add(r"^/nodes/pve2/status$", "hang")
    history = History(hass, PVE1)
    waited = [await tick_through_hang(hass, freezer, 2) for _ in range(4)]
    history.record()
    assert all(extra >= LIVE_TIMEOUT - 2 for extra in waited)  # each tick ended by the 5 s timeout
    assert fault.hits >= 4
    assert set(states(hass, PVE2).values()) == {UNAVAILABLE}
    assert "No answer within 5 s" in caplog.text
    sim.faults.clear()
    await ticks(hass, freezer, 1)  # one live interval
    assert UNAVAILABLE not in states(hass, PVE2).values()
    await ticks(hass, freezer, 10, history=history)
    assert history.never_unavailable()
    assert history.kept_updating()
    assert count_lines(caplog, "Node pve2 of homelab is unreachable") == 1
    assert count_lines(caplog, "Node pve2 of homelab is reachable again") == 1
    assert not problems(caplog)


async def test_storage_hangs_live_unaffected(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """pve1's storage list hangs: live ticks go on every 2 s meanwhile; pve1's local storage times out."""
    fault = sim.faults.add(r"^/nodes/pve1/storage$", "hang")
    history = History(hass, PVE1)
    await ticks(hass, freezer, 28, history=history)  # to 56 s: just before the storage refresh
    storage = loaded_entry.runtime_data.storage
    live = loaded_entry.runtime_data.live
    # The storage refresh starts and hangs; live refreshes keep completing while it waits.
    for _ in range(int(STORAGE_TIMEOUT) // 2 - 1):
        await tick_step(hass, freezer, loaded_entry)
        history.record()
    assert fault.hits == 1
    assert storage.last_update_success  # still waiting, not failed
    assert live.last_update_success
    await tick_through_hang(hass, freezer, 2)  # past the 15 s storage timeout
    assert state_of(hass, "sensor", "homelab_storage_pve1_local_storage_usage") == UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_storage_pve2_local_storage_usage") != UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_storage_nfs-backup_storage_usage") != UNAVAILABLE
    sim.faults.clear()
    await ticks(hass, freezer, 30, history=history)  # one storage interval
    assert state_of(hass, "sensor", "homelab_storage_pve1_local_storage_usage") != UNAVAILABLE
    assert history.never_unavailable()
    assert history.kept_updating()
    assert not problems(caplog)


async def tick_step(hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry) -> None:
    """One live interval while the storage refresh hangs: wait for the live refresh only."""
    live = entry.runtime_data.live
    before = live.data
    freezer.tick(2)
    async_fire_time_changed(hass)
    assert await pump_until(lambda: live.data is not before)
