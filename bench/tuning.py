"""Candidate tunings of the integration, applied bench-locally to measure their effect.

Not part of the default run (``--variants`` adds ``tuned``); the integration itself is unchanged.
What ``tuned`` changes, each a recommendation in docs/performance.md:

1. Entities skip unchanged writes: ``ProxmoxEntity._handle_coordinator_update`` writes the state
   only when the entity's own value or availability differs from what it wrote last. The live
   tier's data changes on every tick (some guest always moves), so without this every entity of the
   tier is written every tick, most of them with an unchanged value (a ``state_reported``).
2. Noisy metrics are held: a CPU, memory, load or I/O-wait value is published again only when it
   moved by at least its band, or when the held value is ``HOLD_SECONDS`` old. Running state,
   status, node placement and boot time are never held, so the freshness of changes is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
import os
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.sensor import SensorEntity
from homeassistant.util import dt as dt_util

from bench.patching import replace_attribute
from custom_components.proxmox_live.coordinator.live import ProxmoxLiveCoordinator
from custom_components.proxmox_live.data import GuestLive, NodeLive
from custom_components.proxmox_live.entity import ProxmoxEntity

HOLD_SECONDS = float(os.environ.get("PROXMOX_LIVE_BENCH_HOLD", "15"))  # s; the env var tries others
GUEST_BANDS = {"cpu_usage": 5.0, "memory_usage": 5.0, "memory_used": 0.25}
NODE_BANDS = {
    "cpu_usage": 5.0,
    "memory_usage": 5.0,
    "memory_used": 1.0,
    "load_average": 0.5,
    "io_wait": 5.0,
    "swap_usage": 5.0,
}
_MISSING = object()


class _Held:
    """Published values per (object, field) and when they were published."""

    def __init__(self) -> None:
        self.values: dict[tuple[Hashable, str], tuple[Any, float]] = {}

    def apply[T: (GuestLive, NodeLive)](self, key: Hashable, live: T, bands: dict[str, float]) -> T:
        now = dt_util.utcnow().timestamp()
        changes: dict[str, Any] = {}
        for name, band in bands.items():
            value = getattr(live, name)
            held = self.values.get((key, name))
            if (
                held is not None
                and value is not None
                and held[0] is not None
                and abs(value - held[0]) < band
                and now - held[1] < HOLD_SECONDS
            ):
                changes[name] = held[0]
            else:
                self.values[key, name] = (value, now)
        return replace(live, **changes) if changes else live


def apply() -> None:
    """Patch the integration's classes in this process."""
    held = _Held()
    guest_live: Callable[..., GuestLive] = ProxmoxLiveCoordinator._guest_live
    node_live: Callable[..., NodeLive] = ProxmoxLiveCoordinator._node_live

    def held_guest(self: ProxmoxLiveCoordinator, guest: Any, previous: Any, now: float) -> GuestLive:
        live = guest_live(self, guest, previous, now)
        if live.status != "running":
            return live
        return held.apply((live.type, live.vmid), live, GUEST_BANDS)

    def held_node(self: ProxmoxLiveCoordinator, status: Any, previous: Any, now: float) -> NodeLive:
        return held.apply(("node", status.node), node_live(self, status, previous, now), NODE_BANDS)

    replace_attribute(ProxmoxLiveCoordinator, "_guest_live", held_guest)
    replace_attribute(ProxmoxLiveCoordinator, "_node_live", held_node)

    def handle_update(self: ProxmoxEntity[Any]) -> None:
        value: object = _MISSING
        if isinstance(self, SensorEntity):
            value = self.native_value
        elif isinstance(self, BinarySensorEntity):
            value = self.is_on
        written = (self.available, value)
        if value is not _MISSING and getattr(self, "_bench_written", _MISSING) == written:
            return
        self._bench_written = written  # type: ignore[attr-defined]
        self.async_write_ha_state()

    replace_attribute(ProxmoxEntity, "_handle_coordinator_update", handle_update)
