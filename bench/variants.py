"""What runs in a window: the integration as shipped, or one of the two baselines.

- ``main``: the integration as shipped (live interval from the command line).
- ``per_guest`` (baseline a, the seed's literal strategy): one ``status/current`` per guest per live
  tick, through the integration's own ``detailed_guests`` option set to every guest; the tick then
  costs the node's three lists plus one request per guest (3 x nodes + guests).
- ``raw`` (baseline b, "write every polled value"): the tiers publish unrounded values (no
  rounding to the displayed precision, boot time recomputed each tick, rates unrounded), noisy
  metrics are not held (``MetricHold`` passes every value through), every coordinator has
  ``always_update`` on and every entity writes its state on every update (no skip of unchanged
  writes), so each poll wakes and writes every entity. Done with bench-local patches of the
  integration's helpers, in the window's own process.
- ``tuned``: an alias of ``main`` kept for old command lines (the tunings it measured, unchanged
  writes skipped and noisy metrics held, are in the integration now).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from homeassistant.core import callback

from bench.patching import replace_attribute
from bench.simlink import SimGuest
from custom_components.proxmox_live.const import CONF_DETAILED_GUESTS, CONF_LIVE_INTERVAL
from custom_components.proxmox_live.coordinator import ProxmoxRuntimeData, live, storage, values
from custom_components.proxmox_live.entity import ProxmoxEntity

type Variant = Literal["main", "per_guest", "raw", "tuned"]
VARIANTS: tuple[Variant, ...] = ("main", "per_guest", "raw", "tuned")
DEFAULT_VARIANTS: tuple[Variant, ...] = ("main", "per_guest", "raw")


def options(variant: Variant, live_interval: int, guests: Sequence[SimGuest]) -> dict[str, Any]:
    """Entry options for ``variant``."""
    result: dict[str, Any] = {CONF_LIVE_INTERVAL: live_interval}
    if variant == "per_guest":
        result[CONF_DETAILED_GUESTS] = [guest.vmid for guest in guests]
    return result


def before_setup(variant: Variant) -> None:
    """Patch the coordinator modules for ``variant`` (this process only)."""
    if variant != "raw":
        return
    replace_attribute(values.MetricHold, "hold", _raw_hold)
    replace_attribute(ProxmoxEntity, "_handle_coordinator_update", _write_always)
    for module, name, replacement in (
        (live, "percent", _raw_percent),
        (live, "ratio_percent", _raw_ratio_percent),
        (live, "gib", _raw_gib),
        (live, "boot_time", _raw_boot_time),
        (storage, "ratio_percent", _raw_ratio_percent),
        (storage, "gib", _raw_gib),
        (values, "_rate", _raw_rate),
    ):
        replace_attribute(module, name, replacement)


def after_setup(variant: Variant, runtime: ProxmoxRuntimeData) -> None:
    """Settings that need the running tiers."""
    if variant == "raw":
        for coordinator in runtime.coordinators:
            coordinator.always_update = True


def _raw_hold(
    self: values.MetricHold, key: object, name: str, value: float | None, *_: float
) -> float | None:
    return value


@callback
def _write_always(self: ProxmoxEntity[Any]) -> None:
    self.async_write_ha_state()


def _raw_percent(fraction: float | None) -> float | None:
    return None if fraction is None else fraction * 100


def _raw_ratio_percent(part: int | None, total: int | None) -> float | None:
    return None if part is None or not total else part / total * 100


def _raw_gib(value: int | None, digits: int) -> float | None:
    return None if value is None else value / values.GIB


def _raw_boot_time(previous: datetime | None, now: float, uptime: int | None) -> datetime | None:
    return None if not uptime else datetime.fromtimestamp(now - uptime, UTC)


def _raw_rate(before: int | None, after: int | None, elapsed: float) -> float | None:
    if before is None or after is None:
        return None
    return max(0, after - before) / elapsed / values.KIB
