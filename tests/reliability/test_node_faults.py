"""One node failing (offline, 595 from the proxy, 5xx bursts, connection resets): only its objects go.

Each test watches pve1's entities (never hit) for "kept updating, never unavailable", checks the
node's and its guests' entities go unavailable, come back within one interval after the fault
ends, and counts the transition log lines over many ticks: exactly one each way.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .conftest import (
    INVENTORY_INTERVAL,
    LIVE_INTERVAL,
    PVE1,
    UNAVAILABLE,
    History,
    count_lines,
    problems,
    state_of,
    states,
    ticks,
)

PVE2 = ("homelab_node_pve2_cpu_usage", "homelab_lxc_101_cpu_usage", "homelab_qemu_104_memory_usage")
PVE3 = ("homelab_node_pve3_cpu_usage", "homelab_qemu_102_cpu_usage", "homelab_lxc_105_memory_usage")
DOWN = "Node {} of homelab is unreachable"
BACK = "Node {} of homelab is reachable again"


async def test_node_offline_and_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """pve3 offline (595 when proxied to, offline in the cluster status) for a minute, then back."""
    history = History(hass, PVE1)
    sim.faults.node_offline("pve3")
    await ticks(hass, freezer, 1)
    assert set(states(hass, PVE3).values()) == {UNAVAILABLE}
    await ticks(hass, freezer, 30, history=history)  # 60 s: several inventory and storage refreshes
    assert set(states(hass, PVE3).values()) == {UNAVAILABLE}
    assert state_of(hass, "binary_sensor", "homelab_node_pve3_online") == "off"
    assert history.never_unavailable()
    assert history.kept_updating()

    sim.faults.node_online("pve3")
    # The inventory (10 s) sees the node online, the next live tick reads it.
    await ticks(hass, freezer, (INVENTORY_INTERVAL + LIVE_INTERVAL) // LIVE_INTERVAL)
    assert UNAVAILABLE not in states(hass, PVE3).values()
    assert state_of(hass, "binary_sensor", "homelab_node_pve3_online") == "on"
    await ticks(hass, freezer, 30, history=history)
    assert history.never_unavailable()
    assert count_lines(caplog, DOWN.format("pve3")) == 1
    assert count_lines(caplog, BACK.format("pve3")) == 1
    assert not problems(caplog)


@pytest.mark.parametrize(
    ("kind", "status", "per_tick"),
    [
        ("http_error", 595, 3),  # the proxy cannot reach the node while the cluster still lists it
        ("http_error", 500, 3),  # a burst of internal server errors
        ("http_error", 503, 3),
        ("reset", 500, 6),  # connection resets (aiohttp retries a GET once after a reset)
    ],
)
async def test_node_burst(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    status: int,
    per_tick: int,
) -> None:
    """Every live request to pve2 fails for 5 ticks: pve2's objects unavailable, back at the next tick."""
    history = History(hass, PVE1)
    burst = 5
    fault = sim.faults.add(
        r"^/nodes/pve2/(status|qemu|lxc)$",
        kind,  # type: ignore[arg-type]
        status=status,
        count=burst * per_tick,
    )
    await ticks(hass, freezer, 1, history=history)
    assert set(states(hass, PVE2).values()) == {UNAVAILABLE}
    await ticks(hass, freezer, burst - 1, history=history)
    assert fault not in sim.faults.active  # the burst is over
    assert set(states(hass, PVE2).values()) == {UNAVAILABLE}
    await ticks(hass, freezer, 1, history=history)  # one interval after the fault ended
    assert UNAVAILABLE not in states(hass, PVE2).values()
    await ticks(hass, freezer, 20, history=history)
    assert history.never_unavailable()
    assert history.kept_updating()
    assert count_lines(caplog, DOWN.format("pve2")) == 1
    assert count_lines(caplog, BACK.format("pve2")) == 1
    assert count_lines(caplog, "Error fetching") == 0  # the tier itself never failed
    assert not problems(caplog)
