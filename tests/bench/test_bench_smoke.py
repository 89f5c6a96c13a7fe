"""The benchmark machinery end to end on scenario S for a couple of seconds: behaviour only.

Runs ``python -m bench`` as a subprocess (a real Home Assistant core per window, the simulator in
its own process), the three windows at once. No assertion here depends on timing: the benchmark
reports timings, this test checks what it counts and the shape of what it prints.
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
REQUIRED_KEYS = {
    "scenario",
    "nodes",
    "guests",
    "live_interval_s",
    "requests_per_s",
    "live_requests_per_tick",
    "baseline_live_requests_per_tick",
    "p50_live_lag_s",
    "p95_live_lag_s",
    "p95_inventory_lag_s",
    "loop_busy_pct",
    "state_writes_per_min",
    "baseline_state_writes_per_min",
    "recorder_rows_per_min",
    "rss_growth_mb",
}


@pytest.fixture(scope="module")
def output() -> list[str]:
    """Lines the benchmark printed for a 2 s window of S (windows run in parallel: timings distorted)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--scenario", "S", "--duration", "2", "--quick", "--jobs", "3"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()


@pytest.fixture(scope="module")
def result(output: list[str]) -> dict[str, Any]:
    """The final JSON line."""
    parsed: dict[str, Any] = json.loads(output[-1])
    return parsed


def test_json_line_has_every_key(result: dict[str, Any]) -> None:
    """The last line is one JSON object with the documented keys, for scenario S."""
    assert result.keys() >= REQUIRED_KEYS
    assert (result["scenario"], result["nodes"], result["guests"]) == ("S", 1, 10)
    assert result["live_interval_s"] == 2
    assert [entry["scenario"] for entry in result["scenarios"]] == ["S"]


def test_live_tier_costs_three_requests_per_node(result: dict[str, Any]) -> None:
    """Every measured tick of the integration read the node's three lists, nothing else."""
    assert result["live_requests_per_tick"] == 3 * result["nodes"]
    assert result["live_requests_per_tick_min"] == result["live_requests_per_tick_max"] == 3
    assert result["live_requests_attempted_per_tick"] == 3
    live_endpoints = {"/nodes/{node}/status", "/nodes/{node}/qemu", "/nodes/{node}/lxc"}
    assert live_endpoints <= result["requests_per_s_by_endpoint"].keys()
    assert not any("status/current" in template for template in result["requests_per_s_by_endpoint"])


def test_baseline_a_polls_every_guest(result: dict[str, Any]) -> None:
    """Baseline a adds one status/current per guest per tick: 3 x nodes + guests."""
    per_guest = result["baselines"]["per_guest"]
    assert result["baseline_live_requests_per_tick"] == 3 * result["nodes"] + result["guests"]
    assert per_guest["live_requests_per_tick_min"] == per_guest["live_requests_per_tick_max"] == 13
    assert result["baseline_live_requests_attempted_per_tick"] == 13
    assert any("status/current" in template for template in per_guest["requests_per_s_by_endpoint"])


def test_baseline_b_and_writes_are_counted(result: dict[str, Any]) -> None:
    """Both windows wrote states (the entities exist and the recorder stores their changes)."""
    raw = result["baselines"]["raw"]
    assert raw["variant"] == "raw"
    assert result["baseline_state_writes_per_min"] == raw["state_writes_per_min"]
    assert result["state_writes_per_min"] > 0
    assert result["entities"] > 10 * 5  # a device per guest with several entities each


def test_table_names_the_targets(output: list[str]) -> None:
    """The readable table comes first, with the targets checked."""
    text = "\n".join(output[:-1])
    assert "Scenario S: 1 nodes, 10 guests" in text
    assert "live requests/tick" in text
    assert "targets:" in text
    assert "live_requests_per_tick: met" in text
