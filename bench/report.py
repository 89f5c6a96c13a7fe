"""Scenario summaries, target checks, the readable table and the final JSON line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

type Result = Mapping[str, Any]

ROWS: tuple[tuple[str, str], ...] = (
    ("window_s", "window (s)"),
    ("entities", "entities"),
    ("setup_s", "entry setup (s)"),
    ("live_ticks", "live ticks"),
    ("live_tick_period_s", "live tick period (s)"),
    ("live_fetch_p50_s", "live fetch p50 (s)"),
    ("live_fetch_max_s", "live fetch max (s)"),
    ("requests_per_s", "API requests/s"),
    ("live_requests_per_tick", "live requests/tick"),
    ("live_requests_attempted_per_tick", "  started by the client"),
    ("p50_live_lag_s", "live lag p50 (s, from API)"),
    ("p95_live_lag_s", "live lag p95 (s, from API)"),
    ("p95_live_lag_from_change_s", "live lag p95 (s, from model)"),
    ("live_probes", "live probes (missed)"),
    ("p50_inventory_lag_s", "inventory lag p50 (s)"),
    ("p95_inventory_lag_s", "inventory lag p95 (s)"),
    ("inventory_probes", "inventory probes (missed)"),
    ("loop_busy_pct", "loop busy (% of a core)"),
    ("loop_integration_tasks_pct", "  in integration tasks (%)"),
    ("loop_other_pct", "  other callbacks (%)"),
    ("state_writes_per_min", "state_changed/min"),
    ("entity_writes_per_min", "entity state writes/min"),
    ("recorder_rows_per_min", "recorder rows/min"),
    ("recorder_backlog_end", "recorder backlog at end"),
    ("rss_start_mb", "RSS at start (MiB)"),
    ("rss_growth_mb", "RSS peak growth (MiB)"),
)
LABELS = {"main": "integration", "per_guest": "baseline a", "raw": "baseline b", "tuned": "tuned"}


@dataclass(frozen=True, slots=True)
class Check:
    """One target: whether it holds, and the numbers behind it."""

    name: str
    met: bool | None  # None: not applicable at this scale / not measured
    detail: str


def summary(scenario: str, windows: Mapping[str, Result]) -> dict[str, Any]:
    """The scenario's headline numbers: the integration's window plus the baselines' comparators."""
    main = dict(windows["main"])
    per_guest = windows.get("per_guest", {})
    raw = windows.get("raw", {})
    main["scenario"] = scenario
    main["baseline_live_requests_per_tick"] = per_guest.get("live_requests_per_tick")
    main["baseline_live_requests_attempted_per_tick"] = per_guest.get("live_requests_attempted_per_tick")
    main["baseline_state_writes_per_min"] = raw.get("state_writes_per_min")
    main["baselines"] = {name: dict(result) for name, result in windows.items() if name != "main"}
    main["targets"] = {check.name: check.met for check in checks(main)}
    return main


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def checks(summary: Mapping[str, Any]) -> list[Check]:
    """The issue's targets for one scenario's summary."""
    nodes, scenario = summary["nodes"], summary["scenario"]
    interval = summary["live_interval_s"]
    per_tick = summary["live_requests_per_tick"]
    # what baseline a asks for per tick (at L many of its requests time out before they reach the server)
    baseline_tick = summary.get("baseline_live_requests_attempted_per_tick") or summary.get(
        "baseline_live_requests_per_tick"
    )
    fewer = _ratio(baseline_tick, per_tick)
    result = [
        Check(
            "live_requests_per_tick",
            per_tick == 3 * nodes and (scenario != "L" or fewer is None or fewer >= 30),
            f"{per_tick} per tick (3 x {nodes} nodes = {3 * nodes}); baseline a starts {baseline_tick}"
            + (f" = {fewer:.0f}x more" if fewer else " (no baseline a in this run)"),
        ),
        _at_most("p95_live_lag", summary.get("p95_live_lag_s"), interval + 1.0),
        _at_most("p95_inventory_lag", summary.get("p95_inventory_lag_s"), 11.0),
    ]
    busy = summary["loop_busy_pct"]
    if scenario == "M" and interval == 2:
        result.append(_at_most("loop_busy", busy, 2.0, below=True))
    elif scenario == "L":
        result.append(_at_most("loop_busy", busy, 10.0, below=True))
    if scenario == "M":
        writes = _ratio(summary.get("baseline_state_writes_per_min"), summary["state_writes_per_min"])
        result.append(
            Check(
                "state_writes",
                None if writes is None else writes >= 5,
                f"{summary['state_writes_per_min']}/min vs baseline b "
                f"{summary.get('baseline_state_writes_per_min')}/min"
                + (f" = {writes:.2f}x fewer (target 5x)" if writes else ""),
            )
        )
        result.append(_at_most("memory_growth", summary["rss_growth_mb"], 20.0, below=True))
    return result


def _at_most(name: str, value: float | None, limit: float, *, below: bool = False) -> Check:
    if value is None:
        return Check(name, None, "not measured (no probe resolved in the window)")
    met = value < limit if below else value <= limit
    return Check(name, met, f"{value} ({'<' if below else '<='} {limit})")


def _cell(result: Result, key: str) -> str:
    value = result.get(key)
    if key in ("live_probes", "inventory_probes"):
        missed = result.get(key + "_missed")
        return f"{value} ({missed})"
    return "-" if value is None else str(value)


def table(scenario: str, windows: Mapping[str, Result]) -> str:
    """The scenario's windows side by side, then the targets."""
    main = windows["main"]
    names = list(windows)
    head = f"Scenario {scenario}: {main['nodes']} nodes, {main['guests']} guests, live interval "
    head += f"{main['live_interval_s']} s"
    width = max(len(label) for _, label in ROWS) + 2
    lines = [head, "".ljust(width) + "".join(LABELS.get(name, name).rjust(14) for name in names)]
    lines.extend(
        label.ljust(width) + "".join(_cell(windows[name], key).rjust(14) for name in names)
        for key, label in ROWS
    )
    endpoints = sorted({t for result in windows.values() for t in result["requests_per_s_by_endpoint"]})
    lines.append("requests/s by endpoint:")
    lines.extend(
        f"  {template}"
        + "".join(
            str(windows[name]["requests_per_s_by_endpoint"].get(template, 0)).rjust(14) for name in names
        )
        for template in endpoints
    )
    lines.append("targets:")
    for check in checks(summary(scenario, windows)):
        mark = {True: "met", False: "NOT MET", None: "n/a"}[check.met]
        lines.append(f"  {check.name}: {mark}: {check.detail}")
    return "\n".join(lines)


def final_line(summaries: Sequence[dict[str, Any]], extra: Mapping[str, Any]) -> dict[str, Any]:
    """The last scenario's keys at the top level, every scenario under ``scenarios``."""
    return {**summaries[-1], **extra, "scenarios": list(summaries)}
