"""Diagnostics of the entry and of a device: tier data, no secrets."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.diagnostics import (
    async_get_config_entry_diagnostics,
    async_get_device_diagnostics,
)
from simulator import Simulator

from .conftest import device_of


async def test_entry_diagnostics(hass: HomeAssistant, sim: Simulator, loaded_entry: MockConfigEntry) -> None:
    """Every tier's data is there; credentials, host and fingerprint are redacted."""
    result = await async_get_config_entry_diagnostics(hass, loaded_entry)
    text = json.dumps(result)
    for secret in (sim.token_secret, sim.token_id, sim.username, sim.fingerprint):
        assert secret not in text
    assert result["entry"]["data"]["token_secret"] == "**REDACTED**"
    assert result["entry"]["data"]["host"] == "**REDACTED**"
    assert set(result["tiers"]) == {"live", "inventory", "storage", "backups"}
    assert all(tier["last_update_success"] for tier in result["tiers"].values())
    assert result["data"]["inventory"]["cluster_name"] == "homelab"
    assert "qemu/100" in result["data"]["live"]["guests"]
    assert "nfs-backup" in result["data"]["storage"]["storages"]
    assert "pve1/local" in result["data"]["storage"]["storages"]


async def test_device_diagnostics(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """A device's diagnostics hold what each tier knows about its object."""
    cases = {
        "homelab": {"inventory", "backups"},
        "homelab_node_pve1": {"inventory", "live"},
        "homelab_qemu_100": {"inventory", "live", "backups"},
        "homelab_storage_nfs-backup": {"inventory", "storage"},
    }
    for identifier, keys in cases.items():
        device = device_of(hass, identifier)
        assert device is not None
        result = await async_get_device_diagnostics(hass, loaded_entry, device)
        json.dumps(result)
        assert set(result) == {"tiers", *keys}
    guest = await async_get_device_diagnostics(hass, loaded_entry, device_of(hass, "homelab_qemu_100"))
    assert guest["inventory"]["name"] == "homeassistant"
    assert guest["live"]["node"] == "pve1"
