"""Reauthentication against the simulator: new token secret or password, same host, TLS and cluster."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import (
    CONF_FINGERPRINT,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_TOKEN_ID,
    CONF_TOKEN_SECRET,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    DOMAIN,
)
from simulator.server import Simulator

# The flow tests' fixtures: setup mocked, refused handshakes expected.
from .test_config_flow import (  # noqa: F401
    mock_setup_entry,
    rejected_handshakes_expected,
    suggested_values,
)

STALE_PIN = ":".join(["AB"] * 32)


def make_entry(
    hass: HomeAssistant, sim: Simulator, unique_id: str = "homelab", **changes: Any
) -> MockConfigEntry:
    """A token entry with the simulator's certificate pinned and a secret that no longer works."""
    data = {
        CONF_HOST: sim.host,
        CONF_PORT: sim.port,
        CONF_VERIFY_SSL: True,
        CONF_FINGERPRINT: sim.fingerprint,
        CONF_USERNAME: sim.username,
        CONF_TOKEN_ID: sim.token_id,
        CONF_TOKEN_SECRET: "revoked",
    }
    data = {key: value for key, value in {**data, **changes}.items() if value is not ...}
    entry = MockConfigEntry(domain=DOMAIN, unique_id=unique_id, title=unique_id, data=data)
    entry.add_to_hass(hass)
    return entry


async def test_new_token_secret(hass: HomeAssistant, simulator: Simulator) -> None:
    """The form asks for the token (id prefilled, secret empty); a working secret updates the entry."""
    entry = make_entry(hass, simulator)
    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] == {
        "username": "homeassistant@pve",
        "host": "127.0.0.1",
        "name": "homelab",
    }
    assert suggested_values(result) == {CONF_TOKEN_ID: "monitoring"}  # never the secret

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_TOKEN_ID: "homeassistant@pve!monitoring", CONF_TOKEN_SECRET: simulator.token_secret},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_VERIFY_SSL: True,
        CONF_FINGERPRINT: simulator.fingerprint,
        CONF_USERNAME: "homeassistant@pve",
        CONF_TOKEN_ID: "monitoring",
        CONF_TOKEN_SECRET: simulator.token_secret,
    }


async def test_new_password_after_a_wrong_one(hass: HomeAssistant, simulator: Simulator) -> None:
    """A password entry asks for the password only; a wrong one is an error, the right one succeeds."""
    entry = make_entry(hass, simulator, token_id=..., token_secret=..., password="old")
    result = await entry.start_reauth_flow(hass)
    assert set(suggested_values(result)) == set()
    assert [str(marker) for marker in result["data_schema"].schema] == [CONF_PASSWORD]

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PASSWORD: "wrong"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: simulator.password}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PASSWORD] == simulator.password
    assert CONF_TOKEN_ID not in entry.data


async def test_other_cluster(hass: HomeAssistant, simulator: Simulator) -> None:
    """Credentials that lead into another cluster do not take over the entry."""
    entry = make_entry(hass, simulator, unique_id="office")
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN_ID: "monitoring", CONF_TOKEN_SECRET: simulator.token_secret}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"
    assert result["description_placeholders"] == {"name": "homelab"}
    assert entry.data[CONF_TOKEN_SECRET] == "revoked"


@pytest.mark.parametrize(
    "tls",
    [
        {CONF_FINGERPRINT: STALE_PIN},  # the certificate changed since it was pinned
        {CONF_FINGERPRINT: None},  # verified TLS, and the certificate is not trusted
    ],
)
async def test_certificate_problem(hass: HomeAssistant, simulator: Simulator, tls: dict[str, Any]) -> None:
    """Reauthentication keeps the entry's TLS mode: a certificate problem is an error, not a question."""
    entry = make_entry(hass, simulator, **tls)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN_ID: "monitoring", CONF_TOKEN_SECRET: simulator.token_secret}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "ssl_error"}


async def test_blank_secret(hass: HomeAssistant, simulator: Simulator) -> None:
    """A secret of blanks is no secret."""
    entry = make_entry(hass, simulator)
    result = await entry.start_reauth_flow(hass)
    simulator.reset_counters()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN_ID: "monitoring", CONF_TOKEN_SECRET: "  "}
    )
    assert result["errors"] == {CONF_TOKEN_SECRET: "missing_token_secret"}
    assert not simulator.counters
