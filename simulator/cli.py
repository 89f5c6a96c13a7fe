"""``python -m simulator``: serve a scenario until Ctrl-C / SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import contextlib
import signal

from simulator import scenarios
from simulator.server import Simulator


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description="Proxmox VE API simulator")
    parser.add_argument("--scenario", default="cluster3", choices=sorted(scenarios.BY_NAME))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8006)
    parser.add_argument("--http", action="store_true", help="plain HTTP instead of TLS")
    parser.add_argument("--latency-scale", type=float, default=1.0)
    parser.add_argument("--auth-delay-scale", type=float, default=1.0)
    return parser


def make_simulator(args: argparse.Namespace) -> Simulator:
    """A (not yet started) simulator for parsed arguments."""
    return Simulator(
        scenarios.get(args.scenario),
        tls=not args.http,
        host=args.host,
        port=args.port,
        latency_scale=args.latency_scale,
        auth_delay_scale=args.auth_delay_scale,
    )


def banner(sim: Simulator, scenario: str) -> str:
    """What the operator needs to connect."""
    lines = [
        f"Proxmox VE simulator: scenario {scenario}",
        f"URL:          {sim.url}/api2/json",
        f"Fingerprint:  {sim.fingerprint or '(plain HTTP)'}",
        f"Username:     {sim.username}",
        f"Token ID:     {sim.token_id}",
        f"Token secret: {sim.token_secret}",
        f"Password:     {sim.password}",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


async def serve(args: argparse.Namespace, stop: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set (by SIGINT/SIGTERM when not given)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        async with make_simulator(args) as sim:
            print(banner(sim, args.scenario), flush=True)
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
    print("Stopped.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0
