"""State listeners: count the integration's state writes and resolve lag probes.

Lag probes wait for a state of an entity named by its unique id (so an entity that does not exist
yet, like a new guest's, can be awaited). The listener's own CPU time is booked to the benchmark.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import time

from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import (
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er

from bench.loopmeter import LoopMeter
from custom_components.proxmox_live.const import DOMAIN

type StatePredicate = Callable[[State | None, State | None], bool]


@dataclass(slots=True)
class _Probe:
    predicate: StatePredicate
    future: asyncio.Future[float]


class StateWatch:
    """Counts and probes; call :meth:`start` once the integration's entities exist."""

    def __init__(self, hass: HomeAssistant, meter: LoopMeter) -> None:
        """Not listening yet."""
        self._hass = hass
        self._meter = meter
        self._registry = er.async_get(hass)
        self._unique_ids: dict[str, str | None] = {}  # entity_id -> our unique id (None: not ours)
        self._probes: dict[str, list[_Probe]] = {}
        self.writes = 0  # state_changed: a new state or attribute (what the recorder stores)
        self.reported = 0  # state_reported: a write of the same state (only last_reported moves)
        self._unsubs: list[Callable[[], None]] = []

    def start(self) -> None:
        """Listen to every state change."""
        self._unsubs = [
            self._hass.bus.async_listen(EVENT_STATE_CHANGED, self._changed),
            self._hass.bus.async_listen(
                EVENT_STATE_REPORTED, self._reported, event_filter=self._reported_filter
            ),
        ]

    def stop(self) -> None:
        """Stop listening; pending probes are cancelled."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs = []
        for probes in self._probes.values():
            for probe in probes:
                probe.future.cancel()
        self._probes.clear()

    def probe(self, unique_id: str, predicate: StatePredicate) -> asyncio.Future[float]:
        """A future resolved with the wall time of the first change of ``unique_id`` matching."""
        future: asyncio.Future[float] = self._hass.loop.create_future()
        self._probes.setdefault(unique_id, []).append(_Probe(predicate, future))
        return future

    def _unique_id(self, entity_id: str) -> str | None:
        if entity_id in self._unique_ids:
            return self._unique_ids[entity_id]
        entry = self._registry.async_get(entity_id)
        unique_id = entry.unique_id if entry is not None and entry.platform == DOMAIN else None
        self._unique_ids[entity_id] = unique_id
        return unique_id

    @callback
    def _reported_filter(self, event_data: EventStateReportedData) -> bool:
        started = time.thread_time()
        if self._unique_id(event_data["entity_id"]) is not None:
            self.reported += 1
        self._meter.exclude(time.thread_time() - started)
        return False  # counted here: the listener itself never needs to run

    @callback
    def _reported(self, event: Event[EventStateReportedData]) -> None:
        """Never called (the filter counts and declines)."""

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        now = time.time()
        started = time.thread_time()
        try:
            unique_id = self._unique_id(event.data["entity_id"])
            if unique_id is None:
                return
            self.writes += 1
            probes = self._probes.get(unique_id)
            if not probes:
                return
            old, new = event.data["old_state"], event.data["new_state"]
            for probe in [p for p in probes if p.predicate(old, new)]:
                probes.remove(probe)
                if not probe.future.done():
                    probe.future.set_result(now)
        finally:
            self._meter.exclude(time.thread_time() - started)
