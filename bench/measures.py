"""Small measuring helpers: live-tick clock, resident memory, recorder rows, percentiles."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
import contextlib
import math
import os
from pathlib import Path
import sqlite3
import time
from typing import Any

from bench.patching import replace_attribute
from custom_components.proxmox_live.coordinator import ProxmoxLiveCoordinator
from custom_components.proxmox_live.pve.client import PveClient
from simulator.routes import find

LIVE_ENDPOINTS = frozenset(
    {
        "/nodes/{node}/status",
        "/nodes/{node}/qemu",
        "/nodes/{node}/lxc",
        "/nodes/{node}/qemu/{vmid}/status/current",
        "/nodes/{node}/lxc/{vmid}/status/current",
    }
)
_PAGE = os.sysconf("SC_PAGE_SIZE")


class TickClock:
    """Start and end (monotonic) of every live-tier fetch, and a way to wait for the next end.

    Wraps the live coordinator's ``_async_update_data`` on the instance (the class is untouched).
    """

    def __init__(self, coordinator: ProxmoxLiveCoordinator) -> None:
        """Start timing ``coordinator``'s refreshes."""
        self.ticks: list[tuple[float, float]] = []
        self._waiters: list[asyncio.Future[None]] = []
        original: Callable[[], Awaitable[Any]] = coordinator._async_update_data

        async def timed() -> Any:
            start = time.monotonic()
            try:
                return await original()
            finally:
                self.ticks.append((start, time.monotonic()))
                waiters, self._waiters = self._waiters, []
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)

        replace_attribute(coordinator, "_async_update_data", timed)

    async def next_end(self) -> int:
        """Wait for the end of the next fetch; returns the number of fetches ended so far."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter
        return len(self.ticks)


class AttemptCounter:
    """Requests the integration's client starts, per endpoint template (counted before sending).

    The simulator counts what reaches it; a request that times out while waiting for a connection
    never does. Wraps the client's ``_get`` on the instance (the class is untouched).
    """

    def __init__(self, client: PveClient) -> None:
        """Start counting ``client``'s requests."""
        self.counts: Counter[str] = Counter()
        original: Callable[..., Awaitable[object]] = client._get

        async def counted(path: str, **kwargs: Any) -> object:
            route, _ = find("GET", path)
            self.counts[route.template if route is not None else path] += 1
            return await original(path, **kwargs)

        replace_attribute(client, "_get", counted)


def rss_mb() -> float:
    """Resident set size of this process, MiB."""
    fields = Path("/proc/self/statm").read_text(encoding="ascii").split()
    return int(fields[1]) * _PAGE / 2**20


def count_state_rows(db_path: Path) -> int:
    """Rows of the recorder's ``states`` table committed so far."""
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)) as db:
        row = db.execute("SELECT COUNT(*) FROM states").fetchone()
    return int(row[0])


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` (0-100) percentile, linear between closest ranks; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def live_requests(counters: Mapping[str, int]) -> int:
    """Requests to the live tier's endpoints in ``counters``."""
    return sum(count for template, count in counters.items() if template in LIVE_ENDPOINTS)
