"""Changes in the cluster itself: a migration during a live tick, a reused VMID, quorum, counter resets."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import DOMAIN
from custom_components.proxmox_live.pve.models import Guest
from simulator import Simulator

from .conftest import (
    PVE1,
    UNAVAILABLE,
    History,
    bad_numbers,
    problems,
    state_of,
    ticks,
)

RATES = ("network_in", "network_out", "disk_read", "disk_write")


async def test_migration_during_live_tick(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Guest 100 moves to pve3 between the reads of pve1's and pve3's lists: listed twice, shown once."""
    client = loaded_entry.runtime_data.client
    original = client.get_qemu_guests
    migrated = False

    async def racing(node: str, **kwargs: Any) -> list[Guest]:
        nonlocal migrated
        guests = await original(node, **kwargs)
        if node == "pve1" and not migrated:
            migrated = True
            sim.cluster.migrate_guest(100, "pve3")  # after pve1 listed it, before pve3 is read
            guests += [g for g in await original("pve3", **kwargs) if g.vmid == 100]
        return guests

    monkeypatch.setattr(client, "get_qemu_guests", racing)
    await ticks(hass, freezer, 1)
    assert migrated
    assert state_of(hass, "sensor", "homelab_qemu_100_cpu_usage") not in (None, UNAVAILABLE)
    await ticks(hass, freezer, 6)  # the inventory sees the new placement
    assert state_of(hass, "sensor", "homelab_qemu_100_node") == "pve3"
    assert state_of(hass, "sensor", "homelab_qemu_100_cpu_usage") not in (None, UNAVAILABLE)
    assert not bad_numbers(hass)
    assert not problems(caplog)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_deleted_guest_vmid_reused_by_container(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """VM 102 deleted and 102 reused by a container between two live ticks: no mixed-up values."""
    await ticks(hass, freezer, 2)
    sim.cluster.reuse_vmid(102, "lxc", "reborn")
    for _ in range(8):
        await ticks(hass, freezer, 1)
        assert not bad_numbers(hass)  # no rate from the VM's counters to the container's
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("sensor", DOMAIN, "homelab_qemu_102_cpu_usage") is None
    assert state_of(hass, "sensor", "homelab_lxc_102_cpu_usage") not in (None, UNAVAILABLE)
    assert state_of(hass, "sensor", "homelab_lxc_102_network_in") not in (None, UNAVAILABLE)
    assert not problems(caplog)


async def test_quorum_lost_and_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Quorum lost: the quorate sensor says so within one inventory interval; values keep updating."""
    history = History(hass, PVE1)
    sim.faults.quorum_lost()
    await ticks(hass, freezer, 5, history=history)
    assert state_of(hass, "binary_sensor", "homelab_quorate") == "off"
    sim.faults.quorum_restored()
    await ticks(hass, freezer, 5, history=history)
    assert state_of(hass, "binary_sensor", "homelab_quorate") == "on"
    assert history.never_unavailable()
    assert history.kept_updating()
    assert not problems(caplog)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_counters_reset_rates_never_negative(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Guests restarted and migrated (their byte counters restart at 0): every rate stays >= 0."""
    guests = (100, 101, 103, 106)  # VMs and containers
    await ticks(hass, freezer, 5)
    for round_ in range(3):
        for vmid in guests:
            sim.cluster.stop_guest(vmid)
        await ticks(hass, freezer, 1)
        for vmid in guests:
            sim.cluster.start_guest(vmid)
        sim.cluster.migrate_guest(112, ("pve2", "pve3", "pve1")[round_])
        for _ in range(6):
            await ticks(hass, freezer, 1)
            assert not bad_numbers(hass)
            for vmid, kind in ((100, "qemu"), (101, "lxc")):
                for rate in RATES:
                    value = state_of(hass, "sensor", f"homelab_{kind}_{vmid}_{rate}")
                    assert value is not None
                    assert value in (UNAVAILABLE, "unknown") or float(value) >= 0
    assert not problems(caplog)
