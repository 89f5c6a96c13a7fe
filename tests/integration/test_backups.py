"""Backups tier: per-guest last backup and failure, failed backups in 24 h, next run, unprotected guests."""

from __future__ import annotations

from datetime import UTC, datetime
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.pve.models import Task
from simulator import Simulator

from .conftest import state_of, tick


async def all_tasks(entry: MockConfigEntry) -> list[Task]:
    """Finished vzdump tasks of every node, oldest end first."""
    client = entry.runtime_data.client
    tasks = [
        t for node in ("pve1", "pve2", "pve3") for t in await client.get_tasks(node, typefilter="vzdump")
    ]
    return sorted((t for t in tasks if not t.running), key=lambda t: t.endtime or t.starttime)


async def test_backup_values_match_tasks(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """[last_backup], [backup_failed], [failed_backups] and [next_backup] as the tasks and jobs say."""
    tasks = await all_tasks(loaded_entry)
    day_ago = time.time() - 86400
    failed = [t for t in tasks if t.succeeded is False and (t.endtime or 0) >= day_ago]
    assert state_of(hass, "sensor", "homelab_failed_backups") == str(len(failed))
    for vmid, kind in ((100, "qemu"), (101, "lxc"), (112, "qemu")):
        own = [t for t in tasks if t.id == str(vmid)]
        last_ok = max(t.endtime or 0 for t in own if t.succeeded)
        expected = datetime.fromtimestamp(last_ok, UTC).isoformat()
        assert state_of(hass, "sensor", f"homelab_{kind}_{vmid}_last_backup") == expected
        last_failed = "on" if own[-1].succeeded is False else "off"
        assert state_of(hass, "binary_sensor", f"homelab_{kind}_{vmid}_backup_failed") == last_failed
    jobs = await loaded_entry.runtime_data.client.get_backup_jobs()
    next_run = min(j.next_run for j in jobs if j.enabled and j.next_run)
    assert (
        state_of(hass, "sensor", "homelab_next_backup") == datetime.fromtimestamp(next_run, UTC).isoformat()
    )


@pytest.mark.usefixtures("loaded_entry")
async def test_new_failures(hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator) -> None:
    """A failed single-guest backup flags that guest; a failed job task counts for no guest."""
    before = int(state_of(hass, "sensor", "homelab_failed_backups") or 0)
    now = time.time()
    sim.cluster.add_backup_task("pve1", 100, ok=False, when=now - 200, duration=100)
    sim.cluster.add_backup_task("pve2", None, ok=False, when=now - 200, duration=100)
    await tick(hass, freezer, 60)
    assert state_of(hass, "binary_sensor", "homelab_qemu_100_backup_failed") == "on"
    assert state_of(hass, "sensor", "homelab_failed_backups") == str(before + 2)
    sim.cluster.add_backup_task("pve1", 100, ok=True, when=now - 50, duration=10)
    await tick(hass, freezer, 60)
    assert state_of(hass, "binary_sensor", "homelab_qemu_100_backup_failed") == "off"
    expected = datetime.fromtimestamp(int(now - 40), UTC).isoformat()
    assert state_of(hass, "sensor", "homelab_qemu_100_last_backup") == expected


@pytest.mark.usefixtures("loaded_entry")
async def test_guests_without_backup(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator
) -> None:
    """A new guest excluded from every job counts as not backed up."""
    before = int(state_of(hass, "sensor", "homelab_guests_without_backup") or 0)
    sim.cluster.backup_jobs[0].exclude = (*sim.cluster.backup_jobs[0].exclude, 100)
    await tick(hass, freezer, 60)
    assert state_of(hass, "sensor", "homelab_guests_without_backup") == str(before + 1)
