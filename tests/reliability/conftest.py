"""Fixtures and helpers of the fault suite: the integration tests' fixtures, plus tick and log helpers.

The fixtures come from ``tests/integration/conftest.py`` (imported, not copied): a real config entry
(token auth, pinned certificate) against the cluster3 simulator on a frozen clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
import logging
import math
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.proxmox_live.const import (
    CONF_FINGERPRINT,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    DOMAIN,
)
from simulator import Simulator
from tests.integration.conftest import (  # noqa: F401 - fixtures re-exported to this package
    _sockets,
    auto_enable_custom_integrations,
    config_entry,
    device_of,
    entity_registry_enabled_by_default,
    loaded_entry,
    options,
    scenario,
    setup_entry,
    sim,
    state_of,
    tick,
)

# Autouse: the TLS tests refuse the simulator's certificate on purpose; only that report is dropped.
from tests.integration.test_config_flow import rejected_handshakes_expected  # noqa: F401

UNAVAILABLE = "unavailable"
LIVE_INTERVAL = 2  # default live interval (s)
INVENTORY_INTERVAL = 10

# Entities of objects on pve1 (never touched by the per-node faults, which hit pve2 or pve3)
PVE1 = ("homelab_node_pve1_cpu_usage", "homelab_node_pve1_memory_used", "homelab_qemu_100_cpu_usage")


def states(hass: HomeAssistant, unique_ids: Iterable[str], platform: str = "sensor") -> dict[str, str | None]:
    """Current states of ``unique_ids``."""
    return {uid: state_of(hass, platform, uid) for uid in unique_ids}


class History:
    """States of some sensors seen at every tick, to tell "kept updating" and "never unavailable"."""

    def __init__(self, hass: HomeAssistant, unique_ids: Iterable[str]) -> None:
        """Watch ``unique_ids`` (sensors)."""
        self.hass = hass
        self.seen: dict[str, list[str | None]] = {uid: [] for uid in unique_ids}

    def record(self) -> None:
        """Take one sample of every watched sensor."""
        for uid, value in states(self.hass, self.seen).items():
            self.seen[uid].append(value)

    def never_unavailable(self) -> bool:
        """No sample was unavailable or missing."""
        return all(v not in (None, UNAVAILABLE) for values in self.seen.values() for v in values)

    def kept_updating(self) -> bool:
        """Every watched sensor showed at least two different values."""
        return all(len(set(values)) >= 2 for values in self.seen.values())


async def ticks(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    count: int,
    seconds: float = LIVE_INTERVAL,
    history: History | None = None,
) -> None:
    """``count`` ticks of ``seconds``, sampling ``history`` after each."""
    for _ in range(count):
        await tick(hass, freezer, seconds)
        if history is not None:
            history.record()


def integration_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Records of the integration's loggers (the coordinators log through the integration's logger)."""
    return [r for r in caplog.records if r.name.startswith("custom_components.proxmox_live")]


def count_lines(caplog: pytest.LogCaptureFixture, text: str, *, level: int = logging.INFO) -> int:
    """How many integration records at ``level`` or above mention ``text``."""
    return sum(1 for r in integration_records(caplog) if r.levelno >= level and text in r.getMessage())


PROBLEM_MARKERS = ("Unexpected error", "Task exception was never retrieved", "Error doing job", "Traceback")


def is_problem(record: logging.LogRecord) -> bool:
    """Whether ``record`` betrays an unhandled exception (Home Assistant logs those with a traceback)."""
    with_traceback = record.exc_info is not None and record.levelno >= logging.WARNING
    return with_traceback or any(marker in record.getMessage() for marker in PROBLEM_MARKERS)


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Records that betray an unhandled exception anywhere."""
    return [f"{record.name}: {record.getMessage()}" for record in caplog.records if is_problem(record)]


def bad_numbers(hass: HomeAssistant) -> list[str]:
    """Sensors of the integration whose numeric state is negative or not finite."""
    bad = []
    for state in hass.states.async_all("sensor"):
        if not state.entity_id.startswith("sensor.") or state.attributes.get("unit_of_measurement") is None:
            continue
        try:
            value = float(state.state)
        except ValueError:
            continue
        if not math.isfinite(value) or value < 0:
            bad.append(f"{state.entity_id}={state.state}")
    return bad


def wall_clock() -> float:
    """Seconds of the real monotonic clock (freezegun patches ``time.monotonic``, not this)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


async def pump_until(predicate: Callable[[], bool], *, seconds: float = 5.0) -> bool:
    """Run the event loop (real I/O, no timers: the loop clock is frozen) until ``predicate`` holds."""
    deadline = wall_clock() + seconds
    while not predicate():
        if wall_clock() > deadline:
            return False
        await asyncio.sleep(0)
    return True


def busy(hass: HomeAssistant) -> bool:
    """Whether a refresh (a background task of Home Assistant) is still running."""
    return any(not task.done() for task in hass._background_tasks)


async def tick_through_hang(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float, *, max_steps: int = 30
) -> int:
    """Move the clock by ``seconds``, then 1 s at a time while a refresh still waits (a hung request).

    With a frozen clock a request's timeout only fires once the clock passes it, so
    ``async_block_till_done`` alone would wait forever for a hanging request. Returns the extra
    seconds it took.
    """
    freezer.tick(seconds)
    async_fire_time_changed(hass)
    extra = 0
    while not await pump_until(lambda: not busy(hass), seconds=0.3):
        if extra >= max_steps:
            raise AssertionError("a refresh is still hanging")
        freezer.tick(1)
        async_fire_time_changed(hass)
        extra += 1
    await hass.async_block_till_done(wait_background_tasks=True)
    return extra


@pytest.fixture
def password_entry(sim: Simulator) -> MockConfigEntry:  # noqa: F811 - the imported fixture
    """An entry with ticket authentication (user and password), certificate pinned."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="homelab",
        unique_id="homelab",
        data={
            CONF_HOST: sim.host,
            CONF_PORT: sim.port,
            CONF_VERIFY_SSL: True,
            CONF_FINGERPRINT: sim.fingerprint,
            CONF_USERNAME: sim.username,
            CONF_PASSWORD: sim.password,
        },
    )
