"""The simulator in its own process, driven over stdin/stdout with one JSON object per line.

Running it apart keeps its CPU out of the Home Assistant process, whose event loop the benchmark
measures. ``python -m bench.simproc --scenario M`` prints a ``ready`` line (address, credentials,
the scenario's nodes and guests), then answers each command line with one result line:

``{"id": 1, "op": "counters"}`` -> ``{"id": 1, "counters": {template: count}}``;
``stop_guest``/``start_guest``/``remove_guest`` ``{"vmid": 101}`` and ``add_guest``
``{"vmid", "node", "type", "name"}`` -> ``{"id": ..., "t": <model time of the change>}``;
``quit`` ends the process.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import json
import sys
from typing import Any

from simulator import Simulator, scenarios


def ready_message(sim: Simulator) -> dict[str, Any]:
    """What the benchmark needs to connect and to pick guests to change."""
    cluster = sim.cluster
    now = cluster.now()
    return {
        "ready": True,
        "host": sim.host,
        "port": sim.port,
        "fingerprint": sim.fingerprint,
        "username": sim.username,
        "token_id": sim.token_id,
        "token_secret": sim.token_secret,
        "cluster_name": cluster.name,
        "local_node": cluster.local_node,
        "nodes": list(cluster.nodes),
        "guests": [
            [guest.vmid, guest.type, guest.node, cluster.running_since(guest, now) is not None]
            for guest in cluster.guests.values()
            if not guest.template
        ],
    }


def execute(sim: Simulator, command: dict[str, Any]) -> dict[str, Any]:
    """Run one command against the simulator."""
    op = command["op"]
    cluster = sim.cluster
    if op == "counters":
        return {"counters": dict(sim.counters)}
    if op == "stop_guest":
        cluster.stop_guest(int(command["vmid"]))
    elif op == "start_guest":
        cluster.start_guest(int(command["vmid"]))
    elif op == "add_guest":
        cluster.add_guest(command["node"], int(command["vmid"]), command["type"], command["name"], True)
    elif op == "remove_guest":
        cluster.remove_guest(int(command["vmid"]))
    else:
        raise ValueError(f"unknown op {op!r}")
    return {"t": cluster.now()}


async def serve(scenario: str, latency_scale: float) -> None:
    """Serve until ``quit`` or the end of stdin."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with Simulator(scenarios.get(scenario), tls=True, latency_scale=latency_scale) as sim:
        _send(ready_message(sim))
        while line := await reader.readline():
            command = json.loads(line)
            if command["op"] == "quit":
                break
            try:
                result = execute(sim, command)
            except (KeyError, ValueError) as err:
                result = {"error": str(err)}
            _send({"id": command.get("id"), **result})


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.simproc")
    parser.add_argument("--scenario", default="S")
    parser.add_argument("--latency-scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.scenario, args.latency_scale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
