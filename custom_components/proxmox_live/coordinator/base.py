"""What every tier shares: interval and timeout per tier, and the one place client errors are mapped.

Mapping (for every coordinator and for the setup):
- ``PveAuthenticationError`` -> ``ConfigEntryAuthFailed`` (Home Assistant starts the reauth flow);
- ``PvePermissionError`` (403) -> a repair issue naming the privilege and path, and ``UpdateFailed``:
  the tier's entities go unavailable while the other tiers keep working; the issue is deleted as soon
  as the tier succeeds again;
- ``PveTlsError`` with the fingerprint the server showed (pin mismatch, untrusted certificate) -> a
  fixable repair issue (``repairs.py``) offering to review and trust the new certificate, and
  ``UpdateFailed``; the issue is deleted as soon as a request succeeds again;
- any other client error -> ``UpdateFailed`` with a translated message.
"""

from __future__ import annotations

from abc import abstractmethod
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, final, overload, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from custom_components.proxmox_live.const import DOMAIN, LOGGER
from custom_components.proxmox_live.pve.errors import (
    PveAuthenticationError,
    PveConnectionError,
    PveError,
    PveInvalidResponseError,
    PveNodeUnreachableError,
    PvePermissionError,
    PveTlsError,
)
from custom_components.proxmox_live.repairs import async_certificate_accepted, async_certificate_rejected

if TYPE_CHECKING:
    from custom_components.proxmox_live.pve.client import PveClient

    from . import ProxmoxConfigEntry
    from .inventory import ProxmoxInventoryCoordinator

# Errors that end a whole tier at once, even when they come from a single node's request
TIER_ERRORS = (PveAuthenticationError, PvePermissionError)


def error_translation(err: PveError) -> tuple[str, dict[str, str]]:
    """Translation key and placeholders describing a client error."""
    if isinstance(err, PvePermissionError):
        return "missing_privilege", {"privilege": err.privilege or "Sys.Audit", "path": err.path or "/"}
    if isinstance(err, PveTlsError) and err.fingerprint is not None:
        return "certificate_changed", {"error": str(err)}
    if isinstance(err, PveNodeUnreachableError):
        return "node_unreachable", {"node": err.node or "?", "error": str(err)}
    if isinstance(err, PveConnectionError):
        return "cannot_connect", {"error": str(err)}
    if isinstance(err, PveInvalidResponseError):
        return "invalid_response", {"error": str(err)}
    return "api_error", {"error": str(err)}


def setup_error(err: PveError) -> ConfigEntryAuthFailed | ConfigEntryNotReady:
    """The exception ``async_setup_entry`` raises for a client error while connecting."""
    if isinstance(err, PveAuthenticationError):
        return ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="authentication_failed")
    key, placeholders = error_translation(err)
    return ConfigEntryNotReady(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


@overload
async def gather_all[A, B](first: Awaitable[A], second: Awaitable[B], /) -> tuple[A, B]: ...
@overload
async def gather_all[A, B, C](
    first: Awaitable[A], second: Awaitable[B], third: Awaitable[C], /
) -> tuple[A, B, C]: ...
@overload
async def gather_all[T](*calls: Awaitable[T]) -> tuple[T, ...]: ...
async def gather_all(*calls: Awaitable[Any]) -> tuple[Any, ...]:
    """Await ``calls`` concurrently; when some fail, raise after all have ended.

    A tier-level error (authentication, permission) wins over others, so a 401 is never hidden
    behind another node's timeout.
    """
    results = await asyncio.gather(*calls, return_exceptions=True)
    errors = [result for result in results if isinstance(result, BaseException)]
    if errors:
        raise next((err for err in errors if isinstance(err, TIER_ERRORS)), errors[0])
    return tuple(results)


@dataclass(frozen=True, slots=True)
class NodeFailure:
    """A node whose requests failed this tick (595 from the proxy, timeout, bad answer)."""

    node: str
    error: PveError


async def read_nodes[T](nodes: list[str], read: Callable[[str], Awaitable[T]]) -> dict[str, T | NodeFailure]:
    """``read`` every node concurrently; a node that fails is a ``NodeFailure``, the others still count.

    Authentication and permission errors end the tier; when every node fails, the first error does.
    """

    async def one(node: str) -> T | NodeFailure:
        try:
            return await read(node)
        except TIER_ERRORS:
            raise
        except PveError as err:
            return NodeFailure(node, err)

    results = await gather_all(*(one(node) for node in nodes))
    failures = [result for result in results if isinstance(result, NodeFailure)]
    if nodes and len(failures) == len(nodes):
        raise failures[0].error
    return dict(zip(nodes, results, strict=True))


class ProxmoxCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Base of the four tiers: one interval option, one request timeout, one error mapping."""

    tier: ClassVar[str]
    interval_option: ClassVar[str]
    default_interval: ClassVar[int]
    request_timeout: ClassVar[float]
    # A tier that is not required lets the entry load without its data when the user lacks a
    # privilege for it (its entities stay unavailable and a repair issue says what is missing).
    required: ClassVar[bool] = False

    config_entry: ProxmoxConfigEntry

    def __init__(self, hass: HomeAssistant, entry: ProxmoxConfigEntry, client: PveClient) -> None:
        """Set up the tier with the entry's interval option."""
        self.client = client
        self.permission_denied = False
        self.certificate_rejected = False
        interval = int(entry.options.get(self.interval_option, self.default_interval))
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{entry.title} {self.tier}",
            update_interval=timedelta(seconds=interval),
            always_update=False,
        )

    @property
    def latest(self) -> DataT | None:
        """The data of the last successful refresh; None before the first one succeeded."""
        return self.data

    @property
    def issue_id(self) -> str:
        """The repair issue this tier raises when a privilege is missing."""
        return f"missing_privilege_{self.config_entry.entry_id}_{self.tier}"

    async def async_first_refresh(self) -> None:
        """First refresh; a missing privilege on an optional tier does not stop the setup."""
        try:
            await self.async_config_entry_first_refresh()
        except ConfigEntryNotReady:
            if self.required or not self.permission_denied:
                raise

    @abstractmethod
    async def _async_fetch(self) -> DataT:
        """Read the tier's endpoints (client errors propagate)."""

    @final
    @override
    async def _async_update_data(self) -> DataT:
        """Read the tier, mapping client errors in one place."""
        try:
            data = await self._async_fetch()
        except PveAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="authentication_failed"
            ) from err
        except PveError as err:
            key, placeholders = error_translation(err)
            if isinstance(err, PvePermissionError):
                self._create_issue(placeholders)
            elif isinstance(err, PveTlsError):
                self.certificate_rejected = async_certificate_rejected(self.hass, self.config_entry, err)
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
            ) from err
        if self.permission_denied:
            self.permission_denied = False
            ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
        if self.certificate_rejected:
            self.certificate_rejected = False
            async_certificate_accepted(self.hass, self.config_entry)
        return data

    def _create_issue(self, placeholders: dict[str, Any]) -> None:
        self.permission_denied = True
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=f"missing_privilege_{self.tier}",
            translation_placeholders={"entry": self.config_entry.title, **placeholders},
        )


class NodeTierCoordinator[DataT](ProxmoxCoordinator[DataT]):
    """A tier that reads node by node: which nodes are online comes from the inventory tier."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProxmoxConfigEntry,
        client: PveClient,
        inventory: ProxmoxInventoryCoordinator,
    ) -> None:
        """Set up the tier; nodes come from ``inventory``."""
        super().__init__(hass, entry, client)
        self.inventory = inventory
