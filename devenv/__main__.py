"""``python -m devenv``: Home Assistant with this integration and a simulated Proxmox VE cluster.

``--ready`` onboards Home Assistant with a demo user and adds the integration, so the instance is
populated at once.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import signal
import sys
import threading
import time
from types import FrameType

from simulator import Simulator, scenarios

from .flows import add_proxmox_entry, proxmox_entries
from .homeassistant import REPO, HomeAssistantInstance
from .identity import load_or_create
from .onboarding import DEMO_USER, is_onboarded, login, onboard
from .simulator_thread import SimulatorThread


def main(argv: list[str] | None = None) -> int:
    """Start both, print how to use them, wait for Ctrl-C, stop both."""
    parser = argparse.ArgumentParser(prog="scripts/develop", description=__doc__)
    parser.add_argument("--ready", action="store_true", help="onboard and add the integration")
    parser.add_argument("--fresh", action="store_true", help="start from an empty Home Assistant state")
    parser.add_argument("--scenario", default="demo", help="simulator scenario (default: demo)")
    parser.add_argument("--config", type=Path, default=REPO / "config", help="Home Assistant config dir")
    parser.add_argument("--sim-port", type=int, default=8006, help="simulator port (default 8006)")
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_signal(_sig: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    started = time.monotonic()
    ha = HomeAssistantInstance(args.config)
    try:
        ha.ensure_port_free()
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1
    # Before the identity is read: --fresh empties the config folder, the identity file included.
    ha.prepare(fresh=args.fresh)
    material, secret = load_or_create(args.config / ".simulator-identity.json")
    sim_thread = SimulatorThread(
        scenarios.get(args.scenario),
        port=args.sim_port,
        latency_scale=1.0,
        auth_delay_scale=1.0,
        tls_material=material,
        token_secret=secret,
    )
    sim = sim_thread.start()
    try:
        ha.start()
        print(f"Starting Home Assistant (log: {ha.log_file}) ...", flush=True)
        ha.wait_until_up()
        if args.ready:
            _make_ready(ha, sim)
        _print_banner(ha, sim, time.monotonic() - started, ready=args.ready)
        while not stop.is_set() and ha.running:
            stop.wait(1)
    finally:
        print("\nStopping Home Assistant and the simulator ...", flush=True)
        ha.stop()
        sim_thread.stop()
    return 0


def _make_ready(ha: HomeAssistantInstance, sim: Simulator) -> None:
    if is_onboarded(ha.url):
        token = login(ha.url, DEMO_USER["username"], DEMO_USER["password"])
    else:
        token = onboard(ha.url)
    if not proxmox_entries(ha, token):
        add_proxmox_entry(
            ha,
            token,
            host=sim.host,
            port=sim.port,
            username=sim.username,
            token_id=sim.token_id,
            token_secret=sim.token_secret,
        )


def _print_banner(ha: HomeAssistantInstance, sim: Simulator, elapsed: float, *, ready: bool) -> None:
    lines = [
        "",
        f"Home Assistant   {ha.url}   (up in {elapsed:.0f} s)",
    ]
    if ready:
        lines.append(f"  sign in as      {DEMO_USER['username']} / {DEMO_USER['password']}")
    lines += [
        f"Proxmox VE (sim) {sim.url}",
        "  add it with    Settings -> Devices & services -> Add integration -> Proxmox VE Live",
        f"  host / port    {sim.host} / {sim.port}",
        f"  username       {sim.username}",
        f"  token id       {sim.token_id}",
        f"  token secret   {sim.token_secret}",
        f"  fingerprint    {sim.fingerprint}",
        "Press Ctrl-C to stop both.",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
