"""The whole host failing: unreachable when Home Assistant starts, gone for a while, 5xx bursts on a tier."""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .conftest import (
    LIVE_INTERVAL,
    PVE1,
    UNAVAILABLE,
    History,
    count_lines,
    problems,
    setup_entry,
    state_of,
    states,
    tick,
    ticks,
)

TIERS = ("live", "inventory", "storage", "backups")


async def test_unreachable_at_start_then_reachable(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing listens on the port at start: setup retries by itself and loads once the host is up."""
    await sim.stop()
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    for _ in range(3):  # a few retries while the host is still down
        await tick(hass, freezer, 80)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    await sim.start()  # same port
    await tick(hass, freezer, 80)  # the retry back-off is at most 80 s
    assert config_entry.state is ConfigEntryState.LOADED
    assert UNAVAILABLE not in states(hass, PVE1).values()
    retries = [r for r in caplog.records if "integration not ready yet" in r.getMessage()]
    assert retries
    assert "Cannot reach Proxmox VE" in retries[0].getMessage()
    # Home Assistant logs each retry at INFO; nothing is logged as a warning or error meanwhile.
    assert all(r.levelno == logging.INFO for r in retries)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "proxmox" in r.name]
    assert not problems(caplog)


async def test_host_gone_and_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every connection reset for two minutes: every tier fails once (one line each), then all recover."""
    sim.faults.add(".*", "reset")
    await ticks(hass, freezer, 60)  # 2 minutes: every tier polls and fails
    assert set(states(hass, PVE1).values()) == {UNAVAILABLE}
    assert state_of(hass, "sensor", "homelab_nodes_online") == UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_storage_nfs-backup_storage_usage") == UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_next_backup") == UNAVAILABLE
    sim.faults.clear()
    await ticks(hass, freezer, 1)  # one live interval
    assert UNAVAILABLE not in states(hass, PVE1).values()
    await ticks(hass, freezer, 30)  # 60 s: the slow tiers refresh too
    assert state_of(hass, "sensor", "homelab_nodes_online") == "3"
    assert state_of(hass, "sensor", "homelab_storage_nfs-backup_storage_usage") != UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_next_backup") != UNAVAILABLE
    for tier in TIERS:
        assert count_lines(caplog, f"Error fetching homelab {tier} data", level=logging.ERROR) == 1, tier
        assert count_lines(caplog, f"Fetching homelab {tier} data recovered") == 1, tier
    assert count_lines(caplog, "Node ") == 0  # a tier-wide failure is not a node failure
    assert not problems(caplog)


async def test_inventory_5xx_burst(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """502s from a reverse proxy on /cluster/resources for 3 polls: inventory entities only, then back."""
    history = History(hass, PVE1)
    sim.faults.add(r"^/cluster/resources$", "http_error", status=502, count=3)
    await ticks(hass, freezer, 5, history=history)  # first failed inventory poll
    assert state_of(hass, "sensor", "homelab_nodes_online") == UNAVAILABLE
    assert state_of(hass, "binary_sensor", "homelab_node_pve2_online") == UNAVAILABLE
    await ticks(hass, freezer, 10, history=history)  # two more failed polls; the burst is spent
    assert state_of(hass, "sensor", "homelab_nodes_online") == UNAVAILABLE
    await ticks(hass, freezer, 5, history=history)  # one inventory interval later
    assert state_of(hass, "sensor", "homelab_nodes_online") == "3"
    await ticks(hass, freezer, 20, history=history)
    assert history.never_unavailable()  # live values never depended on the inventory's answer
    assert history.kept_updating()
    assert count_lines(caplog, "Error fetching homelab inventory data", level=logging.ERROR) == 1
    assert count_lines(caplog, "Fetching homelab inventory data recovered") == 1
    assert count_lines(caplog, "Error fetching homelab live data") == 0
    assert not problems(caplog)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_live_5xx_burst_everywhere(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """A burst on every node's live endpoints fails the live tier (one line), back at the next tick."""
    sim.faults.add(r"^/nodes/[^/]+/(status|qemu|lxc)$", "http_error", status=status, count=9 * 3)
    await ticks(hass, freezer, 3)
    assert set(states(hass, PVE1).values()) == {UNAVAILABLE}
    assert state_of(hass, "sensor", "homelab_nodes_online") == "3"  # the inventory is unaffected
    await ticks(hass, freezer, 1)
    assert UNAVAILABLE not in states(hass, PVE1).values()
    await ticks(hass, freezer, 10)
    assert count_lines(caplog, "Error fetching homelab live data", level=logging.ERROR) == 1
    assert count_lines(caplog, "Fetching homelab live data recovered") == 1
    assert loaded_entry.runtime_data.live.update_interval.total_seconds() == LIVE_INTERVAL  # type: ignore[union-attr]
    assert not problems(caplog)
