"""Backups tier: last backup per guest, failures, next run, unprotected guests, every 60 s.

Reads the vzdump tasks of the last 7 days per online node (``/nodes/{n}/tasks?typefilter=vzdump``),
the backup jobs (``/cluster/backup``, for the next run) and ``/cluster/backup-info/not-backed-up``.

Simplification: a task with a VMID in its id is one guest's backup and sets that guest's
[last_backup] (end of its last successful backup) and [backup_failed] (its most recent finished
backup failed). A scheduled job that backs up several guests runs as one task with an empty id;
which guests failed in it is only in the task log, which this tier does not read. Such a task's
failure counts in the cluster's [failed_backups] but is attributed to no guest. Per-guest results
are kept across polls, so a guest keeps its last backup while its node is offline or the task falls
out of the 7-day window.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, override

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.proxmox_live.const import (
    BACKUP_FAILED_WINDOW,
    BACKUP_TASK_LIMIT,
    BACKUP_TASK_WINDOW,
    BACKUP_TIMEOUT,
    CONF_BACKUP_INTERVAL,
    DEFAULT_BACKUP_INTERVAL,
)
from custom_components.proxmox_live.data import NO_BACKUP, BackupData, GuestBackup
from custom_components.proxmox_live.pve.models import BackupJob, Task

from .base import NodeFailure, ProxmoxCoordinator, gather_all, read_nodes

if TYPE_CHECKING:
    from custom_components.proxmox_live.pve.client import PveClient

    from . import ProxmoxConfigEntry
    from .inventory import ProxmoxInventoryCoordinator


class ProxmoxBackupCoordinator(ProxmoxCoordinator[BackupData]):
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
        super().__init__(hass, entry, client)
        self.inventory = inventory

    @override
    async def _async_fetch(self) -> BackupData:
        now = int(dt_util.utcnow().timestamp())
        nodes = self.inventory.online_nodes()
        jobs, not_backed_up, reads = await gather_all(
            self.client.get_backup_jobs(timeout=self.request_timeout),
            self.client.get_not_backed_up(timeout=self.request_timeout),
            read_nodes(nodes, self._read_node),
        )
        node_tasks = [read for read in reads.values() if not isinstance(read, NodeFailure)]
        tasks = [task for read in node_tasks for task in read if not task.running]
        tasks.sort(key=lambda task: task.endtime or task.starttime)
        return BackupData(
            guests=self._guests(tasks),
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

    def _guests(self, finished: list[Task]) -> dict[int, GuestBackup]:
        """Per-VMID results from single-guest tasks (oldest first), merged over the previous poll."""
        guests = dict(previous.guests) if (previous := self.latest) is not None else {}
        for task in finished:
            if not task.id.isdigit():
                continue  # a job over several guests: see the module docstring
            vmid = int(task.id)
            known = guests.get(vmid, NO_BACKUP)
            ended = datetime.fromtimestamp(task.endtime or task.starttime, UTC)
            last_backup = known.last_backup
            if task.succeeded and (last_backup is None or ended > last_backup):
                last_backup = ended
            guests[vmid] = GuestBackup(last_backup=last_backup, last_failed=task.succeeded is False)
        return guests


def _next_run(jobs: list[BackupJob]) -> datetime | None:
    runs = [job.next_run for job in jobs if job.enabled and job.next_run]
    return datetime.fromtimestamp(min(runs), UTC) if runs else None
