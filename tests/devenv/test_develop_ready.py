"""``scripts/develop --ready``: a populated Home Assistant, seen through its REST API, and a clean stop.

Runs ``python -m devenv`` (what ``scripts/develop`` executes) in a temporary config folder, twice:
``--ready --fresh`` onboards and adds the integration; a second ``--ready`` start must find the same
entry working again (the simulator keeps its certificate and token secret between runs).
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from pathlib import Path
import re
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import pytest

from devenv.homeassistant import REPO, HomeAssistantInstance
from devenv.onboarding import DEMO_USER, login

pytestmark = [pytest.mark.devenv, pytest.mark.timeout(300)]

START_TIMEOUT = 240.0
LOGS = REPO / "artifacts" / "devenv-logs"


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """The test talks to Home Assistant on 127.0.0.1."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def develop(config: Path, sim_port: int, *extra: str) -> Iterator[str]:
    """Run ``python -m devenv --ready`` until its banner appears; yield the banner; stop it with Ctrl-C."""
    HomeAssistantInstance(config).ensure_port_free()
    output = config.parent / f"develop-{time.monotonic_ns()}.out"
    with output.open("wb") as sink:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "devenv",
                "--ready",
                "--config",
                str(config),
                "--sim-port",
                str(sim_port),
                *extra,
            ],
            cwd=REPO,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "Press Ctrl-C" not in (text := output.read_text()):
            assert proc.poll() is None, f"scripts/develop exited early:\n{text}"
            assert time.monotonic() < deadline, f"no banner within {START_TIMEOUT:.0f} s:\n{text}"
            time.sleep(0.5)
        yield text
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0, output.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        LOGS.mkdir(parents=True, exist_ok=True)
        (LOGS / output.name).write_text(output.read_text())


def _populated(ha: HomeAssistantInstance, token: str, timeout: float = 60.0) -> dict[str, dict[str, Any]]:
    """Wait until the entry is loaded and its entities have values; return the states by entity id."""
    deadline = time.monotonic() + timeout
    while True:
        entries = ha.api("GET", "/api/config/config_entries/entry?domain=proxmox_live", token)
        listed = ha.api("GET", "/api/states", token)
        assert isinstance(listed, list)
        states = {s["entity_id"]: s for s in listed}
        loaded = isinstance(entries, list) and [e["state"] for e in entries] == ["loaded"]
        if loaded and states.get("sensor.pve1_cpu_usage", {}).get("state") not in (None, "unknown"):
            return states
        assert time.monotonic() < deadline, f"entries {entries}, {len(states)} states"
        time.sleep(1)


def _assert_live(states: dict[str, dict[str, Any]]) -> None:
    """The demo scenario's cluster, nodes, guests and storage, with values."""
    assert states["binary_sensor.demo_quorate"]["state"] == "on"
    assert states["sensor.demo_nodes_online"]["state"] == "3"
    for node in ("pve1", "pve2", "pve3"):
        assert states[f"binary_sensor.{node}_online"]["state"] == "on"
        assert 0.0 <= float(states[f"sensor.{node}_cpu_usage"]["state"]) <= 100.0
        assert states[f"sensor.{node}_cpu_usage"]["attributes"]["unit_of_measurement"] == "%"
    assert states["binary_sensor.homeassistant_running"]["state"] == "on"
    assert float(states["sensor.homeassistant_memory_usage"]["state"]) > 0.0
    assert float(states["sensor.nfs_backup_storage_usage"]["state"]) > 0.0
    proxmox = [
        eid for eid, st in states.items() if st["attributes"].get("friendly_name", "").startswith("pve1 ")
    ]
    assert len(proxmox) >= 6


def test_develop_ready_populates_and_survives_a_restart(tmp_path: Path) -> None:
    """--ready --fresh: a loaded entry with live values; a second start finds them again."""
    config = tmp_path / "config"
    sim_port = _free_port()
    ha = HomeAssistantInstance(config)

    with develop(config, sim_port, "--fresh") as banner:
        assert re.search(r"sign in as\s+demo / ", banner)
        token = login(ha.url, DEMO_USER["username"], DEMO_USER["password"])
        first = _populated(ha, token)
        _assert_live(first)

    assert (config / ".simulator-identity.json").is_file()
    with develop(config, sim_port):
        token = login(ha.url, DEMO_USER["username"], DEMO_USER["password"])
        again = _populated(ha, token)
        _assert_live(again)
        # Live values moved on since the first run.
        assert (
            again["sensor.pve1_cpu_usage"]["last_updated"] != first["sensor.pve1_cpu_usage"]["last_updated"]
        )
