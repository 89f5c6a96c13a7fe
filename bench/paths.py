"""Where things are."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INTEGRATION_DIR = REPO / "custom_components" / "proxmox_live"
BENCH_DIR = REPO / "bench"
