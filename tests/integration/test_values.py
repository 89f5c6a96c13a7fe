"""The rounding, rate and glitch helpers the tiers build their values with."""

from __future__ import annotations

from datetime import UTC, datetime

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import CONF_HOST, CONF_PORT, DOMAIN
from custom_components.proxmox_live.coordinator.values import (
    CpuGlitchFilter,
    RateTracker,
    boot_time,
    gib,
    percent,
    ratio_percent,
)
from custom_components.proxmox_live.devices import ui_url


def test_rounding() -> None:
    """Percentages to 0.1, sizes to the displayed GiB decimals, unknowns stay unknown."""
    assert percent(0.12345) == 12.3
    assert percent(None) is None
    assert ratio_percent(1, 3) == 33.3
    assert ratio_percent(1, 0) is None
    assert ratio_percent(None, 3) is None
    assert gib(3 * 1024**3 + 5 * 1024**2, 2) == 3.0
    assert gib(None, 2) is None


def test_boot_time_is_held_within_a_minute() -> None:
    """Jitter of the uptime's seconds keeps the previous boot time; a reboot replaces it."""
    first = boot_time(None, 1000.9, 500)
    assert first == datetime.fromtimestamp(500, UTC)
    assert boot_time(first, 1003.2, 502) == first
    assert boot_time(first, 5000.0, 10) == datetime.fromtimestamp(4990, UTC)
    assert boot_time(first, 1000.0, 0) is None
    assert boot_time(first, 1000.0, None) is None


def test_rates_never_negative() -> None:
    """Rates in KiB/s between samples; a reset gives 0; close samples repeat the last rates."""
    rates = RateTracker()
    assert rates.update("a", 0.0, (0, None)) == (None, None)
    assert rates.update("a", 2.0, (4096, None)) == (2, None)
    assert rates.update("a", 2.1, (9999, None)) == (2, None)
    assert rates.update("a", 4.0, (100, None)) == (0, None)
    assert rates.update("a", 6.0, (100 + 10240, 5)) == (5, None)
    rates.retain([])
    assert rates.update("a", 8.0, (0, 0)) == (None, None)
    rates.forget("a")
    rates.forget("unknown")


def test_cpu_glitch_filter() -> None:
    """A single 0 of a running object is replaced by the previous value; a repeated 0 is believed."""
    glitches = CpuGlitchFilter()
    assert glitches.filter("a", True, 0.0, 12.5) == 12.5
    assert glitches.filter("a", True, 0.0, 12.5) == 0.0
    assert glitches.filter("a", True, 7.0, 0.0) == 7.0
    assert glitches.filter("a", False, 0.0, 7.0) == 0.0
    assert glitches.filter("b", True, 0.0, None) == 0.0


def test_ui_url() -> None:
    """Deep links into the Proxmox UI; IPv6 hosts in brackets."""
    entry = MockConfigEntry(domain=DOMAIN, data={CONF_HOST: "fd00::1", CONF_PORT: 8006})
    assert ui_url(entry) == "https://[fd00::1]:8006/"  # type: ignore[arg-type]
    assert ui_url(entry, "qemu/100") == "https://[fd00::1]:8006/#v1:0:=qemu%2F100"  # type: ignore[arg-type]
