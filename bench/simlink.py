"""The benchmark's end of the simulator process (see ``bench.simproc``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import json
import sys
from typing import Any, Self

from bench.paths import REPO


@dataclass(frozen=True, slots=True)
class SimGuest:
    """A guest of the scenario as it was at start."""

    vmid: int
    type: str
    node: str
    running: bool


@dataclass(frozen=True, slots=True)
class SimInfo:
    """Address, credentials and shape of the running simulator."""

    host: str
    port: int
    fingerprint: str
    username: str
    token_id: str
    token_secret: str
    name: str  # cluster name, or the node's name for a standalone host
    nodes: tuple[str, ...]
    guests: tuple[SimGuest, ...]


class SimLink:
    """A simulator process and the command channel to it."""

    def __init__(self, process: asyncio.subprocess.Process, info: SimInfo) -> None:
        """Wrap a started process (use :meth:`start`)."""
        self._process = process
        self.info = info
        self._next_id = 0
        self._lock = asyncio.Lock()

    @classmethod
    async def start(cls, scenario: str, *, latency_scale: float = 1.0) -> Self:
        """Start ``python -m bench.simproc`` and wait for its ready line."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.simproc",
            "--scenario",
            scenario,
            "--latency-scale",
            str(latency_scale),
            cwd=REPO,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 20,
        )
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        if not line:
            raise RuntimeError("the simulator process ended before it was ready")
        ready = json.loads(line)
        info = SimInfo(
            host=ready["host"],
            port=int(ready["port"]),
            fingerprint=ready["fingerprint"],
            username=ready["username"],
            token_id=ready["token_id"],
            token_secret=ready["token_secret"],
            name=ready["cluster_name"] or ready["local_node"],
            nodes=tuple(ready["nodes"]),
            guests=tuple(SimGuest(int(v), str(t), str(n), bool(r)) for v, t, n, r in ready["guests"]),
        )
        return cls(process, info)

    async def call(self, op: str, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (commands are serialised)."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        async with self._lock:
            self._next_id += 1
            message = {"id": self._next_id, "op": op, **params}
            self._process.stdin.write((json.dumps(message) + "\n").encode())
            await self._process.stdin.drain()
            answer: dict[str, Any] = json.loads(await self._process.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"simulator: {op} failed: {answer['error']}")
        return answer

    async def counters(self) -> dict[str, int]:
        """Requests served so far, per endpoint template."""
        return {str(k): int(v) for k, v in (await self.call("counters"))["counters"].items()}

    async def change(self, op: str, **params: Any) -> float:
        """Change the model; returns the model time (epoch seconds) of the change."""
        return float((await self.call(op, **params))["t"])

    async def stop(self) -> None:
        """Ask the process to quit; kill it if it does not."""
        process = self._process
        if process.returncode is None and process.stdin is not None:
            process.stdin.write(b'{"op": "quit"}\n')
            try:
                await process.stdin.drain()
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError, ConnectionError:
                process.kill()
                await process.wait()
