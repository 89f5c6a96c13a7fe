"""Diagnostics of a config entry and of one device, with credentials and addresses redacted."""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
from datetime import datetime
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .const import (
    CONF_FINGERPRINT,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN_ID,
    CONF_TOKEN_SECRET,
    CONF_USERNAME,
    DOMAIN,
)
from .coordinator import ProxmoxConfigEntry, ProxmoxRuntimeData
from .devices import cluster_id, guest_id, node_id, storage_id

TO_REDACT = {CONF_HOST, CONF_USERNAME, CONF_PASSWORD, CONF_TOKEN_ID, CONF_TOKEN_SECRET, CONF_FINGERPRINT}


def _plain(value: Any) -> Any:
    """Data classes, tuple-keyed mappings and datetimes as JSON-friendly values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {_key(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _key(key: Any) -> str:
    if isinstance(key, tuple):
        return "/".join(str(part) for part in key if part is not None)
    return str(key)


def _tiers(runtime: ProxmoxRuntimeData) -> dict[str, Any]:
    return {
        coordinator.tier: {
            "last_update_success": coordinator.last_update_success,
            "update_interval": str(coordinator.update_interval),
            "last_exception": repr(coordinator.last_exception) if coordinator.last_exception else None,
        }
        for coordinator in runtime.coordinators
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ProxmoxConfigEntry
) -> dict[str, Any]:
    """Entry data and options, tier states and every tier's data."""
    runtime = entry.runtime_data
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": dict(entry.options),
        },
        "tiers": _tiers(runtime),
        "data": {coordinator.tier: _plain(coordinator.data) for coordinator in runtime.coordinators},
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: ProxmoxConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """What every tier knows about the device's object."""
    runtime = entry.runtime_data
    ids = {value for domain, value in device.identifiers if domain == DOMAIN}
    inventory, live = runtime.inventory.data, runtime.live.latest
    storage, backups = runtime.storage.latest, runtime.backups.latest
    found: dict[str, Any] = {"tiers": _tiers(runtime)}
    if cluster_id(entry) in ids:
        found |= {"inventory": _plain(inventory), "backups": _plain(backups)}
    for name in inventory.nodes:
        if node_id(entry, name) in ids:
            found |= {
                "inventory": _plain(inventory.nodes[name]),
                "live": _plain(live.nodes.get(name) if live else None),
            }
    for key, guest in inventory.guests.items():
        if guest_id(entry, key) in ids:
            found |= {
                "inventory": _plain(guest),
                "live": _plain(live.guests.get(key) if live else None),
                "backups": _plain(backups.guests.get(key[1]) if backups else None),
            }
    for skey, info in inventory.storages.items():
        if storage_id(entry, skey) in ids:
            found |= {
                "inventory": _plain(info),
                "storage": _plain(storage.storages.get(skey) if storage else None),
            }
    return found
