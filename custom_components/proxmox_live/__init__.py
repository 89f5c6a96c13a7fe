"""Proxmox VE Live: nodes, guests, storage and backups of a Proxmox VE host or cluster."""

from __future__ import annotations

import asyncio

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .connection import create_client
from .const import CONF_FINGERPRINT, CONF_VERIFY_SSL, DOMAIN, INVENTORY_TIMEOUT, LOGGER
from .coordinator import (
    ProxmoxBackupCoordinator,
    ProxmoxConfigEntry,
    ProxmoxInventoryCoordinator,
    ProxmoxLiveCoordinator,
    ProxmoxRuntimeData,
    ProxmoxStorageCoordinator,
)
from .coordinator.base import setup_error
from .devices import DeviceSync
from .pve.errors import PveError, PveTlsError
from .repairs import async_certificate_accepted, async_certificate_rejected, certificate_issue_id

PLATFORMS = [Platform.BINARY_SENSOR, Platform.SENSOR]


async def async_setup_entry(hass: HomeAssistant, entry: ProxmoxConfigEntry) -> bool:
    """Connect, run the first refresh of every tier together, then set up the platforms.

    Options changes reload the entry through the options flow (``OptionsFlowWithReload``).
    """
    if not entry.data.get(CONF_VERIFY_SSL, True) and not entry.data.get(CONF_FINGERPRINT):
        LOGGER.warning("Certificate verification is off for %s (chosen when it was set up)", entry.title)
    client = create_client(hass, entry.data, timeout=INVENTORY_TIMEOUT)
    try:
        cluster = await client.get_cluster_status()
    except PveError as err:
        if isinstance(err, PveTlsError):
            async_certificate_rejected(hass, entry, err)
        raise setup_error(err) from err
    async_certificate_accepted(hass, entry)

    inventory = ProxmoxInventoryCoordinator(hass, entry, client, cluster)
    live = ProxmoxLiveCoordinator(hass, entry, client, inventory)
    storage = ProxmoxStorageCoordinator(hass, entry, client, inventory)
    backups = ProxmoxBackupCoordinator(hass, entry, client, inventory)
    await asyncio.gather(
        inventory.async_first_refresh(),
        live.async_first_refresh(),
        storage.async_first_refresh(),
        backups.async_first_refresh(),
    )
    entry.runtime_data = ProxmoxRuntimeData(
        client=client, live=live, inventory=inventory, storage=storage, backups=backups
    )

    # Devices first (the platforms' listeners come after this one, so a new object's device
    # exists before its entities link to it); this also removes stale devices of an earlier run.
    sync_devices = DeviceSync(hass, entry)
    sync_devices()
    entry.async_on_unload(inventory.async_add_listener(sync_devices))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ProxmoxConfigEntry) -> bool:
    """Unload the platforms; repair issues of this entry go with it."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        for coordinator in entry.runtime_data.coordinators:
            ir.async_delete_issue(hass, DOMAIN, coordinator.issue_id)
        ir.async_delete_issue(hass, DOMAIN, certificate_issue_id(entry))
    return unloaded
