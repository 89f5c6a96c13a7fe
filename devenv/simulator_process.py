"""The Proxmox VE simulator in a child process, like a real Proxmox VE host.

Used by the browser test: its process runs under pytest-socket (Home Assistant's test plugin),
which swaps ``socket.socket`` for a guard before every test; a server thread in that process would
fail to ``accept()`` connections made while the guard is up. A child process has no such guard.

``python -m devenv.simulator_process --scenario demo --identity FILE --ready-file FILE`` is the
child's command line; :class:`SimulatorProcess` starts it and reads where it listens.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import asdict, dataclass
import json
from pathlib import Path
import signal
import sys
import time

from .identity import load_or_create
from .processes import ManagedProcess


@dataclass(frozen=True, slots=True)
class SimulatorEndpoint:
    """Where a simulator listens and the credentials it accepts."""

    host: str
    port: int
    fingerprint: str
    username: str
    token_id: str
    token_secret: str
    password: str

    @property
    def url(self) -> str:
        """The base URL, ``https://host:port``."""
        return f"https://{self.host}:{self.port}"


class SimulatorProcess:
    """``python -m devenv.simulator_process`` as a managed child process."""

    def __init__(
        self,
        scenario: str,
        *,
        state_dir: Path,
        port: int = 0,
        latency_scale: float = 1.0,
        auth_delay_scale: float = 1.0,
    ) -> None:
        self.state_dir = state_dir
        self.ready_file = state_dir / "simulator-ready.json"
        self.log_file = state_dir / "simulator.log"
        args = [
            sys.executable,
            "-m",
            "devenv.simulator_process",
            "--scenario",
            scenario,
            "--port",
            str(port),
            "--latency-scale",
            str(latency_scale),
            "--auth-delay-scale",
            str(auth_delay_scale),
            "--identity",
            str(state_dir / "simulator-identity.json"),
            "--ready-file",
            str(self.ready_file),
        ]
        self._process = ManagedProcess(
            args, log_file=self.log_file, cwd=Path(__file__).resolve().parent.parent
        )

    def start(self, timeout: float = 60.0) -> SimulatorEndpoint:
        """Start the child and wait until it listens; returns its endpoint."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.ready_file.unlink(missing_ok=True)
        self._process.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready_file.is_file():
                return SimulatorEndpoint(**json.loads(self.ready_file.read_text()))
            if not self._process.running:
                raise RuntimeError(f"the simulator exited; see {self.log_file}")
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"the simulator did not start within {timeout:.0f} s; see {self.log_file}")

    @property
    def running(self) -> bool:
        """True while the child has not exited."""
        return self._process.running

    def stop(self) -> int | None:
        """Stop the child (TERM, then KILL)."""
        return self._process.stop(grace=10.0)


async def _serve(args: argparse.Namespace) -> None:
    from simulator import Simulator, scenarios  # noqa: PLC0415 - the child's imports only

    material, secret = load_or_create(args.identity)
    sim = Simulator(
        scenarios.get(args.scenario),
        port=args.port,
        latency_scale=args.latency_scale,
        auth_delay_scale=args.auth_delay_scale,
        tls_material=material,
        token_secret=secret,
    )
    # The demo's user also holds the optional backup-list privileges (README, "Permissions"): the demo
    # shows every feature and no repair asking for them; the tests cover the user without them.
    sim.faults.grant_privilege("/storage", "Datastore.AllocateSpace")
    sim.faults.grant_privilege("/vms", "VM.Backup")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with sim:
        endpoint = SimulatorEndpoint(
            host=sim.host,
            port=sim.port,
            fingerprint=sim.fingerprint,
            username=sim.username,
            token_id=sim.token_id,
            token_secret=sim.token_secret,
            password=sim.password,
        )
        partial = args.ready_file.with_suffix(".tmp")
        partial.write_text(json.dumps(asdict(endpoint)))
        partial.replace(args.ready_file)  # atomically: the parent never reads half a file
        print(f"Proxmox VE simulator ({args.scenario}) on {endpoint.url}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """The child process: serve a scenario until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m devenv.simulator_process")
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-scale", type=float, default=1.0)
    parser.add_argument("--auth-delay-scale", type=float, default=1.0)
    parser.add_argument("--identity", type=Path, required=True)
    parser.add_argument("--ready-file", type=Path, required=True)
    asyncio.run(_serve(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
