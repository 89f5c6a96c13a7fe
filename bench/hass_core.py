"""A real Home Assistant core in this process: registries, the recorder on SQLite, the integration.

Built like ``homeassistant.bootstrap`` does (base functionality, the ``homeassistant`` integration,
core config) but without the default integrations (frontend, HTTP server, ...): only the recorder is
set up besides the integration under test, so what the event loop does is theirs.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from homeassistant import bootstrap, loader
from homeassistant.config_entries import ConfigEntries, ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import recorder as recorder_helper
from homeassistant.helpers.recorder import get_instance
from homeassistant.setup import async_setup_component

from bench.simlink import SimInfo
import custom_components.proxmox_live  # noqa: F401 - the repository's package, before the loader looks
from custom_components.proxmox_live.const import (
    CONF_FINGERPRINT,
    CONF_HOST,
    CONF_PORT,
    CONF_TOKEN_ID,
    CONF_TOKEN_SECRET,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    DOMAIN,
)

DB_FILE = "home-assistant_v2.db"


async def start_hass(config_dir: Path) -> HomeAssistant:
    """Home Assistant with the recorder (SQLite, 1 s commits), started and running."""
    hass = HomeAssistant(str(config_dir))
    loader.async_setup(hass)
    hass.config.skip_pip = True
    hass.config_entries = ConfigEntries(hass, {})
    await loader.async_get_custom_components(hass)
    if not await bootstrap.async_load_base_functionality(hass):
        raise RuntimeError("Home Assistant's registries did not load")
    if not await async_setup_component(hass, "homeassistant", {}):
        raise RuntimeError("the homeassistant integration did not set up")
    await async_process_ha_core_config(hass, {"time_zone": "UTC", "unit_system": "metric"})
    # The shared aiohttp session asks the network integration which source address to use
    if not await async_setup_component(hass, "network", {}):
        raise RuntimeError("the network integration did not set up")
    recorder_helper.async_initialize_recorder(hass)  # as bootstrap does before setting it up
    recorder = {"db_url": f"sqlite:///{config_dir / DB_FILE}", "commit_interval": 1}
    if not await async_setup_component(hass, "recorder", {"recorder": recorder}):
        raise RuntimeError("the recorder did not set up")
    await hass.async_start()
    await get_instance(hass).async_db_ready
    return hass


def make_entry(sim: SimInfo, options: dict[str, Any]) -> ConfigEntry:
    """An entry like the config flow creates: token auth, certificate pinned."""
    return ConfigEntry(
        domain=DOMAIN,
        title=sim.name,
        unique_id=sim.name,
        data={
            CONF_HOST: sim.host,
            CONF_PORT: sim.port,
            CONF_VERIFY_SSL: True,
            CONF_FINGERPRINT: sim.fingerprint,
            CONF_USERNAME: sim.username,
            CONF_TOKEN_ID: sim.token_id,
            CONF_TOKEN_SECRET: sim.token_secret,
        },
        options=options,
        source="user",
        version=1,
        minor_version=1,
        discovery_keys=MappingProxyType({}),
        subentries_data=None,
    )


async def add_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Add and set up ``entry`` (``async_add`` sets it up)."""
    await hass.config_entries.async_add(entry)
    await hass.async_block_till_done()
    if entry.state is not ConfigEntryState.LOADED:
        raise RuntimeError(f"the entry did not load: {entry.state} {entry.reason}")
