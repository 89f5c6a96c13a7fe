"""The rounding, rate, glitch and hold helpers the tiers build their values with."""

from __future__ import annotations

from datetime import UTC, datetime

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import CONF_HOST, CONF_PORT, DOMAIN
from custom_components.proxmox_live.coordinator.values import (
    CpuGlitchFilter,
    MetricHold,
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


def test_metric_hold() -> None:
    """Within the band the published value is held until max age; a jump, None or a forget resets."""
    hold = MetricHold(max_age=15)
    assert hold.hold("g", "cpu", 10.0, 5, 0) == 10.0  # first value: published
    assert hold.hold("g", "cpu", 14.9, 5, 2) == 10.0  # within the band: held
    assert hold.hold("g", "cpu", 5.1, 5, 14.9) == 10.0
    assert hold.hold("g", "cpu", 12.0, 5, 15) == 12.0  # max age reached: the current value
    assert hold.hold("g", "cpu", 17.0, 5, 16) == 17.0  # a move of the band: at once
    assert hold.hold("g", "cpu", None, 5, 17) is None  # unknown: published, nothing held
    assert hold.hold("g", "cpu", 16.0, 5, 18) == 16.0
    hold.forget("g")
    assert hold.hold("g", "cpu", 18.0, 5, 19) == 18.0  # nothing held after a forget
    assert hold.hold("h", "cpu", 1.0, 5, 19) == 1.0
    hold.retain(["h"])
    assert hold.hold("g", "cpu", 19.0, 5, 20) == 19.0  # dropped by retain
    assert hold.hold("h", "cpu", 2.0, 5, 20) == 1.0  # kept by retain


def test_ui_url() -> None:
    """Deep links into the Proxmox UI; IPv6 hosts in brackets."""
    entry = MockConfigEntry(domain=DOMAIN, data={CONF_HOST: "fd00::1", CONF_PORT: 8006})
    assert ui_url(entry) == "https://[fd00::1]:8006/"  # type: ignore[arg-type]
    assert ui_url(entry, "qemu/100") == "https://[fd00::1]:8006/#v1:0:=qemu%2F100"  # type: ignore[arg-type]
