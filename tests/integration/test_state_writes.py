"""State writes: unchanged entities are not re-written, noisy metrics are held, state changes never are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import DOMAIN
from custom_components.proxmox_live.coordinator.values import GUEST_PERCENT_BAND, HOLD_MAX_AGE
from simulator import Simulator

from .conftest import state_of, tick

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

STATUS = "homelab_qemu_100_status"
RUNNING = "homelab_qemu_100_running"
NODE = "homelab_qemu_100_node"
CPU = "homelab_qemu_100_cpu_usage"


class Writes:
    """``state_changed`` and ``state_reported`` events per unique id of the integration's entities."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Listen to both events."""
        self._registry = er.async_get(hass)
        self.changed: list[str] = []
        self.reported: list[str] = []

        @callback
        def changed(event: Event) -> None:
            self.changed.append(event.data["entity_id"])

        @callback
        def reported(event: Event) -> None:
            self.reported.append(event.data["entity_id"])

        @callback
        def every(event_data: Mapping[str, Any]) -> bool:
            return True

        hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
        hass.bus.async_listen(EVENT_STATE_REPORTED, reported, event_filter=every)

    def _entity_id(self, platform: str, unique_id: str) -> str:
        entity_id = self._registry.async_get_entity_id(platform, DOMAIN, unique_id)
        assert entity_id is not None
        return entity_id

    def count(self, platform: str, unique_id: str) -> tuple[int, int]:
        """(changed, reported) events of the entity so far."""
        entity_id = self._entity_id(platform, unique_id)
        return self.changed.count(entity_id), self.reported.count(entity_id)

    def clear(self) -> None:
        """Forget the events so far."""
        self.changed.clear()
        self.reported.clear()


async def qemu_cpu(loaded_entry: MockConfigEntry, vmid: int, node: str = "pve1") -> float:
    """The CPU usage (%) the simulator serves now for a QEMU guest, rounded as displayed."""
    client = loaded_entry.runtime_data.client
    guest = next(g for g in await client.get_qemu_guests(node) if g.vmid == vmid)
    assert guest.cpu is not None
    return round(guest.cpu * 100, 1)


async def test_unchanged_entities_are_not_rewritten(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """Ticks that change the live data but not an entity's value write nothing for that entity."""
    live = loaded_entry.runtime_data.live
    writes = Writes(hass)
    for _ in range(5):
        before = live.data
        await tick(hass, freezer, 2)
        # The live data changed at every tick (so every entity of the tier was woken) ...
        assert live.data != before
    # ... but status, running and node of the same guest did not: no write at all, not even a report
    for platform, unique_id in (("sensor", STATUS), ("binary_sensor", RUNNING), ("sensor", NODE)):
        assert writes.count(platform, unique_id) == (0, 0)
    # A changed value is written at the next tick, once
    writes.clear()
    sim.cluster.stop_guest(100)
    await tick(hass, freezer, 2)
    assert writes.count("sensor", STATUS) == (1, 0)
    assert writes.count("binary_sensor", RUNNING) == (1, 0)
    await tick(hass, freezer, 2)
    assert writes.count("sensor", STATUS) == (1, 0)


async def test_held_metric_within_band_until_max_age(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """A jump beyond the band shows at the next tick; moves within it only after the maximum age."""
    guest = sim.cluster.guests[100]
    guest.load = 0.6  # CPU 24-96 %
    await tick(hass, freezer, 2)
    busy = await qemu_cpu(loaded_entry, 100)
    assert busy >= 20
    assert state_of(hass, "sensor", CPU) == str(busy)

    # A drop beyond the band: published at the next tick
    guest.load = 0.02  # CPU 0.8-3.2 %: every value within one band of any other
    await tick(hass, freezer, 2)
    published = await qemu_cpu(loaded_entry, 100)
    assert state_of(hass, "sensor", CPU) == str(published)

    # Moves within the band: the published value is held, no write, until it is HOLD_MAX_AGE old
    writes = Writes(hass)
    served: set[float] = set()
    elapsed = 2
    while elapsed < HOLD_MAX_AGE:
        await tick(hass, freezer, 2)
        value = await qemu_cpu(loaded_entry, 100)
        served.add(value)
        assert abs(value - published) < GUEST_PERCENT_BAND
        assert state_of(hass, "sensor", CPU) == str(published)
        elapsed += 2
    assert served - {published}  # the simulator's value did move meanwhile
    assert writes.count("sensor", CPU) == (0, 0)
    # Then the current value is published
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", CPU) == str(await qemu_cpu(loaded_entry, 100))

    # A rise beyond the band: published at the next tick again
    guest.load = 0.6
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", CPU) == str(await qemu_cpu(loaded_entry, 100))


async def test_state_changes_are_never_held(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """While a metric is held, a stop, a start and a migration show at the next tick."""
    guest = sim.cluster.guests[100]
    guest.load = 0.02
    await tick(hass, freezer, 2)
    await tick(hass, freezer, 2)
    sim.cluster.migrate_guest(100, "pve2")
    await tick(hass, freezer, 2)
    assert state_of(hass, "sensor", NODE) == "pve2"
    sim.cluster.stop_guest(100)
    await tick(hass, freezer, 2)
    assert state_of(hass, "binary_sensor", RUNNING) == "off"
    assert state_of(hass, "sensor", STATUS) == "stopped"
    sim.cluster.start_guest(100)
    await tick(hass, freezer, 2)
    assert state_of(hass, "binary_sensor", RUNNING) == "on"
    assert state_of(hass, "sensor", STATUS) == "running"
    # A guest that starts again has nothing held: its CPU is the served value at once
    assert state_of(hass, "sensor", CPU) == str(await qemu_cpu(loaded_entry, 100, "pve2"))
