"""Fixtures for Home Assistant tests of Proxmox VE Live: real config entries against the simulator."""

from __future__ import annotations

from collections.abc import Generator
import json
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

# The project's package, imported before Home Assistant's loader looks for ``custom_components``
# (the test plugin ships a ``custom_components`` package of its own).
import custom_components.proxmox_live  # noqa: F401
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
from simulator import Simulator
from simulator.pytest_plugin import SimulatorFactory

# The English texts, to read a repair issue as the user sees it
EN = json.loads(
    (Path(__file__).parents[2] / "custom_components/proxmox_live/translations/en.json").read_text()
)
START = "2026-03-02T12:00:00+00:00"  # on a whole second (and a 10 s pvestatd boundary)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from ``custom_components``."""


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Real sockets to the simulator on 127.0.0.1."""


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create every entity enabled, including the ones disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def scenario() -> str:
    """The simulator scenario (override per module)."""
    return "cluster3"


@pytest.fixture
async def sim(
    freezer: FrozenDateTimeFactory, simulator_factory: SimulatorFactory, scenario: str
) -> Simulator:
    """A started simulator whose model clock follows the frozen clock."""
    freezer.move_to(START)
    return await simulator_factory(scenario)


@pytest.fixture
def options() -> dict[str, Any]:
    """Entry options (override per test module)."""
    return {}


@pytest.fixture
def config_entry(sim: Simulator, options: dict[str, Any]) -> MockConfigEntry:
    """An entry as the config flow creates it: token auth, certificate pinned."""
    name = sim.cluster.name or sim.cluster.local_node
    return MockConfigEntry(
        domain=DOMAIN,
        title=name,
        unique_id=name,
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
    )


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add (unless added already) and set up ``entry``."""
    if hass.config_entries.async_get_entry(entry.entry_id) is None:
        entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The entry, set up and loaded."""
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    return config_entry


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move the frozen clock and run what became due."""
    freezer.tick(seconds)
    async_fire_time_changed(hass)
    # Coordinator refreshes run as background tasks doing real I/O with the simulator
    await hass.async_block_till_done(wait_background_tasks=True)


def state_of(hass: HomeAssistant, platform: str, unique_id: str) -> str | None:
    """The state of the entity with ``unique_id`` (None when it does not exist or is disabled)."""
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    state = hass.states.get(entity_id) if entity_id else None
    return state.state if state else None


def device_of(hass: HomeAssistant, identifier: str) -> dr.DeviceEntry | None:
    """The device with our ``identifier`` (in the only entry of the domain)."""
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    return dr.async_get(hass).async_get_device_by_identifier((DOMAIN, identifier), entry.entry_id)
