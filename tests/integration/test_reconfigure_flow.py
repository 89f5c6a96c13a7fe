"""Reconfiguration against the simulator: new host or port, the certificate checked again, same cluster."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

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
from simulator.server import Simulator

# The flow tests' fixtures: setup mocked, refused handshakes expected, CA trust on demand.
from .test_config_flow import (  # noqa: F401
    closed_port,
    mock_setup_entry,
    rejected_handshakes_expected,
    suggested_values,
    trust_simulator_ca,
)

OLD_PIN = ":".join(["AB"] * 32)


def make_entry(hass: HomeAssistant, sim: Simulator, unique_id: str = "homelab") -> MockConfigEntry:
    """An entry whose host moved away: old port, old certificate pinned."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=unique_id,
        title=unique_id,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: closed_port(),
            CONF_VERIFY_SSL: True,
            CONF_FINGERPRINT: OLD_PIN,
            CONF_USERNAME: sim.username,
            CONF_TOKEN_ID: sim.token_id,
            CONF_TOKEN_SECRET: sim.token_secret,
        },
    )
    entry.add_to_hass(hass)
    return entry


async def test_new_port_and_pinned_certificate(hass: HomeAssistant, simulator: Simulator) -> None:
    """The form starts from the entry; the new address's certificate is pinned; credentials stay."""
    entry = make_entry(hass, simulator)
    old_port = entry.data[CONF_PORT]
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"name": "homelab"}
    assert suggested_values(result) == {CONF_HOST: "127.0.0.1", CONF_PORT: old_port}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "tls"
    assert (result["description_placeholders"] or {})["fingerprint"] == simulator.fingerprint

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "tls_pin"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_VERIFY_SSL: True,
        CONF_FINGERPRINT: simulator.fingerprint,
        CONF_USERNAME: "homeassistant@pve",
        CONF_TOKEN_ID: "monitoring",
        CONF_TOKEN_SECRET: simulator.token_secret,
    }


async def test_verification_turned_off(hass: HomeAssistant, simulator: Simulator) -> None:
    """Choosing no verification replaces the old pin with an explicit "off"."""
    entry = make_entry(hass, simulator)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "tls_insecure"}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_VERIFY_SSL] is False
    assert entry.data[CONF_FINGERPRINT] is None


@pytest.mark.usefixtures("trust_simulator_ca")
async def test_trusted_certificate_replaces_the_pin(hass: HomeAssistant, simulator: Simulator) -> None:
    """A certificate that now verifies: no question, and the pin is dropped for CA verification."""
    entry = make_entry(hass, simulator)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_VERIFY_SSL] is True
    assert entry.data[CONF_FINGERPRINT] is None


async def test_other_cluster(hass: HomeAssistant, simulator: Simulator) -> None:
    """An address of another cluster is refused; the entry stays as it was."""
    entry = make_entry(hass, simulator, unique_id="office")
    old_data = dict(entry.data)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "tls_pin"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"
    assert entry.data == old_data


async def test_invalid_host_then_unreachable(hass: HomeAssistant, simulator: Simulator) -> None:
    """A URL is refused as typed (and shown again); an address nobody answers on is cannot_connect."""
    entry = make_entry(hass, simulator)
    result = await entry.start_reconfigure_flow(hass)
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "https://127.0.0.1", CONF_PORT: simulator.port}
    )
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    assert suggested_values(result) == {CONF_HOST: "https://127.0.0.1", CONF_PORT: simulator.port}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: closed_port()}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {"base": "cannot_connect"}
