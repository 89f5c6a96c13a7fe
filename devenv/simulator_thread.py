"""Run the Proxmox VE simulator on its own event loop in a background thread."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import threading
from typing import Any

from simulator import Simulator


class SimulatorThread:
    """A started simulator whose model can be changed from synchronous code (scripts, browser tests)."""

    def __init__(self, scenario: Any, *, host: str = "127.0.0.1", port: int = 0, **kwargs: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pve-simulator", daemon=True)
        self.sim = Simulator(scenario, host=host, port=port, **kwargs)

    def start(self) -> Simulator:
        """Start the loop thread and the server; returns the running simulator."""
        self._thread.start()
        self.call(self.sim.start)
        return self.sim

    def call[T](self, factory: Callable[[], Awaitable[T]], timeout: float = 30.0) -> T:
        """Run a coroutine on the simulator's loop and wait for its result."""

        async def run() -> T:
            return await factory()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout)

    def stop(self) -> None:
        """Stop the server and the loop thread."""
        if self._thread.is_alive():
            self.call(self.sim.stop)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop.close()
