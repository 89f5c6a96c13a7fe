"""TLS: a pinned certificate that changes (repair to review and trust the new one), verification on by
default, verification off as a recorded choice."""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import CONF_FINGERPRINT, CONF_VERIFY_SSL, DOMAIN
from custom_components.proxmox_live.diagnostics import async_get_config_entry_diagnostics
from custom_components.proxmox_live.repairs import async_create_fix_flow
from simulator import Simulator
from simulator.pytest_plugin import SimulatorFactory

from .conftest import PVE1, UNAVAILABLE, count_lines, problems, setup_entry, states, tick, ticks

REJECTED = "is rejected"


@pytest.fixture(autouse=True)
async def repairs(hass: HomeAssistant) -> None:
    """The repairs integration (its flow manager runs the fix flows)."""
    assert await async_setup_component(hass, "repairs", {})


def certificate_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """The certificate issue of ``entry``."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"certificate_changed_{entry.entry_id}")


async def replace_certificate(sim: Simulator, factory: SimulatorFactory, **kwargs: object) -> Simulator:
    """The same host and port, serving another certificate (renewed, or a different machine)."""
    await sim.stop()
    return await factory("cluster3", port=sim.port, token_secret=sim.token_secret, **kwargs)


async def test_pinned_certificate_changes_at_runtime(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    simulator_factory: SimulatorFactory,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A new certificate: rejected (never trusted silently), one fixable repair, fixed by re-pinning."""
    new = await replace_certificate(sim, simulator_factory)
    assert new.fingerprint != sim.fingerprint
    await ticks(hass, freezer, 31)
    assert set(states(hass, PVE1).values()) == {UNAVAILABLE}
    issue = certificate_issue(hass, loaded_entry)
    assert issue is not None
    assert issue.is_fixable
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders == {
        "entry": "homelab",
        "host": f"127.0.0.1:{sim.port}",
        "old_fingerprint": sim.fingerprint,
        "new_fingerprint": new.fingerprint,
    }
    assert count_lines(caplog, REJECTED, level=logging.ERROR) == 1
    assert "no longer trusted" in str(loaded_entry.runtime_data.live.last_exception)
    assert loaded_entry.data[CONF_FINGERPRINT] == sim.fingerprint  # nothing trusted behind the user's back

    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, context={"issue_id": issue.issue_id})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    placeholders = result["description_placeholders"] or {}
    assert placeholders["old_fingerprint"] == sim.fingerprint
    assert placeholders["new_fingerprint"] == new.fingerprint
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.data[CONF_FINGERPRINT] == new.fingerprint
    assert loaded_entry.data[CONF_VERIFY_SSL] is True
    await tick(hass, freezer, 2)
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert UNAVAILABLE not in states(hass, PVE1).values()
    assert certificate_issue(hass, loaded_entry) is None
    assert not problems(caplog)


async def test_pinned_certificate_changed_at_start_then_restored(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    simulator_factory: SimulatorFactory,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another certificate at start: not loaded, repair raised; the old one back: loaded, repair gone."""
    original = sim._material
    other = await replace_certificate(sim, simulator_factory)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert certificate_issue(hass, config_entry) is not None
    await other.stop()
    await simulator_factory("cluster3", port=sim.port, token_secret=sim.token_secret, tls_material=original)
    await tick(hass, freezer, 80)
    assert config_entry.state is ConfigEntryState.LOADED
    assert certificate_issue(hass, config_entry) is None
    assert count_lines(caplog, REJECTED, level=logging.ERROR) == 1
    assert count_lines(caplog, "is accepted again") == 1


async def test_fix_flow_when_host_is_down(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    simulator_factory: SimulatorFactory,
    loaded_entry: MockConfigEntry,
) -> None:
    """The certificate cannot be read when the user opens the repair: nothing is pinned, it stays."""
    new = await replace_certificate(sim, simulator_factory)
    await ticks(hass, freezer, 1)
    issue = certificate_issue(hass, loaded_entry)
    assert issue is not None
    await new.stop()
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, context={"issue_id": issue.issue_id})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    assert certificate_issue(hass, loaded_entry) is not None
    assert loaded_entry.data[CONF_FINGERPRINT] == sim.fingerprint
    with pytest.raises(ValueError, match="No fix flow"):
        await async_create_fix_flow(hass, "unknown", {"entry_id": "nope"})


async def test_verification_on_by_default(
    hass: HomeAssistant, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """Verified TLS (no pin) refuses the self-signed certificate: nothing loads without a trust decision."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="homelab",
        unique_id="homelab",
        data={**config_entry.data, CONF_FINGERPRINT: None, CONF_VERIFY_SSL: True},
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "not trusted" in str(entry.reason)


async def test_verification_off_is_recorded(
    hass: HomeAssistant, sim: Simulator, config_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """Verification off (the flow's explicit tls_insecure choice) is stored, logged and in diagnostics."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="homelab",
        unique_id="homelab",
        data={**config_entry.data, CONF_FINGERPRINT: None, CONF_VERIFY_SSL: False},
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert count_lines(caplog, "Certificate verification is off for homelab", level=logging.WARNING) == 1
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)  # type: ignore[arg-type]
    assert diagnostics["entry"]["data"][CONF_VERIFY_SSL] is False
