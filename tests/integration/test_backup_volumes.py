"""Backups tier with backup volumes: guests backed up only by scheduled jobs get a last backup too."""

from __future__ import annotations

from datetime import UTC, datetime
import logging
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import DOMAIN
from custom_components.proxmox_live.coordinator.backups import can_back_up_guests, may_list_backups
from custom_components.proxmox_live.pve.models import Permissions
from simulator import Simulator
from simulator.model import BackupVolume

from .conftest import EN, setup_entry, state_of, tick

CONTENT = "/nodes/{node}/storage/{storage}/content"
PERMISSIONS = "/access/permissions"
# cluster3: "local" on each of the 3 nodes, shared "nfs-backup" and "cephfs" (read once each)
BACKUP_STORAGES = 5
DEV_BOX = "homelab_qemu_128_last_backup"  # excluded from the daily job: no single-guest task
FAILED = "homelab_qemu_112_backup_failed"  # its last single-guest backup failed


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).isoformat()


def grant_backup_rights(sim: Simulator) -> None:
    sim.faults.grant_privilege("/storage", "Datastore.AllocateSpace")
    sim.faults.grant_privilege("/vms", "VM.Backup")


def run_job(sim: Simulator, when: float) -> None:
    """A scheduled job on pve2 (one task, empty id) that backed up 112 and 128 one after the other."""
    task = sim.cluster.add_backup_task("pve2", None, True, when, duration=600, vmids=(112, 128))
    assert (task.id, task.storage) == ("", "nfs-backup")


async def test_last_backup_from_volumes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """With the backup rights a guest covered only by a job gets its last backup from its volume."""
    grant_backup_rights(sim)
    now = time.time()
    run_job(sim, now - 1200)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert state_of(hass, "sensor", DEV_BOX) == iso(now - 1200 + 300)  # second guest of the job
    # 112's single-guest task failed last night; the job's volume is newer and clears the flag
    assert state_of(hass, "binary_sensor", FAILED) == "off"
    assert state_of(hass, "sensor", "homelab_qemu_112_last_backup") == iso(now - 1200)

    # a newer job run moves the last backup; a single-guest failure after it sets the flag again
    run_job(sim, now + 30)
    sim.cluster.add_backup_task("pve1", 112, ok=False, when=now + 50, duration=10)
    await tick(hass, freezer, 60)
    assert state_of(hass, "sensor", DEV_BOX) == iso(now + 30 + 300)
    assert state_of(hass, "binary_sensor", FAILED) == "on"
    assert state_of(hass, "sensor", "homelab_qemu_112_last_backup") == iso(now + 30)

    # a volume named for a container with VMID 128 (an earlier guest) is not this VM's backup
    sim.cluster.backup_volumes.append(
        BackupVolume(storage="nfs-backup", node="pve2", vmid=128, type="lxc", ctime=now + 40, size=1)
    )
    await tick(hass, freezer, 60)
    assert state_of(hass, "sensor", DEV_BOX) == iso(now + 30 + 300)


async def test_without_backup_rights_as_before(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """PVEAuditor gets empty lists: no error, last backup only from single-guest tasks."""
    run_job(sim, time.time() - 1200)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    backups = config_entry.runtime_data.backups
    assert backups.last_update_success
    assert state_of(hass, "sensor", DEV_BOX) == "unknown"
    assert state_of(hass, "binary_sensor", FAILED) == "on"
    await tick(hass, freezer, 60)
    assert backups.last_update_success
    assert state_of(hass, "sensor", DEV_BOX) == "unknown"


async def test_one_content_read_per_backup_storage(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """Every backups refresh lists each storage holding backups once: shared ones from one node only."""
    grant_backup_rights(sim)
    await setup_entry(hass, config_entry)
    for _ in range(2):
        sim.reset_counters()
        await tick(hass, freezer, 60)
        assert sim.counters[CONTENT] == BACKUP_STORAGES
        assert sim.counters["/nodes/{node}/tasks"] == 3
    # pve3 offline: its local storage is not asked, the shared ones still are (from another node)
    sim.faults.node_offline("pve3")
    await tick(hass, freezer, 10)
    sim.reset_counters()
    await tick(hass, freezer, 60)
    assert sim.counters[CONTENT] == BACKUP_STORAGES - 1
    assert config_entry.runtime_data.backups.last_update_success


async def test_storages_it_cannot_see_are_not_listed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """Without the backup rights no storage is listed (each list would be empty).

    The privileges are read on the first refresh and again once an hour.
    """
    now = time.time()
    run_job(sim, now - 1200)
    await setup_entry(hass, config_entry)
    assert sim.counters[PERMISSIONS] == 1
    assert sim.counters[CONTENT] == 0
    # rights granted later: seen at the hourly re-read, not before
    grant_backup_rights(sim)
    sim.reset_counters()
    for _ in range(59):
        await tick(hass, freezer, 60)
    assert (sim.counters[PERMISSIONS], sim.counters[CONTENT]) == (0, 0)
    assert state_of(hass, "sensor", DEV_BOX) == "unknown"
    await tick(hass, freezer, 60)
    assert (sim.counters[PERMISSIONS], sim.counters[CONTENT]) == (1, BACKUP_STORAGES)
    assert state_of(hass, "sensor", DEV_BOX) == iso(now - 1200 + 300)


async def test_repair_while_jobs_run_but_volumes_are_hidden(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """Backups invisible because of privileges: a repair names what is missing, gone once granted."""
    now = time.time()
    run_job(sim, now - 1200)
    await setup_entry(hass, config_entry)
    issue_id = f"backup_volumes_hidden_{config_entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert (issue.translation_key, issue.severity, issue.is_fixable) == (
        "backup_volumes_hidden",
        ir.IssueSeverity.WARNING,
        False,
    )
    text = EN["issues"][issue.translation_key]["description"].format(**issue.translation_placeholders)
    assert "lacks `Datastore.AllocateSpace` on the backup storages and `VM.Backup` on the guests" in text
    assert "**Last backup**" in text  # which feature it is about
    # only one of the two missing: the text names that one
    sim.faults.grant_privilege("/vms", "VM.Backup")
    await tick(hass, freezer, 3600)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders["missing"] == "`Datastore.AllocateSpace` on the backup storages"
    # both held: the issue goes at the next read of the privileges
    sim.faults.grant_privilege("/storage", "Datastore.AllocateSpace")
    await tick(hass, freezer, 3600)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert state_of(hass, "sensor", DEV_BOX) == iso(now - 1200 + 300)


async def test_no_repair_without_backup_jobs(
    hass: HomeAssistant, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """Without an enabled job no guest misses a last backup for lack of the volumes: no repair."""
    for job in sim.cluster.backup_jobs:
        job.enabled = False
    await setup_entry(hass, config_entry)
    assert config_entry.runtime_data.backups.last_update_success
    issue_id = f"backup_volumes_hidden_{config_entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_only_storages_with_allocate_space_are_listed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """Datastore.AllocateSpace on one storage only: that storage alone is listed, and it is enough."""
    now = time.time()
    run_job(sim, now - 1200)
    sim.faults.grant_privilege("/storage/nfs-backup", "Datastore.AllocateSpace")
    sim.faults.grant_privilege("/vms", "VM.Backup")
    await setup_entry(hass, config_entry)
    sim.reset_counters()
    await tick(hass, freezer, 60)
    assert sim.counters[CONTENT] == 1
    assert state_of(hass, "sensor", DEV_BOX) == iso(now - 1200 + 300)


async def test_every_storage_listed_when_privileges_are_unknown(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: Simulator, config_entry: MockConfigEntry
) -> None:
    """A failed read of the privileges is no reason to miss a backup: every storage is listed."""
    sim.faults.add(r"^/access/permissions$", "http_error", status=500)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert sim.counters[CONTENT] == BACKUP_STORAGES
    assert config_entry.runtime_data.backups.last_update_success


@pytest.mark.parametrize(
    ("paths", "guests", "nfs", "local"),
    [
        ({"/": {"Sys.Audit": True}}, False, False, False),  # PVEAuditor
        ({"/": {"VM.Backup": True, "Datastore.AllocateSpace": True}}, True, True, True),
        (
            {"/": {"VM.Backup": False, "Datastore.AllocateSpace": False}},
            False,
            False,
            False,
        ),  # no propagation
        (
            {"/vms/100": {"VM.Backup": True}, "/storage/nfs": {"Datastore.AllocateSpace": True}},
            True,
            True,
            False,
        ),
        (
            {"/pool/lab": {"VM.Backup": True, "Datastore.AllocateSpace": True}},
            True,
            True,
            True,
        ),  # pools: maybe
        ({"/storage": {"Datastore.AllocateSpace": True}, "/storage/local": {}}, False, True, False),
    ],
)
def test_rights_for_backup_volumes(
    paths: dict[str, dict[str, bool]], guests: bool, nfs: bool, local: bool
) -> None:
    """What the caller's privileges allow Proxmox VE to list (the rule behind the skipped reads)."""
    rights = Permissions(paths=paths)
    assert can_back_up_guests(rights) is guests
    assert (may_list_backups(rights, "nfs"), may_list_backups(rights, "local")) == (nfs, local)
    assert may_list_backups(None, "local")


async def test_storage_errors_do_not_break_the_tier(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: Simulator,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 403 on one storage is logged once and counts as empty; other failures are skipped quietly."""
    grant_backup_rights(sim)
    now = time.time()
    run_job(sim, now - 1200)
    message = "Permission check failed (/storage/cephfs, Datastore.Audit|Datastore.AllocateSpace)"
    sim.faults.add(r"/storage/cephfs/content", "http_error", status=403, message=message)
    sim.faults.add(r"/nodes/pve2/storage/local/content", "http_error", status=595)
    caplog.set_level(logging.DEBUG, logger="custom_components.proxmox_live")
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    backups = config_entry.runtime_data.backups
    for _ in range(2):
        await tick(hass, freezer, 60)
        assert backups.last_update_success
    assert state_of(hass, "sensor", DEV_BOX) == iso(now - 1200 + 300)  # nfs-backup still read
    denied = [
        r for r in caplog.records if "Backup volumes of storage cephfs are not readable" in r.getMessage()
    ]
    assert [r.levelno for r in denied] == [logging.INFO]
    assert any(
        "Backup volumes of storage local not read from node pve2" in r.getMessage() for r in caplog.records
    )
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "proxmox_live" in r.name]
    # an expired token still ends the tier (reauthentication), also when only the volumes see it
    sim.faults.clear()
    sim.faults.add(r"/content", "http_error", status=401)
    await tick(hass, freezer, 60)
    assert not backups.last_update_success
