"""Backups tier: last backup per guest, failures, next run, unprotected guests, every 60 s.

Reads the vzdump tasks of the last 7 days per online node (``/nodes/{n}/tasks?typefilter=vzdump``),
the backup jobs (``/cluster/backup``, for the next run), ``/cluster/backup-info/not-backed-up`` and
the backup volumes of every storage whose content includes ``backup``
(``/nodes/{n}/storage/{sid}/content?content=backup``: one request per storage and refresh; a shared
storage is read once, from the first online node that has it, a local one on its own node; the very
first refresh runs alongside the inventory's and reads ``/cluster/resources`` once to know them).

Tasks: a task with a VMID in its id is one guest's backup and sets that guest's [last_backup] (end
of its last successful backup) and [backup_failed] (its most recent finished backup failed). A
scheduled job runs as one task per node with an empty id covering many guests; which guests it
covered and which of them failed is only in the task log, which this tier does not read. Such a
task's failure counts in the cluster's [failed_backups] but is attributed to no guest.

Volumes: every successful backup, single-guest or from a job, leaves a volume carrying its VMID and
creation time (the start of that guest's backup). A guest's [last_backup] is the newest of the end of
its last successful single-guest task and the creation of its newest volume, so guests backed up
only by scheduled jobs get one too. A volume whose name tells another guest type than the guest now
holding the VMID (``vzdump-lxc-100-...`` for VM 100) is ignored. [backup_failed] stays driven by
tasks, but a volume created after the failed task ended clears it.

Proxmox VE lists a backup only to a caller with Datastore.AllocateSpace on the storage and VM.Backup
on the guest (the config flow warns when they are missing): without them every list is empty (200,
``[]``) and the tier works from tasks alone. So the tier reads the caller's privileges
(``/access/permissions``, on its first refresh and then once an hour) and does not list a storage
whose backups it could not see; when the privileges cannot be read, every storage is listed. A 403
on one storage (no Datastore.Audit there) is logged once and counts as an empty list; any other
failure of one storage's list (node unreachable, timeout) is logged at debug level and skipped for
this refresh. Only an authentication error ends the tier.

Per-guest results are kept across polls, so a guest keeps its last backup while its node is offline,
the task falls out of the 7-day window or a storage cannot be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from custom_components.proxmox_live.const import (
    BACKUP_FAILED_WINDOW,
    BACKUP_RIGHTS_INTERVAL,
    BACKUP_TASK_LIMIT,
    BACKUP_TASK_WINDOW,
    BACKUP_TIMEOUT,
    CONF_BACKUP_INTERVAL,
    DEFAULT_BACKUP_INTERVAL,
    DOMAIN,
    LOGGER,
)
from custom_components.proxmox_live.data import BackupData, GuestBackup, StorageInfo
from custom_components.proxmox_live.pve.errors import PveAuthenticationError, PveError, PvePermissionError
from custom_components.proxmox_live.pve.models import BackupJob, BackupVolume, GuestType, Permissions, Task

from .base import NodeFailure, NodeTierCoordinator, gather_all, read_nodes
from .inventory import storage_infos

if TYPE_CHECKING:
    from custom_components.proxmox_live.pve.client import PveClient

    from . import ProxmoxConfigEntry
    from .inventory import ProxmoxInventoryCoordinator


class ProxmoxBackupCoordinator(NodeTierCoordinator[BackupData]):
    """Backup results and schedule."""

    tier = "backups"
    interval_option = CONF_BACKUP_INTERVAL
    default_interval = DEFAULT_BACKUP_INTERVAL
    request_timeout = BACKUP_TIMEOUT

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ProxmoxConfigEntry,
        client: PveClient,
        inventory: ProxmoxInventoryCoordinator,
    ) -> None:
        """Set up the tier; nodes come from the inventory tier."""
        super().__init__(hass, entry, client, inventory)
        self._history: dict[int, _History] = {}
        self._denied: set[str] = set()  # storages whose backup list answered 403 (logged once)
        self._rights: Permissions | None = None
        self._rights_read: int | None = None  # when the privileges were last read (UTC seconds)
        self._missing_rights: list[str] = []  # what hides every backup volume (empty: nothing or unknown)

    @override
    async def _async_fetch(self) -> BackupData:
        now = int(dt_util.utcnow().timestamp())
        nodes = self.inventory.online_nodes()
        jobs, not_backed_up, (reads, volumes) = await gather_all(
            self.client.get_backup_jobs(timeout=self.request_timeout),
            self.client.get_not_backed_up(timeout=self.request_timeout),
            gather_all(read_nodes(nodes, self._read_node), self._read_volumes(nodes, now)),
        )
        node_tasks = [read for read in reads.values() if not isinstance(read, NodeFailure)]
        tasks = [task for read in node_tasks for task in read if not task.running]
        tasks.sort(key=lambda task: task.endtime or task.starttime)
        self._report_hidden_volumes(scheduled=any(job.enabled for job in jobs))
        return BackupData(
            guests=self._guests(tasks, volumes),
            failed_last_24h=sum(
                1
                for task in tasks
                if task.succeeded is False and (task.endtime or task.starttime) >= now - BACKUP_FAILED_WINDOW
            ),
            not_backed_up=len(not_backed_up),
            next_backup=_next_run(jobs),
            running=sum(1 for read in node_tasks for task in read if task.running),
        )

    async def _read_node(self, node: str) -> list[Task]:
        since = int(dt_util.utcnow().timestamp()) - BACKUP_TASK_WINDOW
        return await self.client.get_tasks(
            node, typefilter="vzdump", since=since, limit=BACKUP_TASK_LIMIT, timeout=self.request_timeout
        )

    async def _read_rights(self, now: int) -> Permissions | None:
        """The caller's privileges: read on the first refresh, then once an hour; None when unknown."""
        if self._rights_read is not None and now - self._rights_read < BACKUP_RIGHTS_INTERVAL:
            return self._rights
        self._rights_read = now
        try:
            self._rights = await self.client.get_permissions(timeout=self.request_timeout)
        except PveAuthenticationError:
            raise
        except PveError as err:
            LOGGER.debug("Privileges not read, every storage holding backups is listed: %s", err)
            self._rights = None
        return self._rights

    async def _read_volumes(self, online: list[str], now: int) -> list[BackupVolume]:
        """The backup volumes of every storage holding backups, as far as their guest type fits."""
        rights = await self._read_rights(now)
        if (known := await self._storages_and_guests()) is None:
            return []
        storages, types = known
        holding = [info for info in storages if "backup" in info.content]
        self._missing_rights = missing_backup_rights(rights, [info.storage for info in holding])
        if self._missing_rights:
            return []  # every list would be empty
        reads = await gather_all(
            *(
                self._read_storage(node, info.storage)
                for info in holding
                if (node := _reader(info, online)) and may_list_backups(rights, info.storage)
            )
        )
        return [volume for read in reads for volume in read if _fits(volume, types)]

    async def _storages_and_guests(self) -> tuple[list[StorageInfo], dict[int, GuestType]] | None:
        """Storages and guest types from the inventory; None when they cannot be known this time."""
        if (inventory := self.inventory.latest) is not None:
            return list(inventory.storages.values()), {vmid: kind for kind, vmid in inventory.guests}
        # the first refresh runs alongside the inventory's: ask once for storages and guests
        try:
            resources = await self.client.get_cluster_resources(timeout=self.request_timeout)
        except PveAuthenticationError:
            raise
        except PveError as err:
            LOGGER.debug("Storages not read, no backup volumes this time: %s", err)
            return None
        types: dict[int, GuestType] = {
            res.vmid: "qemu" if res.type == "qemu" else "lxc"
            for res in resources
            if res.type in ("qemu", "lxc") and res.vmid is not None
        }
        return list(storage_infos(resources).values()), types

    def _report_hidden_volumes(self, *, scheduled: bool) -> None:
        """A repair while backup jobs exist but the privileges hide every backup volume; else none.

        Without the volumes, guests backed up only by those jobs have no [last_backup].
        """
        issue_id = f"backup_volumes_hidden_{self.config_entry.entry_id}"
        if not (scheduled and self._missing_rights):
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="backup_volumes_hidden",
            translation_placeholders={
                "entry": self.config_entry.title,
                "missing": " and ".join(self._missing_rights),
            },
        )

    async def _read_storage(self, node: str, storage: str) -> list[BackupVolume]:
        try:
            volumes = await self.client.get_backup_volumes(node, storage, timeout=self.request_timeout)
        except PveAuthenticationError:
            raise
        except PvePermissionError as err:
            if storage not in self._denied:
                self._denied.add(storage)
                LOGGER.info(
                    "Backup volumes of storage %s are not readable, using tasks only: %s", storage, err
                )
            return []
        except PveError as err:
            LOGGER.debug("Backup volumes of storage %s not read from node %s: %s", storage, node, err)
            return []
        self._denied.discard(storage)
        return volumes

    def _guests(self, finished: list[Task], volumes: list[BackupVolume]) -> dict[int, GuestBackup]:
        """Per-VMID results from single-guest tasks (oldest first) and volumes, merged over earlier polls."""
        for task in finished:
            if not task.id.isdigit():
                continue  # a job over several guests: see the module docstring
            known = self._history.setdefault(int(task.id), _History())
            ended = datetime.fromtimestamp(task.endtime or task.starttime, UTC)
            if task.succeeded and (known.task_ok is None or ended > known.task_ok):
                known.task_ok = ended
            known.task_failed = ended if task.succeeded is False else None
        for volume in volumes:
            if volume.vmid is None or (created := _utc(volume.ctime)) is None:
                continue
            known = self._history.setdefault(volume.vmid, _History())
            if known.volume is None or created > known.volume:
                known.volume = created
        return {vmid: known.result() for vmid, known in self._history.items()}


@dataclass(slots=True)
class _History:
    """What is known about the backups of one VMID, kept across polls."""

    task_ok: datetime | None = None  # end of the last successful single-guest task
    task_failed: datetime | None = None  # end of the most recent finished one, when it failed
    volume: datetime | None = None  # creation of the newest backup volume

    def result(self) -> GuestBackup:
        last_backup = max((when for when in (self.task_ok, self.volume) if when is not None), default=None)
        failed = self.task_failed is not None and (self.volume is None or self.volume <= self.task_failed)
        return GuestBackup(last_backup=last_backup, last_failed=failed)


def _held(rights: Permissions, path: str, privilege: str, *, or_below: tuple[str, ...]) -> bool:
    """Whether ``privilege`` holds on ``path``, or is granted on any path starting with ``or_below``."""
    return rights.has(path, privilege) or any(
        privilege in privileges and granted.startswith(or_below)
        for granted, privileges in rights.paths.items()
    )


def can_back_up_guests(rights: Permissions) -> bool:
    """Whether VM.Backup holds on any guest (directly, on ``/vms`` or through a pool)."""
    return _held(rights, "/vms", "VM.Backup", or_below=("/vms/", "/pool/"))


def missing_backup_rights(rights: Permissions | None, storages: list[str]) -> list[str]:
    """What the caller lacks for Proxmox VE to list any backup of ``storages`` (empty when unknown)."""
    if rights is None or not storages:
        return []
    missing = []
    if not any(may_list_backups(rights, storage) for storage in storages):
        missing.append("`Datastore.AllocateSpace` on the backup storages")
    if not can_back_up_guests(rights):
        missing.append("`VM.Backup` on the guests")
    return missing


def may_list_backups(rights: Permissions | None, storage: str) -> bool:
    """Whether Proxmox VE may list backups of ``storage`` to the caller (yes when ``rights`` is unknown).

    It needs Datastore.AllocateSpace on the storage, which a pool holding the storage can grant too.
    """
    if rights is None:
        return True
    return _held(rights, f"/storage/{storage}", "Datastore.AllocateSpace", or_below=("/pool/",))


def _reader(storage: StorageInfo, online: list[str]) -> str | None:
    """The node to list a storage's backups from: its first online node, when it holds backups."""
    if "backup" not in storage.content:
        return None
    return next((node for node in storage.nodes if node in online), None)


def _fits(volume: BackupVolume, types: Mapping[int, GuestType]) -> bool:
    """False for a volume whose name tells another type than the guest holding its VMID now."""
    kind = volume.guest_type
    return kind is None or volume.vmid is None or types.get(volume.vmid, kind) == kind


def _utc(seconds: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except OverflowError, OSError, ValueError:
        return None


def _next_run(jobs: list[BackupJob]) -> datetime | None:
    runs = [job.next_run for job in jobs if job.enabled and job.next_run]
    return datetime.fromtimestamp(min(runs), UTC) if runs else None
