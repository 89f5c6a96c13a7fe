"""Pure helpers turning raw API numbers into the rounded values the tiers publish.

Rounding happens here, at the source, to the precision the entity displays (see sensor.py):
percentages to 0.1 %, load to 0.01, memory to 0.01 GiB, storage to 0.1 GiB, rates to 1 KiB/s,
boot times held steady. Two ticks that would display the same value then compare equal, and the
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
