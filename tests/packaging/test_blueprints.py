"""The automation blueprints and the example dashboard, checked with Home Assistant's own code.

Blueprints: loaded with Home Assistant's YAML loader (``!input``), validated by the blueprint schema
automations use, instantiated with inputs through the automation config validator, then run: each
blueprint's automation is set up and fed the state changes it is about.

Dashboard: Home Assistant's core has no validator for card configs (the frontend interprets them), so
the test checks the structure, that every card type is a built-in card, and that every entity id
exists, enabled by default, when the integration runs against the simulator's demo scenario, which the
dashboard is written for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import (
    AUTOMATION_BLUEPRINT_SCHEMA,
    ValidationStatus,
    async_validate_config_item,
)
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.const import ATTR_FRIENDLY_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml, load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

# The project's package, imported before Home Assistant's loader looks for ``custom_components``.
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
from simulator.pytest_plugin import SimulatorFactory

REPO = Path(__file__).resolve().parents[2]
BLUEPRINTS = REPO / "blueprints" / "automation" / DOMAIN
DASHBOARD = REPO / "examples" / "dashboard.yaml"
EVENT = "proxmox_live_blueprint_test"
START = "2026-03-02T08:00:00+00:00"

# Test inputs per blueprint: every input without a default, with demo entity ids.
INPUTS: dict[str, dict[str, Any]] = {
    "guest_stopped_unexpectedly.yaml": {"guests": ["binary_sensor.homeassistant_running"]},
    "node_load_high.yaml": {"sensors": ["sensor.pve1_cpu_usage", "sensor.pve2_cpu_usage"]},
    "backup_failed_or_overdue.yaml": {
        "failed_sensors": ["binary_sensor.nas_last_backup_failed"],
        "last_backup_sensors": [
            "sensor.nas_last_backup",
            "sensor.dev_box_last_backup",
            "sensor.grafana_last_backup",
        ],
    },
}
# Every built-in card type of the Home Assistant frontend (2026).
BUILTIN_CARDS = {
    "alarm-panel",
    "area",
    "button",
    "calendar",
    "conditional",
    "entities",
    "entity",
    "entity-filter",
    "gauge",
    "glance",
    "grid",
    "heading",
    "history-graph",
    "horizontal-stack",
    "humidifier",
    "iframe",
    "light",
    "logbook",
    "map",
    "markdown",
    "media-control",
    "picture",
    "picture-elements",
    "picture-entity",
    "picture-glance",
    "plant-status",
    "sensor",
    "shopping-list",
    "statistic",
    "statistics-graph",
    "thermostat",
    "tile",
    "todo-list",
    "vertical-stack",
    "weather-forecast",
}
VIEW_TYPES = {"masonry", "sidebar", "panel", "sections"}


def _blueprint_files() -> list[Path]:
    return sorted(BLUEPRINTS.glob("*.yaml"))


def test_every_blueprint_has_test_inputs() -> None:
    """The three blueprints of the issue exist, and this test knows each one."""
    assert [path.name for path in _blueprint_files()] == sorted(INPUTS)


@pytest.mark.parametrize("path", _blueprint_files(), ids=lambda path: path.stem)
def test_blueprint_schema(path: Path) -> None:
    """Valid for the automation blueprint schema; every ``!input`` is declared; supported here."""
    blueprint = Blueprint(
        load_yaml_dict(path), expected_domain="automation", schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    assert blueprint.validate() is None
    metadata = blueprint.metadata
    assert metadata["source_url"].endswith(f"/blueprints/automation/{DOMAIN}/{path.name}")
    assert metadata["description"].strip()
    for name, spec in blueprint.inputs.items():
        assert spec.get("name"), f"input {name} has no name"
        assert "selector" in spec, f"input {name} has no selector"
    required = {name for name, spec in blueprint.inputs.items() if "default" not in spec}
    assert required <= set(INPUTS[path.name]), "the tests fill in every input without a default"


@pytest.fixture
async def blueprint_hass(hass: HomeAssistant, tmp_path: Path) -> AsyncIterator[HomeAssistant]:
    """Home Assistant with a config folder holding the blueprints where users import them to."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / DOMAIN)
    yield hass
    if "automation" in hass.config.components:
        # Detach the triggers (a time trigger's timer would outlive the test).
        await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)


def _use(path: Path, inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": path.stem,
        "alias": path.stem,
        "use_blueprint": {"path": f"{DOMAIN}/{path.name}", "input": inputs},
    }


def _event_action(*names: str) -> list[dict[str, Any]]:
    """An action that fires a test event carrying the blueprint's variables."""
    return [{"event": EVENT, "event_data": {name: f"{{{{ {name} }}}}" for name in names}}]


@pytest.mark.parametrize("path", _blueprint_files(), ids=lambda path: path.stem)
async def test_blueprint_instance_validates(blueprint_hass: HomeAssistant, path: Path) -> None:
    """With its inputs filled, the substituted automation passes the automation config validator."""
    config = _use(path, {**INPUTS[path.name], "actions": _event_action("entity_id")})
    validated = await async_validate_config_item(blueprint_hass, path.stem, config)
    assert validated is not None
    assert validated.validation_status is ValidationStatus.OK, validated.validation_error
    assert validated["triggers"]


async def _set_up(hass: HomeAssistant, *automations: dict[str, Any]) -> None:
    await hass.config.async_set_time_zone("UTC")
    assert await async_setup_component(hass, "automation", {"automation": list(automations)})
    await hass.async_block_till_done()


async def _advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def _set(hass: HomeAssistant, entity_id: str, state: str, name: str) -> None:
    hass.states.async_set(entity_id, state, {ATTR_FRIENDLY_NAME: name})


async def test_guest_stopped_unexpectedly_runs(
    blueprint_hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Off for the grace period: actions run with the guest's name; a node outage (unavailable) does not."""
    hass = blueprint_hass
    freezer.move_to(START)
    path = BLUEPRINTS / "guest_stopped_unexpectedly.yaml"
    entity = "binary_sensor.homeassistant_running"
    _set(hass, entity, "on", "homeassistant Running")
    await _set_up(hass, _use(path, {"guests": [entity], "actions": _event_action("guest", "entity_id")}))
    events = async_capture_events(hass, EVENT)

    _set(hass, entity, "off", "homeassistant Running")  # a reboot: back within the grace period
    await _advance(hass, freezer, timedelta(seconds=30))
    _set(hass, entity, "on", "homeassistant Running")
    await _advance(hass, freezer, timedelta(minutes=5))
    _set(hass, entity, "unavailable", "homeassistant Running")  # its node went offline
    await _advance(hass, freezer, timedelta(minutes=5))
    _set(hass, entity, "on", "homeassistant Running")
    await _advance(hass, freezer, timedelta(minutes=1))
    assert events == []

    _set(hass, entity, "off", "homeassistant Running")
    await _advance(hass, freezer, timedelta(minutes=2, seconds=1))
    assert [e.data for e in events] == [{"guest": "homeassistant", "entity_id": entity}]


async def test_node_load_high_runs(blueprint_hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Above the threshold for the whole duration: actions run once, naming the node and the value."""
    hass = blueprint_hass
    freezer.move_to(START)
    path = BLUEPRINTS / "node_load_high.yaml"
    pve1, pve2 = INPUTS[path.name]["sensors"]
    _set(hass, pve1, "20.0", "pve1 CPU usage")
    _set(hass, pve2, "20.0", "pve2 CPU usage")
    actions = _event_action("node", "usage", "threshold")
    await _set_up(hass, _use(path, {"sensors": [pve1, pve2], "threshold": 80, "actions": actions}))
    events = async_capture_events(hass, EVENT)

    _set(hass, pve2, "95.0", "pve2 CPU usage")  # a short peak
    await _advance(hass, freezer, timedelta(minutes=3))
    _set(hass, pve2, "40.0", "pve2 CPU usage")
    _set(hass, pve1, "92.5", "pve1 CPU usage")
    await _advance(hass, freezer, timedelta(minutes=9))
    assert events == []
    await _advance(hass, freezer, timedelta(minutes=1, seconds=1))
    assert [e.data for e in events] == [{"node": "pve1", "usage": 92.5, "threshold": 80}]


async def test_backup_failed_or_overdue_runs(
    blueprint_hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A failure at once; at the daily check the overdue and never backed-up guests, not the recent one."""
    hass = blueprint_hass
    freezer.move_to(START)
    path = BLUEPRINTS / "backup_failed_or_overdue.yaml"
    now = dt_util.utcnow()
    _set(hass, "binary_sensor.nas_last_backup_failed", "off", "nas Last backup failed")
    _set(hass, "sensor.nas_last_backup", _iso(now - timedelta(days=2)), "nas Last backup")
    _set(hass, "sensor.dev_box_last_backup", "unknown", "dev-box Last backup")
    _set(hass, "sensor.grafana_last_backup", _iso(now - timedelta(hours=7)), "grafana Last backup")
    inputs = {**INPUTS[path.name], "actions": _event_action("reason", "guests", "message")}
    await _set_up(hass, _use(path, inputs))
    events = async_capture_events(hass, EVENT)

    _set(hass, "binary_sensor.nas_last_backup_failed", "on", "nas Last backup failed")
    await hass.async_block_till_done()
    assert [(e.data["reason"], e.data["guests"]) for e in events] == [("failed", ["nas"])]
    assert "nas" in events[0].data["message"]
    assert "failed" in events[0].data["message"]

    await _advance(hass, freezer, timedelta(hours=1))  # 09:00, the default check time
    assert [(e.data["reason"], e.data["guests"]) for e in events[1:]] == [("overdue", ["nas", "dev-box"])]
    assert "nas, dev-box" in events[1].data["message"]

    # Nothing overdue at the next check: the condition stops the actions.
    for name in ("nas", "dev_box", "grafana"):
        _set(hass, f"sensor.{name}_last_backup", _iso(dt_util.utcnow()), f"{name} Last backup")
    await _advance(hass, freezer, timedelta(days=1))
    assert len(events) == 2


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


# ------------------------------------------------------------------------------------------ dashboard


def _cards(cards: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every card, including those inside stacks, grids, conditionals and entity filters."""
    for card in cards:
        yield card
        yield from _cards(card.get("cards", []))
        if isinstance(card.get("card"), dict):
            yield from _cards([card["card"]])


def _view_cards(view: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from _cards(view.get("cards", []))
    for section in view.get("sections", []):
        yield from _cards(section.get("cards", []))


def _entity_ids(node: Any) -> Iterator[str]:
    """Every entity id a card refers to (``entity`` keys and ``entities`` lists)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "entity" and isinstance(value, str):
                yield value
            elif key == "entities" and isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        yield item
            yield from _entity_ids(value)
    elif isinstance(node, list):
        for item in node:
            yield from _entity_ids(item)


def _dashboard() -> dict[str, Any]:
    data = load_yaml(DASHBOARD)
    assert isinstance(data, dict)
    return data


def test_dashboard_structure_and_card_types() -> None:
    """Views with a path; sections with cards; only built-in card types."""
    dashboard = _dashboard()
    assert dashboard["views"]
    for view in dashboard["views"]:
        assert view.get("type", "masonry") in VIEW_TYPES
        assert view["title"]
        assert cv.slug(view["path"].replace("-", "_"))
        for section in view.get("sections", []):
            assert section["type"] == "grid"
            assert section["cards"]
    types = {card["type"] for view in dashboard["views"] for card in _view_cards(view)}
    assert types
    assert types <= BUILTIN_CARDS, f"not built-in cards: {types - BUILTIN_CARDS}"
    ids = list(_entity_ids(dashboard))
    assert ids
    for entity_id in ids:
        assert cv.entity_id(entity_id) == entity_id


async def test_dashboard_entities_exist_in_the_demo(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    enable_custom_integrations: None,
    socket_enabled: None,
) -> None:
    """Every entity id of the dashboard exists, enabled by default, for the demo scenario."""
    sim = await simulator_factory("demo")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="demo",
        unique_id="demo",
        data={
            CONF_HOST: sim.host,
            CONF_PORT: sim.port,
            CONF_VERIFY_SSL: True,
            CONF_FINGERPRINT: sim.fingerprint,
            CONF_USERNAME: sim.username,
            CONF_TOKEN_ID: sim.token_id,
            CONF_TOKEN_SECRET: sim.token_secret,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    try:
        registry = er.async_get(hass)
        for entity_id in sorted(set(_entity_ids(_dashboard()))):
            registered = registry.async_get(entity_id)
            assert registered is not None, f"{entity_id} does not exist in the demo"
            assert registered.platform == DOMAIN
            assert registered.disabled_by is None, f"{entity_id} is disabled by default"
            state = hass.states.get(entity_id)
            assert state is not None
            assert state.state != "unavailable", entity_id
    finally:
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
