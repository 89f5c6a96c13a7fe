"""The options flow: tier intervals with their bounds, and the guests that get per-guest details."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import (
    CONF_BACKUP_INTERVAL,
    CONF_DETAILED_GUESTS,
    CONF_FINGERPRINT,
    CONF_HOST,
    CONF_INCLUDE_TEMPLATES,
    CONF_INVENTORY_INTERVAL,
    CONF_LIVE_INTERVAL,
    CONF_PORT,
    CONF_STORAGE_INTERVAL,
    CONF_TOKEN_ID,
    CONF_TOKEN_SECRET,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    DOMAIN,
)
from simulator.server import Simulator

from .test_config_flow import closed_port, suggested_values

VALID = {
    CONF_LIVE_INTERVAL: 1,
    CONF_INVENTORY_INTERVAL: 30,
    CONF_STORAGE_INTERVAL: 120,
    CONF_BACKUP_INTERVAL: 300,
    CONF_DETAILED_GUESTS: ["124", "100"],
    CONF_INCLUDE_TEMPLATES: True,
}


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Saving options reloads the entry: keep that reload from setting up the whole integration."""
    with (
        patch("custom_components.proxmox_live.async_setup_entry", return_value=True) as mock,
        patch("custom_components.proxmox_live.async_unload_entry", return_value=True),
    ):
        yield mock


def make_entry(hass: HomeAssistant, sim: Simulator, options: dict[str, Any] | None = None) -> MockConfigEntry:
    """A token entry for the simulator, not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="homelab",
        title="homelab",
        data={
            CONF_HOST: sim.host,
            CONF_PORT: sim.port,
            CONF_VERIFY_SSL: True,
            CONF_FINGERPRINT: sim.fingerprint,
            CONF_USERNAME: sim.username,
            CONF_TOKEN_ID: sim.token_id,
            CONF_TOKEN_SECRET: sim.token_secret,
        },
        options=options or {},
    )
    entry.add_to_hass(hass)
    return entry


def guest_choices(result: Any) -> list[dict[str, str]]:
    """The options of the detailed guests selector."""
    selector = result["data_schema"].schema[CONF_DETAILED_GUESTS]
    return list(selector.config["options"])


@pytest.mark.usefixtures("mock_setup_entry")
async def test_form_and_save(hass: HomeAssistant, simulator: Simulator) -> None:
    """Defaults first; the guests come from the server (no templates); the saved values are typed."""
    entry = make_entry(hass, simulator)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert suggested_values(result) == {
        CONF_LIVE_INTERVAL: 2,
        CONF_INVENTORY_INTERVAL: 10,
        CONF_STORAGE_INTERVAL: 60,
        CONF_BACKUP_INTERVAL: 60,
        CONF_DETAILED_GUESTS: [],
        CONF_INCLUDE_TEMPLATES: False,
    }
    choices = guest_choices(result)
    assert len(choices) == 29
    assert choices[0] == {"value": "100", "label": "homeassistant (100)"}
    assert "129" not in {choice["value"] for choice in choices}  # the template

    result = await hass.config_entries.options.async_configure(result["flow_id"], VALID)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_LIVE_INTERVAL: 1,
        CONF_INVENTORY_INTERVAL: 30,
        CONF_STORAGE_INTERVAL: 120,
        CONF_BACKUP_INTERVAL: 300,
        CONF_DETAILED_GUESTS: [100, 124],
        CONF_INCLUDE_TEMPLATES: True,
    }
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED  # reloaded with the new options


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (CONF_LIVE_INTERVAL, 0),
        (CONF_LIVE_INTERVAL, 11),
        (CONF_INVENTORY_INTERVAL, 9),
        (CONF_INVENTORY_INTERVAL, 301),
        (CONF_STORAGE_INTERVAL, 29),
        (CONF_STORAGE_INTERVAL, 3601),
        (CONF_BACKUP_INTERVAL, 59),
        (CONF_BACKUP_INTERVAL, 3601),
        (CONF_DETAILED_GUESTS, ["4242"]),
    ],
)
async def test_out_of_bounds(hass: HomeAssistant, simulator: Simulator, key: str, value: Any) -> None:
    """Intervals outside their range, and guests that do not exist, are refused."""
    entry = make_entry(hass, simulator)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(result["flow_id"], {**VALID, key: value})
    assert entry.options == {}


async def test_server_unreachable(hass: HomeAssistant, simulator: Simulator) -> None:
    """No guest list without the server, but the guests chosen earlier stay chosen."""
    entry = make_entry(hass, simulator, {CONF_DETAILED_GUESTS: [101, 999], CONF_LIVE_INTERVAL: 5})
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: closed_port()})
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert guest_choices(result) == [{"value": "101", "label": "101"}, {"value": "999", "label": "999"}]
    assert suggested_values(result)[CONF_DETAILED_GUESTS] == ["101", "999"]
    assert suggested_values(result)[CONF_LIVE_INTERVAL] == 5


async def test_loaded_entry_lists_the_inventory(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """A running integration already knows the guests: no extra request to the server."""
    with patch(
        "custom_components.proxmox_live.options_flow._async_guests_from_server", AsyncMock(return_value=[])
    ) as from_server:
        result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    from_server.assert_not_awaited()
    choices = guest_choices(result)
    assert len(choices) == 29
    assert choices[0] == {"value": "100", "label": "homeassistant (100)"}


async def test_loaded_entry_reloads_with_new_options(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Saving options on a running entry reloads it with them."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], VALID)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.runtime_data.live.update_interval is not None
    assert loaded_entry.runtime_data.live.update_interval.total_seconds() == 1
