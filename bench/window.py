"""One measured window: simulator process, Home Assistant core, the integration, probes, numbers.

Runs in a process of its own (``python -m bench.window ...``; the last stdout line is the result as
JSON), so every window starts from the same state and a baseline's patches never leak.

Timeline: start the simulator process and Home Assistant (recorder on SQLite); measure the idle
loop for a few seconds; add the config entry; warm up; start the window at the end of a live fetch;
run the probes; end the window at the end of the first live fetch after ``duration``; count.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
import itertools
import json
import logging
import os
from pathlib import Path
import shutil
import sys
import tempfile
import time
import traceback
from typing import Any, cast

from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.runner import create_event_loop

from bench import variants
from bench.driver import Driver, Lags
from bench.hass_core import DB_FILE, add_entry, make_entry, start_hass
from bench.loopmeter import LoopMeter, LoopTotals
from bench.measures import AttemptCounter, TickClock, count_state_rows, live_requests, percentile, rss_mb
from bench.simlink import SimInfo, SimLink
from bench.statewatch import StateWatch
from custom_components.proxmox_live.coordinator import ProxmoxConfigEntry

_LOGGER = logging.getLogger("bench.window")
PROBE_GRACE = 3.0  # s the probes may still resolve after the window before they are dropped
INVENTORY_PROBE_SPAN = 12.0  # s before the window's end after which no inventory probe starts


@dataclass(frozen=True, slots=True)
class WindowConfig:
    """What to run."""

    scenario: str
    variant: variants.Variant
    duration: float
    live_interval: int
    latency_scale: float = 1.0
    idle_seconds: float = 1.5  # idle loop measured before the entry is added
    warmup_ticks: int = 2
    warmup_seconds: float = 3.0


@dataclass(slots=True)
class _Snapshot:
    wall: float
    mono: float
    ticks: int
    counters: dict[str, int]
    loop: LoopTotals
    writes: int
    reported: int
    rss: float
    rows: int  # rows of the states table committed so far
    attempted: int = 0  # live-tier requests the client started so far


async def run_window(config: WindowConfig, workdir: Path) -> dict[str, Any]:
    """Measure one window with Home Assistant's files in ``workdir``; returns the result (JSON-ready).

    Home Assistant is left running: at L the recorder may hold a backlog of minutes, and draining it
    measures nothing. The caller ends the process (see :func:`main`).
    """
    meter = LoopMeter()
    meter.install()
    starting = asyncio.create_task(SimLink.start(config.scenario, latency_scale=config.latency_scale))
    hass = await start_hass(workdir)
    sim = await starting
    try:
        return await _measure(config, hass, workdir / DB_FILE, sim, meter)
    finally:
        stopping = time.monotonic()
        await sim.stop()
        meter.uninstall()
        _LOGGER.info(
            "%s/%s: simulator stopped in %.1f s", config.scenario, config.variant, time.monotonic() - stopping
        )


async def _snapshot(sim: SimLink, clock: TickClock, meter: LoopMeter, watch: StateWatch) -> _Snapshot:
    wall, mono, ticks, loop = time.time(), time.monotonic(), len(clock.ticks), meter.totals.copy()
    writes, reported = watch.writes, watch.reported
    return _Snapshot(wall, mono, ticks, await sim.counters(), loop, writes, reported, rss_mb(), 0)


async def _measure(
    config: WindowConfig, hass: HomeAssistant, db_path: Path, sim: SimLink, meter: LoopMeter
) -> dict[str, Any]:
    info = sim.info
    idle_start = meter.totals.copy()
    await asyncio.sleep(config.idle_seconds)
    idle = meter.totals.minus(idle_start)

    variants.before_setup(config.variant)
    entry = cast(
        ProxmoxConfigEntry,
        make_entry(info, variants.options(config.variant, config.live_interval, info.guests)),
    )
    setup_started = time.monotonic()
    await add_entry(hass, entry)
    setup_seconds = time.monotonic() - setup_started
    _LOGGER.info("%s/%s: entry set up in %.1f s", config.scenario, config.variant, setup_seconds)
    variants.after_setup(config.variant, entry.runtime_data)
    clock = TickClock(entry.runtime_data.live)
    attempts = AttemptCounter(entry.runtime_data.client)
    watch = StateWatch(hass, meter)
    watch.start()

    warm_until = time.monotonic() + config.warmup_seconds
    while len(clock.ticks) < config.warmup_ticks or time.monotonic() < warm_until:
        await clock.next_end()
    entities = len(hass.states.async_entity_ids())
    first = await _snapshot(sim, clock, meter, watch)
    first.attempted = live_requests(attempts.counts)
    first.rows = await hass.async_add_executor_job(count_state_rows, db_path)

    driver = Driver(sim, watch, str(entry.unique_id), info.guests, info.nodes, config.live_interval)
    deadline = first.mono + config.duration
    probes = [
        asyncio.create_task(driver.run_live(deadline - config.live_interval)),
        asyncio.create_task(driver.run_inventory(max(first.mono, deadline - INVENTORY_PROBE_SPAN))),
    ]
    per_tick: list[int] = []
    peak = first.rss
    previous = first.counters
    while True:
        await clock.next_end()
        counters = await sim.counters()
        per_tick.append(live_requests(counters) - live_requests(previous))
        previous = counters
        peak = max(peak, rss_mb())
        if time.monotonic() >= deadline:
            break
    last = await _snapshot(sim, clock, meter, watch)
    last.counters = counters
    last.attempted = live_requests(attempts.counts)
    last.rows = await hass.async_add_executor_job(count_state_rows, db_path)
    backlog = get_instance(hass).backlog
    _LOGGER.info("%s/%s: window ended after %.1f s", config.scenario, config.variant, last.mono - first.mono)
    _done, pending = await asyncio.wait(probes, timeout=PROBE_GRACE)
    for task in pending:
        task.cancel()
    await asyncio.gather(*probes, return_exceptions=True)
    _LOGGER.info("%s/%s: probes done", config.scenario, config.variant)
    watch.stop()
    for coordinator in entry.runtime_data.coordinators:  # no more polls while the simulator stops
        await coordinator.async_shutdown()
    result = _result(config, info, entities, setup_seconds, idle, first, last, per_tick, peak, clock, driver)
    result["recorder_backlog_end"] = backlog
    return result


def _result(  # noqa: PLR0917 - one window's pieces, named at the single call
    config: WindowConfig,
    info: SimInfo,
    entities: int,
    setup_seconds: float,
    idle: LoopTotals,
    first: _Snapshot,
    last: _Snapshot,
    per_tick: list[int],
    peak: float,
    clock: TickClock,
    driver: Driver,
) -> dict[str, Any]:
    seconds = last.mono - first.mono
    minutes = seconds / 60
    loop = last.loop.minus(first.loop)
    idle_rate = idle.total / config.idle_seconds
    ticks = clock.ticks[first.ticks : last.ticks]
    fetch = [end - start for start, end in ticks]
    starts = [start for start, _ in ticks]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    requests = {
        template: (count - first.counters.get(template, 0)) / seconds
        for template, count in sorted(last.counters.items())
        if count > first.counters.get(template, 0)
    }
    live_total = live_requests(last.counters) - live_requests(first.counters)
    return {
        "scenario": config.scenario,
        "variant": config.variant,
        "nodes": len(info.nodes),
        "guests": len(info.guests),
        "entities": entities,
        "live_interval_s": config.live_interval,
        "window_s": round(seconds, 2),
        "setup_s": round(setup_seconds, 2),
        "live_ticks": len(ticks),
        "live_tick_period_s": _rounded(sum(gaps) / len(gaps) if gaps else None),
        "live_fetch_p50_s": _rounded(percentile(fetch, 50)),
        "live_fetch_max_s": _rounded(max(fetch) if fetch else None),
        "requests_per_s": round(sum(requests.values()), 2),
        "requests_per_s_by_endpoint": {template: round(rate, 3) for template, rate in requests.items()},
        "live_requests_per_tick": round(live_total / len(ticks), 2) if ticks else None,
        "live_requests_attempted_per_tick": (
            round((last.attempted - first.attempted) / len(ticks), 2) if ticks else None
        ),
        "live_requests_per_tick_min": min(per_tick) if per_tick else None,
        "live_requests_per_tick_max": max(per_tick) if per_tick else None,
        **_lags("live", driver.live),
        **_lags("inventory", driver.inventory),
        "loop_busy_pct": round(max(0.0, loop.total - loop.bench - idle_rate * seconds) / seconds * 100, 2),
        "loop_integration_tasks_pct": round(loop.integration / seconds * 100, 2),
        "loop_other_pct": round(loop.other / seconds * 100, 2),
        "loop_bench_pct": round(loop.bench / seconds * 100, 2),
        "loop_idle_pct": round(idle_rate * 100, 3),
        "state_writes_per_min": round((last.writes - first.writes) / minutes, 1),
        "entity_writes_per_min": round(
            (last.writes + last.reported - first.writes - first.reported) / minutes, 1
        ),
        "recorder_rows_per_min": round((last.rows - first.rows) / minutes, 1),
        "rss_start_mb": round(first.rss, 1),
        "rss_growth_mb": round(peak - first.rss, 2),
        "rss_end_growth_mb": round(last.rss - first.rss, 2),
    }


def _lags(kind: str, lags: Lags) -> dict[str, Any]:
    return {
        f"p50_{kind}_lag_s": _rounded(percentile(lags.from_api, 50)),
        f"p95_{kind}_lag_s": _rounded(percentile(lags.from_api, 95)),
        f"p50_{kind}_lag_from_change_s": _rounded(percentile(lags.from_change, 50)),
        f"p95_{kind}_lag_from_change_s": _rounded(percentile(lags.from_change, 95)),
        f"{kind}_probes": len(lags.from_api),
        f"{kind}_probes_missed": lags.missed,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.window``: run one window, print its result as the last line."""
    parser = argparse.ArgumentParser(prog="python -m bench.window")
    parser.add_argument("--scenario", default="S")
    parser.add_argument("--variant", default="main", choices=variants.VARIANTS)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--live-interval", type=int, default=2)
    parser.add_argument("--latency-scale", type=float, default=1.0)
    parser.add_argument("--quick", action="store_true", help="short idle and warm-up (smoke tests)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    logging.getLogger("bench").setLevel(logging.INFO)
    config = WindowConfig(
        scenario=args.scenario,
        variant=args.variant,
        duration=args.duration,
        live_interval=args.live_interval,
        latency_scale=args.latency_scale,
    )
    if args.quick:
        config = replace(config, idle_seconds=0.5, warmup_ticks=1, warmup_seconds=0.0)
    workdir = Path(tempfile.mkdtemp(prefix="proxmox-live-bench-"))
    loop = create_event_loop()
    code = 1
    try:
        result = loop.run_until_complete(run_window(config, workdir))
        print(json.dumps(result), flush=True)
        code = 0
    except BaseException:
        traceback.print_exc()
        raise
    finally:
        # Home Assistant is not stopped: a graceful stop drains the recorder's backlog first, which
        # can take minutes at L and measures nothing. Nothing else runs (the simulator is stopped).
        shutil.rmtree(workdir, ignore_errors=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
