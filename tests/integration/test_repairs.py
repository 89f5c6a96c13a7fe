"""403 on a tier: a repair issue naming the privilege and path, that tier unavailable, the others working."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import DOMAIN
from simulator import Simulator

from .conftest import setup_entry, state_of, tick

DENIED = "Permission check failed (/, Sys.Audit)"


def issue(hass: HomeAssistant, entry: MockConfigEntry, tier: str) -> ir.IssueEntry | None:
    """The repair issue of ``tier``, if any."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"missing_privilege_{entry.entry_id}_{tier}")


async def test_backups_forbidden_at_runtime(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """Backup endpoints answering 403: issue raised, backup entities unavailable, live ones fine."""
    fault = sim.faults.add(r"/cluster/backup", "http_error", status=403, message=DENIED)
    await tick(hass, freezer, 60)
    found = issue(hass, loaded_entry, "backups")
    assert found is not None
    assert found.translation_key == "missing_privilege_backups"
    assert found.translation_placeholders == {"entry": "homelab", "privilege": "Sys.Audit", "path": "/"}
    assert state_of(hass, "sensor", "homelab_next_backup") == "unavailable"
    assert state_of(hass, "sensor", "homelab_qemu_100_last_backup") == "unavailable"
    assert state_of(hass, "sensor", "homelab_qemu_100_cpu_usage") != "unavailable"
    assert fault.hits > 0
    sim.faults.clear()
    await tick(hass, freezer, 60)
    assert issue(hass, loaded_entry, "backups") is None
    assert state_of(hass, "sensor", "homelab_next_backup") != "unavailable"


async def test_backups_forbidden_at_setup(
    hass: HomeAssistant, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """A missing backup privilege does not stop the setup: the rest works, the issue explains."""
    sim.faults.add(r"/cluster/backup", "http_error", status=403, message=DENIED)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert issue(hass, config_entry, "backups") is not None
    assert state_of(hass, "sensor", "homelab_failed_backups") == "unavailable"
    assert state_of(hass, "sensor", "homelab_node_pve1_cpu_usage") != "unavailable"
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert issue(hass, config_entry, "backups") is None


async def test_node_privilege_removed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, loaded_entry: MockConfigEntry
) -> None:
    """Sys.Audit revoked on a node: the live tier raises the issue with that node's path; granted: gone."""
    sim.faults.remove_privilege("/nodes/pve2", "Sys.Audit")
    await tick(hass, freezer, 2)
    found = issue(hass, loaded_entry, "live")
    assert found is not None
    assert found.translation_placeholders == {
        "entry": "homelab",
        "privilege": "Sys.Audit",
        "path": "/nodes/pve2",
    }
    assert state_of(hass, "sensor", "homelab_node_pve1_cpu_usage") == "unavailable"
    sim.faults.grant_privilege("/nodes/pve2", "Sys.Audit")
    await tick(hass, freezer, 2)
    assert issue(hass, loaded_entry, "live") is None
    assert state_of(hass, "sensor", "homelab_node_pve1_cpu_usage") != "unavailable"
