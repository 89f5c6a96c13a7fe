"""Secrets (token secret, password, ticket, CSRF token) never in logs, diagnostics or flow forms.

A full setup, faults, a re-login and a reauth, with token and with ticket authentication, logged at
DEBUG for everything; every record (message, arguments, exception text) is searched.
"""

from __future__ import annotations

import logging
import traceback

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_TOKEN_ID,
    CONF_TOKEN_SECRET,
    CONF_USERNAME,
    DOMAIN,
)
from custom_components.proxmox_live.diagnostics import async_get_config_entry_diagnostics
from simulator import Simulator

from .conftest import setup_entry, tick, ticks


def record_texts(record: logging.LogRecord) -> list[str]:
    """Everything a handler could write for ``record``."""
    texts = [record.getMessage(), repr(record.args), record.stack_info or "", record.exc_text or ""]
    if record.exc_info and record.exc_info[1] is not None:
        texts.append("".join(traceback.format_exception(record.exc_info[1])))
    return texts


def leaks(caplog: pytest.LogCaptureFixture, secrets: set[str]) -> list[str]:
    """Records mentioning any of ``secrets``."""
    assert all(len(secret) >= 8 for secret in secrets)
    return [
        f"{record.name}: {record.getMessage()[:200]}"
        for record in caplog.records
        if any(secret in text for text in record_texts(record) for secret in secrets)
    ]


@pytest.fixture
def tickets(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every ticket and CSRF token the simulator issues during the test."""
    issued: set[str] = set()
    issue = sim.auth.issue_ticket

    def recording() -> tuple[str, str]:
        ticket, csrf = issue()
        issued.update((ticket, csrf))
        return ticket, csrf

    monkeypatch.setattr(sim.auth, "issue_ticket", recording)
    return issued


async def faults(hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator) -> None:
    """A sample of faults, each for a few ticks."""
    for kind, status in (("reset", 500), ("http_error", 500), ("malformed_json", 200), ("html_error", 502)):
        sim.faults.add(r"^/nodes/pve2/", kind, status=status)  # type: ignore[arg-type]
        await ticks(hass, freezer, 2)
        sim.faults.clear()
    await ticks(hass, freezer, 31)  # the slow tiers too


async def test_token_secret_never_shown(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Token auth: setup, faults, a revoked token, the reauth form and its completion, diagnostics."""
    caplog.set_level(logging.DEBUG)
    await setup_entry(hass, config_entry)
    await faults(hass, freezer, sim)
    sim.faults.revoke_token()
    await tick(hass, freezer, 2)
    sim.faults.restore_token()
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    form = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert sim.token_secret not in repr(form)  # placeholders, suggested values, defaults
    wrong = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_TOKEN_ID: sim.token_id, CONF_TOKEN_SECRET: "wrong-secret-value"}
    )
    assert wrong["type"] is FlowResultType.FORM
    assert "wrong-secret-value" not in repr(wrong)  # a rejected secret is not shown again
    done = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_TOKEN_ID: sim.token_id, CONF_TOKEN_SECRET: sim.token_secret}
    )
    assert done["type"] is FlowResultType.ABORT
    await ticks(hass, freezer, 2)
    diagnostics = await async_get_config_entry_diagnostics(hass, config_entry)  # type: ignore[arg-type]
    assert sim.token_secret not in repr(diagnostics)
    assert sim.token_secret not in repr(config_entry.runtime_data.client.__dict__)
    assert len(caplog.records) > 500  # DEBUG really was on
    assert not leaks(caplog, {sim.token_secret, "wrong-secret-value"})


async def test_password_and_tickets_never_shown(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    password_entry: MockConfigEntry,
    tickets: set[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Ticket auth: login, faults, expired tickets (silent re-login), a failed login, diagnostics."""
    caplog.set_level(logging.DEBUG)
    await setup_entry(hass, password_entry)
    await faults(hass, freezer, sim)
    sim.faults.expire_tickets()
    await ticks(hass, freezer, 2)
    sim.faults.add(r"^/access/ticket$", "http_error", status=401, count=1)
    sim.faults.expire_tickets()
    await ticks(hass, freezer, 2)  # the re-login is refused: reauth
    diagnostics = await async_get_config_entry_diagnostics(hass, password_entry)  # type: ignore[arg-type]
    assert len(tickets) >= 4  # two logins at least: ticket and CSRF token each
    secrets = {sim.password, *tickets}
    assert not any(secret in repr(diagnostics) for secret in secrets)
    for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN):
        form = await hass.config_entries.flow.async_configure(flow["flow_id"])
        assert not any(secret in repr(form) for secret in secrets)
    assert len(caplog.records) > 500
    assert not leaks(caplog, secrets)


async def test_user_form_never_shows_secrets_again(
    hass: HomeAssistant, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A rejected password or token secret: the form comes back with the other values only."""
    caplog.set_level(logging.DEBUG)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    for credentials in (
        {CONF_PASSWORD: "not-the-password"},
        {CONF_TOKEN_ID: sim.token_id, CONF_TOKEN_SECRET: "not-the-secret"},
    ):
        user_input = {CONF_HOST: sim.host, CONF_PORT: sim.port, CONF_USERNAME: sim.username, **credentials}
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
        if result["type"] is FlowResultType.MENU:  # the certificate question first
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], {"next_step_id": "tls_pin"}
            )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "invalid_auth"}
        assert not any(secret in repr(result) for secret in ("not-the-password", "not-the-secret"))
    assert not leaks(caplog, {"not-the-password", "not-the-secret"})
