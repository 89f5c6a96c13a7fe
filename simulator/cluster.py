"""The mutable cluster model (``sim.cluster``): structure now, state as a function of time.

Structure (which guests exist, where they live) changes immediately; running state is kept as
time-stamped transitions so any endpoint can ask "what was the state at t" (the 10 s snapshots
of ``/cluster/resources`` look slightly into the past).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import math
import time
from typing import Any

from simulator.metrics import SNAPSHOT_PERIOD, floor_to, key_of, unit
from simulator.model import (
    BackupJob,
    BackupVolume,
    Guest,
    GuestType,
    HistoryPlan,
    Node,
    StorageDef,
    Task,
)

#: churn period: a churning guest may be down for a whole period of this length.
CHURN_PERIOD = 600
_DAY = 86400


def default_clock() -> float:
    """``time.time()``, looked up at call time so freezegun's patched clock is honoured."""
    return time.time()


class Cluster:
    """A Proxmox VE cluster (or a standalone host when ``name`` is None)."""

    def __init__(
        self,
        *,
        name: str | None,
        seed: int = 1,
        legacy_lxc_vmid_strings: bool = False,
        churn: float = 0.0,
        pve_version: str = "9.0.6",
    ) -> None:
        self.name = name
        self.seed = seed
        self.legacy_lxc_vmid_strings = legacy_lxc_vmid_strings
        #: probability that a churn-enabled running guest is down during a 10-minute period (0 = never)
        self.churn = churn
        self.pve_version = pve_version
        self.nodes: dict[str, Node] = {}
        self.guests: dict[int, Guest] = {}
        self.storages: dict[str, StorageDef] = {}
        self.backup_jobs: list[BackupJob] = []
        self.tasks: list[Task] = []
        #: archives left by successful vzdump tasks (``/nodes/{node}/storage/{storage}/content``)
        self.backup_volumes: list[BackupVolume] = []
        self.ha_resources: dict[int, str] = {}  # vmid -> requested state ("started", "stopped")
        self.pools: set[str] = set()
        self.quorate = True
        self.config_version = 1
        self.history: HistoryPlan | None = None
        self._history_done = False
        self._clock: Callable[[], float] | None = None
        self._origin = 0.0
        self._generation = 0
        #: per-boundary memo of broadcast guest samples (see :func:`simulator.samples.snapshot_sample`)
        self.snapshot_cache: dict[object, object] = {}

    # ----------------------------------------------------------------- time
    def bind(self, clock: Callable[[], float] | None = None) -> None:
        """Attach the model clock; build-time timestamps (around 0) move to the clock's now."""
        clock = clock or default_clock
        now = clock()
        self._shift(now - self._origin)
        self._origin = now
        self._clock = clock
        if self.history is not None and not self._history_done:
            self._history_done = True
            self._generate_history(self.history)

    @property
    def origin(self) -> float:
        """Clock time at which the cluster was bound (build-time 0)."""
        return self._origin

    def now(self) -> float:
        """Model time (epoch seconds)."""
        return self._clock() if self._clock is not None else self._origin

    def _shift(self, delta: float) -> None:
        for node in self.nodes.values():
            node.booted_at += delta
            if node.offline_since is not None:
                node.offline_since += delta
        for guest in self.guests.values():
            guest.runs = [(when + delta, running) for when, running in guest.runs]
        for task in self.tasks:
            task.starttime += delta
            if task.endtime is not None:
                task.endtime += delta
        for volume in self.backup_volumes:
            volume.ctime += delta

    # ------------------------------------------------------------ building
    @property
    def local_node(self) -> str:
        """The node the API is served from (the first one)."""
        return next(iter(self.nodes))

    def add_node(self, name: str, *, uptime: float = 30 * _DAY, **fields: Any) -> Node:
        """Add a node that has been up for ``uptime`` seconds."""
        if name in self.nodes:
            raise ValueError(f"node {name} exists")
        fields.setdefault("ip", f"192.168.1.{10 + len(self.nodes) + 1}")
        fields.setdefault("fingerprint", _fake_fingerprint(name))
        node = Node(name=name, nodeid=len(self.nodes) + 1, booted_at=self.now() - uptime, **fields)
        self.nodes[name] = node
        return node

    def add_storage(self, storage: StorageDef) -> StorageDef:
        """Add a storage definition."""
        self.storages[storage.sid] = storage
        return storage

    # ---------------------------------------------------------- public ops
    def add_guest(  # noqa: PLR0917 - the documented interface
        self,
        node: str,
        vmid: int,
        type: GuestType,
        name: str,
        running: bool = True,
        template: bool = False,
        *,
        uptime: float = 0.0,
        **fields: Any,
    ) -> Guest:
        """Create a guest; a running one starts now (or ``uptime`` seconds ago)."""
        if node not in self.nodes:
            raise KeyError(f"unknown node {node}")
        if vmid in self.guests:
            raise ValueError(f"VMID {vmid} exists")
        if type not in ("qemu", "lxc"):
            raise ValueError(f"bad guest type {type}")
        guest = Guest(
            vmid=vmid,
            type=type,
            node=node,
            name=name,
            template=template,
            generation=self._generation,
            **fields,
        )
        self._generation += 1
        now = self.now()
        guest.runs = [(now - uptime, True)] if running and not template else [(now - uptime, False)]
        self.guests[vmid] = guest
        return guest

    def remove_guest(self, vmid: int) -> Guest:
        """Delete a guest (and its HA resource)."""
        self.ha_resources.pop(vmid, None)
        return self.guests.pop(vmid)

    def reuse_vmid(self, vmid: int, type: GuestType, name: str, running: bool = True) -> Guest:
        """Delete a guest and create another one (possibly of the other type) with the same VMID."""
        node = self.guests[vmid].node
        self.remove_guest(vmid)
        return self.add_guest(node, vmid, type, name, running=running)

    def migrate_guest(self, vmid: int, node: str) -> None:
        """Move a guest to ``node``; a running guest gets a new process (uptime and counters restart)."""
        if node not in self.nodes:
            raise KeyError(f"unknown node {node}")
        guest = self.guests[vmid]
        guest.node = node
        if self.running_since(guest, self.now()) is not None:
            guest.runs.append((self.now(), True))

    def start_guest(self, vmid: int) -> None:
        """Start a stopped guest."""
        guest = self.guests[vmid]
        if guest.template:
            raise ValueError("a template cannot be started")
        if self.running_since(guest, self.now()) is None:
            guest.runs.append((self.now(), True))

    def stop_guest(self, vmid: int) -> None:
        """Stop a running guest."""
        guest = self.guests[vmid]
        if self.running_since(guest, self.now()) is not None:
            guest.runs.append((self.now(), False))

    def set_quorate(self, quorate: bool) -> None:
        """Lose or regain quorum."""
        self.quorate = quorate

    def set_node_online(self, node: str, online: bool) -> None:
        """Take a node off the network (its guests keep their last values) or bring it back."""
        entry = self.nodes[node]
        if online:
            entry.offline_since = None
        elif entry.offline_since is None:
            entry.offline_since = self.now()

    def add_backup_task(
        self,
        node: str,
        vmid: int | None,
        ok: bool,
        when: float,
        *,
        duration: float = 120.0,
        running: bool = False,
        status: str | None = None,
        user: str = "root@pam",
        vmids: Iterable[int] = (),
        storage: str | None = None,
    ) -> Task:
        """Record a vzdump task on ``node`` started at epoch ``when`` (``vmid`` None: a multi-guest job).

        A multi-guest job backs up ``vmids`` one after the other. ``storage`` defaults to the storage of
        the first enabled job covering the guest (else the node's first storage for backups). A finished
        successful task (``OK`` or ``WARNINGS``) leaves one backup volume per guest there.
        """
        task_id = "" if vmid is None else str(vmid)
        final = None if running else status or ("OK" if ok else "job errors")
        covered = (vmid,) if vmid is not None else tuple(vmids)
        task = self.add_task(node, "vzdump", task_id, when, duration=duration, status=final, user=user)
        task.vmids = () if vmid is not None else covered
        task.storage = storage or self.default_backup_storage(node, covered[0] if covered else None)
        if task.storage is not None and final is not None and (final == "OK" or final.startswith("WARNINGS")):
            for index, guest_id in enumerate(covered):
                self._add_volume(task, guest_id, when + index * duration / len(covered))
        return task

    def default_backup_storage(self, node: str, vmid: int | None) -> str | None:
        """Where a backup of ``vmid`` on ``node`` goes when nothing says otherwise."""
        guest = self.guests.get(vmid) if vmid is not None else None
        for job in self.backup_jobs:
            if job.enabled and (guest is None or self.job_covers(job, guest)):
                return job.storage
        storage = next((s for s in self.storages.values() if "backup" in s.content and s.on_node(node)), None)
        return storage.sid if storage is not None else None

    def _add_volume(self, task: Task, vmid: int, ctime: float) -> None:
        guest = self.guests.get(vmid)
        if guest is None or task.storage is None:
            return
        packed = guest.maxdisk * guest.disk_fraction * (0.35 + 0.2 * unit(self.seed, guest.key, int(ctime)))
        self.backup_volumes.append(
            BackupVolume(
                storage=task.storage,
                node=task.node,
                vmid=vmid,
                type=guest.type,
                ctime=float(int(ctime)),
                size=int(packed),
                notes=guest.name,
            )
        )

    def volumes_on(self, storage: StorageDef, node: str) -> list[BackupVolume]:
        """Backup volumes of ``storage`` as ``node`` sees it (a local storage: only the ones made there)."""
        return sorted(
            (
                volume
                for volume in self.backup_volumes
                if volume.storage == storage.sid and (storage.shared or volume.node == node)
            ),
            key=lambda volume: volume.volid,
        )

    def add_task(
        self,
        node: str,
        task_type: str,
        task_id: str,
        when: float,
        *,
        duration: float = 1.0,
        status: str | None = "OK",
        user: str = "root@pam",
    ) -> Task:
        """Record a task; ``status`` None means still running."""
        entry = self.nodes[node]
        pid = 1000 + int(unit(self.seed, key_of("pid", node, task_type, task_id), int(when)) * 4_000_000)
        task = Task(
            node=node,
            type=task_type,
            id=task_id,
            user=user,
            starttime=when,
            pid=pid,
            pstart=max(0, int((when - entry.booted_at) * 100)) & 0xFFFFFFFF,
        )
        if status is not None:
            task.endtime = when + duration
            task.status = status
        self.tasks.append(task)
        return task

    # ------------------------------------------------------------- queries
    def node_offline(self, node: str) -> bool:
        """Whether ``node`` is offline now."""
        return self.nodes[node].offline_since is not None

    def frozen_time(self, guest: Guest, t: float) -> float:
        """Sample time of a guest: at the latest, the last broadcast before its node went offline."""
        since = self.nodes[guest.node].offline_since
        return t if since is None else min(t, floor_to(since, SNAPSHOT_PERIOD))

    def running_since(self, guest: Guest, t: float) -> float | None:
        """Start time of the run the guest is in at ``t``, or None when it is stopped."""
        start: float | None = None
        for when, running in guest.runs:
            if when > t:
                break
            start = when if running else None
        if start is None or self.churn <= 0 or guest.template:
            return start
        period = math.floor(t / CHURN_PERIOD)
        if self._churn_down(guest, period):
            return None
        # walk back to the end of the last down period within this run
        low = math.floor(start / CHURN_PERIOD)
        for back in range(period - 1, max(low, period - 500) - 1, -1):
            if self._churn_down(guest, back):
                return max(start, float((back + 1) * CHURN_PERIOD))
        return start

    def _churn_down(self, guest: Guest, period: int) -> bool:
        return unit(self.seed, guest.key ^ 0xC4E2, period) < self.churn

    def guests_on(self, node: str) -> list[Guest]:
        """Guests configured on ``node``, by VMID."""
        return sorted((g for g in self.guests.values() if g.node == node), key=lambda g: g.vmid)

    def job_covers(self, job: BackupJob, guest: Guest) -> bool:
        """Whether a backup job includes ``guest``."""
        if job.node is not None and guest.node != job.node:
            return False
        if job.all:
            return guest.vmid not in job.exclude
        if job.pool is not None:
            return guest.pool == job.pool
        return guest.vmid in job.vmids

    def not_backed_up(self) -> list[Guest]:
        """Guests no enabled job covers, by VMID."""
        jobs = [job for job in self.backup_jobs if job.enabled]
        return [
            guest
            for guest in sorted(self.guests.values(), key=lambda g: g.vmid)
            if not any(self.job_covers(job, guest) for job in jobs)
        ]

    @staticmethod
    def next_run(job: BackupJob, t: float) -> int:
        """Next epoch at which the job's ``HH:MM`` (UTC) schedule fires after ``t``."""
        hours, minutes = (int(part) for part in job.schedule.split(":"))
        at = math.floor(t / _DAY) * _DAY + hours * 3600 + minutes * 60
        return int(at if at > t else at + _DAY)

    # ------------------------------------------------------------- history
    def _generate_history(self, plan: HistoryPlan) -> None:
        now = self.now()
        for job in (job for job in self.backup_jobs if job.enabled):
            last = self.next_run(job, now) - _DAY
            guests = [
                g for g in sorted(self.guests.values(), key=lambda g: g.vmid) if self.job_covers(job, g)
            ]
            for day in range(plan.days):
                self._job_run(plan, job, guests, last - day * _DAY, recent=day == 0)
        if plan.job_task_days_ago is not None and self.backup_jobs:
            job = self.backup_jobs[0]
            when = self.next_run(job, now) - (plan.job_task_days_ago + 1) * _DAY + 3600
            covered = [g.vmid for g in self.guests_on(self.local_node) if self.job_covers(job, g)]
            self.add_backup_task(
                self.local_node, None, True, when, duration=900, vmids=covered, storage=job.storage
            )

    def _job_run(
        self, plan: HistoryPlan, job: BackupJob, guests: Iterable[Guest], run: float, *, recent: bool
    ) -> None:
        now = self.now()
        slot: dict[str, int] = {}
        for guest in guests:
            index = slot.get(guest.node, 0)
            slot[guest.node] = index + 1
            start = run + index * 150
            duration = 60 + int(unit(self.seed, guest.key, int(run)) * 80)
            if start > now:
                continue
            status = "OK"
            if recent and guest.vmid in plan.failed:
                status = plan.failed[guest.vmid]
            elif recent and guest.vmid in plan.warnings:
                status = "WARNINGS: 1"
            self.add_backup_task(
                guest.node,
                guest.vmid,
                status == "OK",
                start,
                duration=duration,
                running=start + duration > now,
                status=status,
                storage=job.storage,
            )


def _fake_fingerprint(name: str) -> str:
    raw = key_of("fp", name).to_bytes(8, "big") * 4
    return ":".join(f"{byte:02X}" for byte in raw)
