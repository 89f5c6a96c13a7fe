"""Bad answers: malformed JSON, an HTML 502 page from a reverse proxy, wrong types, missing fields.

In any response (every endpoint at once) and on one node only. Nothing raises out of the
integration, no sensor ever shows a negative or non-finite number, and everything is back one
interval after the answers are good again.
"""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .conftest import (
    PVE1,
    UNAVAILABLE,
    History,
    bad_numbers,
    count_lines,
    problems,
    states,
    ticks,
)

KINDS = [("malformed_json", 200), ("html_error", 502), ("wrong_types", 200), ("missing_fields", 200)]
PVE2 = ("homelab_node_pve2_cpu_usage", "homelab_lxc_101_cpu_usage", "homelab_qemu_104_memory_usage")
ANY_API = r"^/(?!access/ticket)"  # every endpoint but the login


@pytest.mark.parametrize(("kind", "status"), KINDS)
async def test_bad_answers_everywhere(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    status: int,
) -> None:
    """Every endpoint answers badly for a minute: no crash, no nonsense values, no lost devices."""
    devices = len(dr.async_entries_for_config_entry(dr.async_get(hass), loaded_entry.entry_id))
    entities = len(er.async_entries_for_config_entry(er.async_get(hass), loaded_entry.entry_id))
    sim.faults.add(ANY_API, kind, status=status)  # type: ignore[arg-type]
    for _ in range(31):  # 62 s: every tier reads bad answers at least once
        await ticks(hass, freezer, 1)
        assert not bad_numbers(hass)
    sim.faults.clear()
    await ticks(hass, freezer, 1)  # one live interval
    assert UNAVAILABLE not in states(hass, PVE1).values()
    await ticks(hass, freezer, 30)  # one interval of the slowest tier
    assert UNAVAILABLE not in states(hass, (*PVE1, "homelab_nodes_online", "homelab_next_backup")).values()
    assert len(dr.async_entries_for_config_entry(dr.async_get(hass), loaded_entry.entry_id)) == devices
    assert len(er.async_entries_for_config_entry(er.async_get(hass), loaded_entry.entry_id)) == entities
    for tier in ("live", "inventory", "storage", "backups"):
        failed = count_lines(caplog, f"Error fetching homelab {tier} data", level=logging.ERROR)
        assert failed <= 1, tier
        assert count_lines(caplog, f"Fetching homelab {tier} data recovered") == failed, tier
    assert not problems(caplog)


@pytest.mark.parametrize(("kind", "status"), KINDS)
async def test_bad_answers_from_one_node(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    status: int,
) -> None:
    """pve2's live answers are bad: pve1's entities keep updating; pve2's are back the tick after."""
    history = History(hass, PVE1)
    sim.faults.add(r"^/nodes/pve2/(status|qemu|lxc)$", kind, status=status)  # type: ignore[arg-type]
    await ticks(hass, freezer, 10, history=history)
    assert not bad_numbers(hass)
    after_fault = states(hass, PVE2)
    sim.faults.clear()
    await ticks(hass, freezer, 1, history=history)
    assert UNAVAILABLE not in states(hass, PVE2).values()
    await ticks(hass, freezer, 10, history=history)
    assert history.never_unavailable()
    assert history.kept_updating()
    went = count_lines(caplog, "Node pve2 of homelab is unreachable")
    if UNAVAILABLE in after_fault.values():
        assert went == 1
    assert count_lines(caplog, "Node pve2 of homelab is reachable again") == went
    assert not problems(caplog)
