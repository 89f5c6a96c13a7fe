"""A Proxmox VE API simulator for tests, the demo and the benchmark.

``async with Simulator(scenarios.cluster3()) as sim: ...`` serves ``/api2/json/...`` over TLS on an
ephemeral 127.0.0.1 port, driven by an injectable model clock.
"""

from simulator import scenarios
from simulator.cluster import Cluster
from simulator.faults import Faults
from simulator.server import Simulator

__all__ = ["Cluster", "Faults", "Simulator", "scenarios"]
