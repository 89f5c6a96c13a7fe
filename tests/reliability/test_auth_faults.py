"""401 in the middle of a run (ticket: silent re-login; token: one reauth flow) and 403 on one tier."""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import CONF_TOKEN_ID, CONF_TOKEN_SECRET, DOMAIN
from simulator import Simulator
from tests.integration.conftest import EN

from .conftest import (
    PVE1,
    UNAVAILABLE,
    History,
    count_lines,
    problems,
    setup_entry,
    state_of,
    states,
    ticks,
)


def reauth_flows(hass: HomeAssistant) -> list[str]:
    """Sources of the flows in progress for the integration."""
    return [flow["context"]["source"] for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)]


async def test_ticket_expired_relogs_in_silently(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    password_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every ticket invalid mid-run: one new login shared by all requests, nothing unavailable."""
    await setup_entry(hass, password_entry)
    assert password_entry.state is ConfigEntryState.LOADED
    history = History(hass, PVE1)
    logins = sim.counters["/access/ticket"]
    sim.faults.expire_tickets()
    await ticks(hass, freezer, 31, history=history)  # every tier meets the 401 once
    assert history.never_unavailable()
    assert history.kept_updating()
    assert sim.counters["/access/ticket"] - logins == 1  # concurrent 401s share one re-login
    assert reauth_flows(hass) == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "proxmox_live" in r.name]
    assert not problems(caplog)


async def test_token_revoked_starts_one_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A revoked token: one reauth flow whatever the number of tiers and ticks; fixed by a new secret."""
    sim.faults.revoke_token()
    await ticks(hass, freezer, 31)
    assert reauth_flows(hass) == [SOURCE_REAUTH]
    assert set(states(hass, PVE1).values()) == {UNAVAILABLE}
    failed = count_lines(caplog, "Authentication failed while fetching", level=logging.ERROR)
    assert failed <= 4  # at most once per tier, never once per tick
    requests = sum(sim.counters.values())
    await ticks(hass, freezer, 30)
    assert sum(sim.counters.values()) == requests  # no polling with rejected credentials
    assert count_lines(caplog, "Authentication failed while fetching", level=logging.ERROR) == failed

    sim.faults.restore_token()
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_TOKEN_ID: sim.token_id, CONF_TOKEN_SECRET: sim.token_secret}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await ticks(hass, freezer, 1)
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert UNAVAILABLE not in states(hass, PVE1).values()
    assert reauth_flows(hass) == []
    assert not problems(caplog)


async def test_forbidden_storage_endpoint(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """403 on one endpoint: a repair naming privilege and path; the other tiers keep working."""
    message = "Permission check failed (/storage/local, Datastore.Audit)"
    sim.faults.add(r"^/nodes/pve1/storage$", "http_error", status=403, message=message)
    history = History(hass, PVE1)
    await ticks(hass, freezer, 31, history=history)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"missing_privilege_{loaded_entry.entry_id}_storage")
    assert issue is not None
    assert issue.translation_placeholders == {
        "entry": "homelab",
        "privilege": "Datastore.Audit",
        "path": "/storage/local",
    }
    assert state_of(hass, "sensor", "homelab_storage_nfs-backup_storage_usage") == UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_nodes_online") == "3"
    assert state_of(hass, "sensor", "homelab_next_backup") != UNAVAILABLE
    assert history.never_unavailable()
    assert history.kept_updating()
    sim.faults.clear()
    await ticks(hass, freezer, 30)  # one storage interval
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is None
    assert state_of(hass, "sensor", "homelab_storage_nfs-backup_storage_usage") != UNAVAILABLE
    assert count_lines(caplog, "Error fetching homelab storage data", level=logging.ERROR) == 1
    assert count_lines(caplog, "Fetching homelab storage data recovered") == 1
    assert not problems(caplog)


async def test_backups_invisible_explains_privileges(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """Backup jobs forbidden: the repair says what the backup features need; the rest keeps working."""
    sim.faults.add(
        r"^/cluster/backup", "http_error", status=403, message="Permission check failed (/, Sys.Audit)"
    )
    history = History(hass, PVE1)
    await ticks(hass, freezer, 31, history=history)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"missing_privilege_{loaded_entry.entry_id}_backups")
    assert issue is not None
    assert issue.translation_key == "missing_privilege_backups"
    text = EN["issues"][issue.translation_key]["description"].format(**issue.translation_placeholders)
    assert "`Sys.Audit` on `/`" in text  # the privilege and path that were refused
    assert "PVEAuditor" in text  # the role to give
    assert "backup tasks and jobs" in text  # which backup features need it
    assert state_of(hass, "sensor", "homelab_next_backup") == UNAVAILABLE
    assert state_of(hass, "sensor", "homelab_storage_nfs-backup_storage_usage") != UNAVAILABLE
    assert history.never_unavailable()
