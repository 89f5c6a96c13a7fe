"""Changes made to the simulated cluster during a window, and the lag until Home Assistant shows them.

- Live probes: every ``spacing`` seconds a guest of a small pool is stopped (or started again); the
  probe waits for its ``running`` binary sensor to turn off (on). The per-node guest lists show the
  new state from the next whole second of model time (samples are per second), so each probe has two
  lags: from the model change, and from the moment the API shows it (``ceil(t0)``).
- Inventory probes: one at a time, a new guest is created (its entities appear only when the
  inventory tier's ``/cluster/resources`` lists it), then removed again (its entities go). Both are
  visible in the API at once, so the two lags are the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
import math
import time

from homeassistant.core import State

from bench.simlink import SimGuest, SimLink
from bench.statewatch import StateWatch

LIVE_SPACING = 1.3  # s between live probes (not a multiple of the interval: probes hit every phase)
LIVE_POOL = 8  # guests toggled in turn
INVENTORY_GAPS = (1.1, 2.9, 0.6, 3.7, 1.9)  # s between inventory probes, cycled
FIRST_NEW_VMID = 90000


@dataclass(slots=True)
class Lags:
    """Lags of one kind of probe, seconds."""

    from_change: list[float] = field(default_factory=list)
    from_api: list[float] = field(default_factory=list)
    missed: int = 0  # probes whose change Home Assistant did not show within the timeout


@dataclass(slots=True)
class Driver:
    """Runs the probes until the deadlines; read :attr:`live` and :attr:`inventory` afterwards."""

    sim: SimLink
    watch: StateWatch
    entry_unique_id: str
    guests: Sequence[SimGuest]
    nodes: Sequence[str]
    live_interval: float
    live: Lags = field(default_factory=Lags)
    inventory: Lags = field(default_factory=Lags)

    def _running_id(self, guest_type: str, vmid: int) -> str:
        return f"{self.entry_unique_id}_{guest_type}_{vmid}_running"

    async def run_live(self, deadline: float) -> None:
        """Toggle pool guests until ``deadline`` (monotonic); waits for the last probes."""
        running = [guest for guest in self.guests if guest.running]
        step = max(1, len(running) // LIVE_POOL)
        pool = running[::step][:LIVE_POOL]
        state = {guest.vmid: True for guest in pool}
        pending: dict[int, asyncio.Task[None]] = {}
        index = 0
        while time.monotonic() < deadline and pool:
            guest = pool[index % len(pool)]
            index += 1
            if (previous := pending.get(guest.vmid)) is not None:
                await previous
            target = not state[guest.vmid]
            state[guest.vmid] = target
            pending[guest.vmid] = asyncio.create_task(self._live_probe(guest, target))
            await asyncio.sleep(LIVE_SPACING)
        await asyncio.gather(*pending.values())  # cancelled with the caller if the window ends first

    async def _live_probe(self, guest: SimGuest, running: bool) -> None:
        wanted = "on" if running else "off"

        def matches(_old: State | None, new: State | None) -> bool:
            return new is not None and new.state == wanted

        seen = self.watch.probe(self._running_id(guest.type, guest.vmid), matches)
        t0 = await self.sim.change("start_guest" if running else "stop_guest", vmid=guest.vmid)
        await self._record(self.live, seen, t0, math.ceil(t0), limit=3 * self.live_interval + 10)

    async def run_inventory(self, deadline: float) -> None:
        """Create and remove guests, one probe at a time, until ``deadline`` (monotonic)."""
        index = 0
        while time.monotonic() < deadline:
            vmid = FIRST_NEW_VMID + index // 2
            guest_type = "qemu" if (index // 2) % 2 == 0 else "lxc"
            unique_id = self._running_id(guest_type, vmid)
            if index % 2 == 0:
                seen = self.watch.probe(unique_id, lambda old, new: old is None and new is not None)
                node = self.nodes[(index // 2) % len(self.nodes)]
                t0 = await self.sim.change(
                    "add_guest", vmid=vmid, node=node, type=guest_type, name=f"bench-{vmid}"
                )
            else:
                seen = self.watch.probe(unique_id, lambda old, new: old is not None and new is None)
                t0 = await self.sim.change("remove_guest", vmid=vmid)
            await self._record(self.inventory, seen, t0, t0, limit=30)
            await asyncio.sleep(INVENTORY_GAPS[index % len(INVENTORY_GAPS)])
            index += 1

    @staticmethod
    async def _record(
        lags: Lags, seen: asyncio.Future[float], t0: float, visible: float, *, limit: float
    ) -> None:
        try:
            shown = await asyncio.wait_for(seen, limit)
        except TimeoutError:
            lags.missed += 1
            return
        lags.from_change.append(shown - t0)
        lags.from_api.append(max(0.0, shown - visible))
