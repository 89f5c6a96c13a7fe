"""``scripts/bench``: run the windows of each scenario one after the other, print tables and JSON.

Each window is its own process (``python -m bench.window``), started only when the previous one has
ended, so windows never compete for the two cores. Per scenario: the integration (``--duration``),
then baseline a and baseline b (``--baseline-duration``, default ``min(duration, 15)`` so that the
default run, S, M and L with both baselines, stays within 10 minutes).

Output: a table per scenario (stdout), then one JSON line, last: the last scenario's keys at the
top level and every scenario under ``"scenarios"``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
import json
import platform
import subprocess
import sys
import time
from typing import Any, cast

from bench import report, variants
from bench.paths import REPO

SCENARIOS = ("S", "M", "L")
WINDOW_OVERHEAD = 240  # s: process start, setup and warm-up a window may take beyond its duration


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="scenario to run (repeat for several; default: S, M and L)",
    )
    parser.add_argument("--duration", type=float, default=60.0, help="window of the integration, s")
    parser.add_argument("--baseline-duration", type=float, help="window of each baseline, s")
    parser.add_argument("--live-interval", type=int, default=2, help="live tier interval, s")
    parser.add_argument(
        "--variants",
        default=",".join(variants.DEFAULT_VARIANTS),
        help=f"comma-separated windows per scenario, from {', '.join(variants.VARIANTS)} (main first)",
    )
    parser.add_argument("--latency-scale", type=float, default=1.0, help="simulator latency (1 = realistic)")
    parser.add_argument("--quick", action="store_true", help="short idle and warm-up phases (smoke tests)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="windows run at once; more than 1 distorts every timing (smoke tests only)",
    )
    return parser


def run_window(scenario: str, variant: str, duration: float, args: argparse.Namespace) -> dict[str, Any]:
    """Run one window process; its last stdout line is the result."""
    command = [
        sys.executable,
        "-m",
        "bench.window",
        f"--scenario={scenario}",
        f"--variant={variant}",
        f"--duration={duration}",
        f"--live-interval={args.live_interval}",
        f"--latency-scale={args.latency_scale}",
        *(["--quick"] if args.quick else []),
    ]
    print(f"# {scenario}/{variant}: {duration:.0f} s window", file=sys.stderr, flush=True)
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, cwd=REPO, stdout=subprocess.PIPE, text=True, timeout=duration + WINDOW_OVERHEAD, check=False
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"window {scenario}/{variant} failed with exit code {done.returncode}")
    return cast(dict[str, Any], json.loads(lines[-1]))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    chosen = [name.strip() for name in args.variants.split(",") if name.strip()]
    if not chosen or chosen[0] != "main" or any(name not in variants.VARIANTS for name in chosen):
        raise SystemExit(f"--variants: start with main, then any of {', '.join(variants.VARIANTS)}")
    baseline_duration = args.baseline_duration or min(args.duration, 15.0)
    started = time.monotonic()
    summaries = []
    for scenario in args.scenario or SCENARIOS:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {
                name: pool.submit(
                    run_window, scenario, name, args.duration if name == "main" else baseline_duration, args
                )
                for name in chosen
            }
            windows = {name: future.result() for name, future in futures.items()}
        print(report.table(scenario, windows), flush=True)
        print(flush=True)
        summaries.append(report.summary(scenario, windows))
    extra = {
        "run_s": round(time.monotonic() - started, 1),
        "duration_s": args.duration,
        "baseline_duration_s": baseline_duration,
        "python": platform.python_version(),
    }
    print(json.dumps(report.final_line(summaries, extra)), flush=True)
    return 0
