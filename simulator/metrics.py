"""Deterministic pseudo-random signals: a pure function of (seed, key, time).

Nothing here keeps state, so two requests in the same second always agree, and a test that
drives the clock sees exactly the same values on every run.
"""

from __future__ import annotations

import hashlib
import math

_MASK = (1 << 64) - 1

#: pvestatd broadcast period: ``/nodes`` and ``/cluster/resources`` are snapshots at these boundaries.
SNAPSHOT_PERIOD = 10
#: storage status period.
STORAGE_PERIOD = 30


def key_of(*parts: object) -> int:
    """A stable 64-bit key for a metric name (independent of PYTHONHASHSEED)."""
    text = "\x1f".join(str(part) for part in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def _mix(value: int) -> int:
    """splitmix64 finaliser."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def unit(seed: int, key: int, n: int) -> float:
    """Uniform value in [0, 1) for integer step ``n``."""
    return _mix(((seed * 0x100000001B3) ^ key) + n * 0x9E3779B97F4A7C15) / 2**64


def noise(seed: int, key: int, n: int) -> float:
    """Uniform value in [-1, 1) for integer step ``n``."""
    return unit(seed, key, n) * 2.0 - 1.0


def smooth(seed: int, key: int, x: float) -> float:
    """Value noise in [-1, 1]: cosine interpolation between knots at integer ``x``."""
    base = math.floor(x)
    frac = x - base
    left = noise(seed, key, base)
    right = noise(seed, key, base + 1)
    weight = (1.0 - math.cos(math.pi * frac)) / 2.0
    return left + (right - left) * weight


def wander(seed: int, key: int, second: int, *, period: float = 60.0, jitter: float = 0.25) -> float:
    """A slow random walk plus per-second jitter, in about [-1, 1]."""
    slow = smooth(seed, key, second / period)
    fast = noise(seed, key ^ 0x5BD1E995, second)
    return (1.0 - jitter) * slow + jitter * fast


def counter(seed: int, key: int, elapsed: float, rate: float) -> int:
    """A monotonically non-decreasing byte counter, 0 at ``elapsed`` 0, about ``rate`` bytes/s.

    ``x + a*sin(x/p)`` has derivative ``1 + (a/p)cos(x/p) >= 0.2`` with ``a = 0.8p``: the rate varies
    between 0.2x and 1.8x of ``rate`` but the counter never goes back.
    """
    if elapsed <= 0 or rate <= 0:
        return 0
    seconds = math.floor(elapsed)
    shape = _mix(seed ^ key)
    period = 20.0 + 40.0 * (shape & 0xFFFF) / 65536
    phase = 2.0 * math.pi * ((shape >> 16) & 0xFFFF) / 65536
    amp = 0.8 * period
    shaped = seconds + amp * (math.sin(seconds / period + phase) - math.sin(phase))
    return int(rate * shaped)


def clamp(value: float, low: float, high: float) -> float:
    """Clamp ``value`` into [low, high]."""
    return max(low, min(high, value))


def floor_to(t: float, period: int) -> int:
    """``floor(t / period) * period`` as an integer epoch."""
    return math.floor(t / period) * period
