"""Pure helpers turning raw API numbers into the rounded values the tiers publish.

Rounding happens here, at the source, to the precision the entity displays (see sensor.py):
percentages to 0.1 %, load to 0.01, memory to 0.01 GiB, storage to 0.1 GiB, rates to 1 KiB/s,
boot times held steady; noisy CPU, memory and load values are held within a band for a few
seconds (``MetricHold``). Two ticks that would display the same value then compare equal, and the
coordinators (``always_update=False``) do not wake their entities. Sizes and rates are published in
the unit they are displayed in (GiB, KiB/s), so a state is exactly the rounded number; users may
still pick another unit.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GIB = 1024**3
KIB = 1024
MEMORY_DIGITS = 2  # memory in GiB with 2 decimals
STORAGE_DIGITS = 1  # storage in GiB with 1 decimal
BOOT_TIME_TOLERANCE = 60  # seconds a recomputed boot time may wander before it is believed

# Held metrics (``MetricHold``): the trade-off between freshness and state writes.
#
# CPU and memory of a busy guest jitter on every tick by more than their displayed precision, so
# rounding alone leaves almost every tick a state change of every running guest (the recorder
# stores each one). A held metric is published again only when it moved by at least its band from
# the value last published, or when that value is ``HOLD_MAX_AGE`` old. The cost: a value may lag
# the truth by less than its band for up to ``HOLD_MAX_AGE``; a larger move shows at the next tick.
# Guests are the bulk of the entities (and of the writes), so their bands are the wider ones;
# nodes are few and users automate on their load, so their bands are narrow. Running state,
# status, placement, boot time and counter-derived rates are never held. The maximum age sets the
# floor of the writes (each running guest: about 2 x 60 / age per minute); of the ages measured, 20 s
# is the smallest giving 5x fewer state writes than writing every polled value at 100 guests (15 s:
# 4.5x), see
# docs/performance.md.
HOLD_MAX_AGE = 20.0  # s: a held value is republished at least this often
GUEST_PERCENT_BAND = 5.0  # percentage points: guest cpu_usage and memory_usage
GUEST_MEMORY_BAND = 0.25  # GiB: guest memory_used
NODE_PERCENT_BAND = 1.0  # percentage points: node cpu_usage, memory_usage, io_wait, swap_usage
NODE_MEMORY_BAND = 0.25  # GiB: node memory_used
NODE_LOAD_BAND = 0.1  # node load_average


def percent(fraction: float | None) -> float | None:
    """A 0-1 fraction as a percentage with one decimal."""
    return None if fraction is None else round(fraction * 100, 1)


def ratio_percent(part: int | None, total: int | None) -> float | None:
    """``part`` of ``total`` as a percentage with one decimal (None when the total is unknown or 0)."""
    if part is None or not total:
        return None
    return round(part / total * 100, 1)


def gib(value: int | None, digits: int) -> float | None:
    """Bytes as GiB with ``digits`` decimals."""
    return None if value is None else round(value / GIB, digits)


def boot_time(previous: datetime | None, now: float, uptime: int | None) -> datetime | None:
    """The boot time (now - uptime), kept at ``previous`` unless it moved by more than a minute.

    ``uptime`` is whole seconds sampled at slightly different moments, so the raw difference jitters
    by a second or two at every tick; a reboot moves it by far more than the tolerance.
    """
    if not uptime:
        return None
    boot = datetime.fromtimestamp(int(now - uptime), UTC)
    if previous is not None and abs((boot - previous).total_seconds()) <= BOOT_TIME_TOLERANCE:
        return previous
    return boot


class CpuGlitchFilter:
    """Hides the single ``cpu: 0`` a fresh pveproxy worker reports for a busy guest or node.

    The API computes cpu as a delta held in the serving worker; a recycled worker's first answer is 0.
    A running object reporting 0 right after a non-zero value keeps its previous value for that one
    sample; a second 0 in a row is believed.
    """

    def __init__(self) -> None:
        """Start with nothing held."""
        self._held: set[Hashable] = set()

    def filter(
        self, key: Hashable, running: bool, value: float | None, previous: float | None
    ) -> float | None:
        """The value to publish for ``key`` this tick."""
        if running and value == 0 and previous and key not in self._held:
            self._held.add(key)
            return previous
        self._held.discard(key)
        return value


class MetricHold:
    """Publishes a noisy metric again only when it moved by its band or its value got old.

    Per key (a guest or node) and metric name, remembers the value last published and when. The
    first value, a value after ``None`` and a move of at least the band are published at once;
    within the band the published value is repeated until it is ``max_age`` seconds old.
    """

    def __init__(self, max_age: float = HOLD_MAX_AGE) -> None:
        """Start with nothing held."""
        self.max_age = max_age
        self._held: dict[Hashable, dict[str, tuple[float, float]]] = {}

    def hold(self, key: Hashable, name: str, value: float | None, band: float, now: float) -> float | None:
        """The value of ``key``'s metric ``name`` to publish at ``now``."""
        held = self._held.setdefault(key, {})
        if value is None:
            held.pop(name, None)
            return None
        previous = held.get(name)
        if previous is not None and abs(value - previous[0]) < band and now - previous[1] < self.max_age:
            return previous[0]
        held[name] = (value, now)
        return value

    def forget(self, key: Hashable) -> None:
        """Drop what ``key`` holds (guest stopped, node unreachable)."""
        self._held.pop(key, None)

    def retain(self, keys: Iterable[Hashable]) -> None:
        """Drop what every key not in ``keys`` holds."""
        keep = set(keys)
        for key in [key for key in self._held if key not in keep]:
            del self._held[key]


@dataclass(slots=True)
class _Sample:
    time: float
    counters: tuple[int | None, ...]
    rates: tuple[int | None, ...]


class RateTracker:
    """Byte counters to rates (whole KiB/s) between consecutive samples of the same key.

    A counter lower than before (the guest restarted) yields a rate of 0 for that sample, never a
    negative one; the next sample measures from the new counter again. The first sample of a key has
    no rate (None). Samples closer than half a second to the previous one repeat the previous rates.
    """

    def __init__(self) -> None:
        """Start without samples."""
        self._samples: dict[Hashable, _Sample] = {}

    def update(self, key: Hashable, now: float, counters: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """Record ``counters`` for ``key`` at ``now`` and return the rates since the previous sample."""
        previous = self._samples.get(key)
        if previous is None:
            rates: tuple[int | None, ...] = (None,) * len(counters)
        elif now - previous.time < 0.5:
            return previous.rates
        else:
            elapsed = now - previous.time
            rates = tuple(
                _rate(before, after, elapsed)
                for before, after in zip(previous.counters, counters, strict=True)
            )
        self._samples[key] = _Sample(now, counters, rates)
        return rates

    def forget(self, key: Hashable) -> None:
        """Drop the samples of ``key`` (guest stopped or gone)."""
        self._samples.pop(key, None)

    def retain(self, keys: Iterable[Hashable]) -> None:
        """Drop the samples of every key not in ``keys``."""
        keep = set(keys)
        for key in [key for key in self._samples if key not in keep]:
            del self._samples[key]


def _rate(before: int | None, after: int | None, elapsed: float) -> int | None:
    if before is None or after is None:
        return None
    if after < before:  # counter reset: the guest restarted
        return 0
    return round((after - before) / elapsed / KIB)
