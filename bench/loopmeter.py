"""Event-loop busy time, by CPU time of the loop thread inside each callback.

``asyncio.events.Handle._run`` runs every callback the loop executes (task steps, timers, I/O
callbacks). Wrapping it measures the thread CPU time (``time.thread_time``: immune to the other
processes sharing the cores, and to waits for the GIL) of each callback, and attributes it:

- ``integration``: a task step whose await chain runs through the integration's code (coordinator
  refreshes, their requests and parsing, the listeners and entity state writes they trigger);
- ``bench``: the benchmark's own tasks (driver, simulator channel) and its state listener (booked
  through :meth:`LoopMeter.exclude`), subtracted;
- ``other``: everything else (socket and TLS callbacks of the HTTP client, timers, the recorder's
  loop-side work, Home Assistant housekeeping).

The headline number is the differential: all callbacks minus the benchmark's own, minus what the
same Home Assistant did per second before the integration was loaded (``idle``).
"""

from __future__ import annotations

import asyncio
from asyncio import events
from collections.abc import Callable
from dataclasses import dataclass
import time
from types import CoroutineType
from typing import Any

from bench.patching import replace_attribute
from bench.paths import BENCH_DIR, INTEGRATION_DIR

_INTEGRATION = str(INTEGRATION_DIR)
_BENCH = str(BENCH_DIR)


@dataclass(slots=True)
class LoopTotals:
    """Accumulated callback CPU time (seconds) per attribution."""

    integration: float = 0.0
    bench: float = 0.0
    other: float = 0.0
    callbacks: int = 0

    @property
    def total(self) -> float:
        """All callbacks."""
        return self.integration + self.bench + self.other

    def minus(self, earlier: LoopTotals) -> LoopTotals:
        """What accumulated since ``earlier``."""
        return LoopTotals(
            self.integration - earlier.integration,
            self.bench - earlier.bench,
            self.other - earlier.other,
            self.callbacks - earlier.callbacks,
        )

    def copy(self) -> LoopTotals:
        """A snapshot."""
        return LoopTotals(self.integration, self.bench, self.other, self.callbacks)


def _owner(callback: Callable[..., object]) -> str:
    """``integration``, ``bench`` or ``other`` for the callback about to run."""
    task = getattr(callback, "__self__", None)
    if not isinstance(task, asyncio.Task):
        return "other"
    coro: Any = task.get_coro()
    owner = "other"
    while isinstance(coro, CoroutineType):
        filename = coro.cr_code.co_filename
        if filename.startswith(_INTEGRATION):
            return "integration"  # wins over the benchmark's thin wrappers around it
        if filename.startswith(_BENCH):
            owner = "bench"
        coro = coro.cr_await
    return owner


class LoopMeter:
    """Installs the ``Handle._run`` wrapper; read :attr:`totals` from the loop thread."""

    def __init__(self) -> None:
        """Not installed yet."""
        self.totals = LoopTotals()
        self._original: Callable[[events.Handle], None] | None = None
        self._excluded = 0.0  # benchmark time nested inside other callbacks (its listeners)

    def install(self) -> None:
        """Start measuring every callback of every loop in this process."""
        original = events.Handle._run
        self._original = original
        totals = self.totals
        meter = self
        clock = time.thread_time

        def run(handle: events.Handle) -> None:
            owner = _owner(getattr(handle, "_callback"))  # noqa: B009 - private, not typed
            excluded = meter._excluded
            start = clock()
            try:
                original(handle)
            finally:
                spent = clock() - start
                nested = meter._excluded - excluded
                totals.callbacks += 1
                own = spent - nested
                if owner == "integration":
                    totals.integration += own
                elif owner == "bench":
                    totals.bench += own
                else:
                    totals.other += own
                totals.bench += nested

        replace_attribute(events.Handle, "_run", run)

    def uninstall(self) -> None:
        """Put the original back."""
        if self._original is not None:
            replace_attribute(events.Handle, "_run", self._original)
            self._original = None

    def exclude(self, seconds: float) -> None:
        """Book ``seconds`` spent by the benchmark inside another callback (e.g. a bus listener)."""
        self._excluded += seconds
