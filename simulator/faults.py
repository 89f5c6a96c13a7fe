"""Fault injection (``sim.faults``): HTTP-level faults by path regex, plus model and auth faults."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import math
import re
from typing import Literal, get_args

from simulator.acl import Acl
from simulator.auth import Auth
from simulator.cluster import Cluster

type FaultKind = Literal[
    "http_error", "hang", "malformed_json", "html_error", "reset", "wrong_types", "missing_fields"
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind.__value__)

#: fields ``missing_fields`` removes wherever they occur
DROPPED_FIELDS = frozenset(
    {
        "vmid",
        "node",
        "status",
        "cpu",
        "mem",
        "maxmem",
        "memory",
        "loadavg",
        "rootfs",
        "uptime",
        "type",
        "storage",
        "total",
        "used",
        "upid",
        "starttime",
        "id",
        "name",
        "quorate",
        "version",
        "release",
        "ticket",
        "CSRFPreventionToken",
        "next-run",
    }
)


@dataclass
class Fault:
    """One HTTP-level fault; ``count`` None fires forever."""

    pattern: re.Pattern[str]
    kind: FaultKind
    status: int = 500
    count: int | None = None
    message: str | None = None
    hits: int = 0


class Faults:
    """Everything that can go wrong, switchable from test code."""

    def __init__(self, cluster: Cluster, auth: Auth, acl: Acl) -> None:
        self._cluster = cluster
        self._auth = auth
        self._acl = acl
        self._faults: list[Fault] = []
        self._release: asyncio.Event | None = None
        self._cpu_glitches: dict[int | None, int | None] = {}

    # ------------------------------------------------------- HTTP faults
    def add(
        self,
        path_regex: str,
        kind: FaultKind,
        *,
        status: int = 500,
        count: int | None = None,
        message: str | None = None,
    ) -> Fault:
        """Inject ``kind`` on requests whose path (with or without ``/api2/json``) matches ``path_regex``.

        ``count`` counts requests the server sees. Note that aiohttp's ``ClientSession`` silently retries
        an idempotent request (GET) once after a connection reset, so ``reset`` needs ``count=2`` to make
        one GET fail for an aiohttp client.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(re.compile(path_regex), kind, status=status, count=count, message=message)
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every HTTP fault and CPU glitch, and let hanging requests answer."""
        self._faults.clear()
        self._cpu_glitches.clear()
        self.release()

    def release(self) -> None:
        """Let every hanging request continue."""
        if self._release is not None:
            self._release.set()
            self._release = None

    async def hang(self) -> None:
        """Block until :meth:`clear` (or the simulator stops, or the client gives up)."""
        if self._release is None:
            self._release = asyncio.Event()
        await self._release.wait()

    def match(self, rel_path: str, full_path: str) -> Fault | None:
        """The first active fault for a request, consuming one of its ``count``."""
        for fault in self._faults:
            if fault.pattern.search(rel_path) or fault.pattern.search(full_path):
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    @property
    def active(self) -> list[Fault]:
        """HTTP faults still armed."""
        return list(self._faults)

    # ------------------------------------------------------ model faults
    def node_offline(self, node: str) -> None:
        """Take ``node`` off the network (595 when proxied to, offline in lists)."""
        self._cluster.set_node_online(node, False)

    def node_online(self, node: str) -> None:
        """Bring ``node`` back."""
        self._cluster.set_node_online(node, True)

    def quorum_lost(self) -> None:
        """The cluster loses quorum."""
        self._cluster.set_quorate(False)

    def quorum_restored(self) -> None:
        """The cluster regains quorum."""
        self._cluster.set_quorate(True)

    def guest_cpu_glitch(self, vmid: int | None = None, *, count: int | None = 1) -> None:
        """The next ``count`` live answers (lists, status/current) report cpu 0 for ``vmid`` (None: all)."""
        self._cpu_glitches[vmid] = count

    def take_cpu_glitch(self, vmids: list[int]) -> set[int]:
        """VMIDs of this answer whose cpu must read 0 (consumes one glitch per armed entry)."""
        hit: set[int] = set()
        for target, remaining in list(self._cpu_glitches.items()):
            matched = set(vmids) if target is None else {target} & set(vmids)
            if not matched:
                continue
            hit |= matched
            if remaining is not None:
                if remaining <= 1:
                    del self._cpu_glitches[target]
                else:
                    self._cpu_glitches[target] = remaining - 1
        return hit

    # ------------------------------------------------------- auth faults
    def revoke_token(self) -> None:
        """The API token is deleted: every token request answers 401."""
        self._auth.token_revoked = True

    def restore_token(self) -> None:
        """The API token works again."""
        self._auth.token_revoked = False

    def expire_tickets(self) -> None:
        """Every ticket issued so far becomes invalid."""
        self._auth.expire_tickets()

    def remove_privilege(self, path: str, privilege: str) -> None:
        """Revoke ``privilege`` on ``path`` and below."""
        self._acl.revoke(path, privilege)

    def grant_privilege(self, path: str, privilege: str) -> None:
        """Grant ``privilege`` on ``path`` and below."""
        self._acl.grant(path, privilege)


def corrupt_types(data: object, _state: list[int] | None = None) -> object:
    """Replace every number with, in turn, ``"fake"``, null, a negative value and NaN."""
    state = _state if _state is not None else [0]
    if isinstance(data, dict):
        return {key: corrupt_types(value, state) for key, value in data.items()}
    if isinstance(data, list):
        return [corrupt_types(value, state) for value in data]
    if isinstance(data, bool) or not isinstance(data, int | float):
        if isinstance(data, str) and _numeric(data):
            return "fake"
        return data
    state[0] += 1
    return ("fake", None, -abs(data) - 1, math.nan)[(state[0] - 1) % 4]


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def drop_fields(data: object) -> object:
    """Remove :data:`DROPPED_FIELDS` wherever they occur."""
    if isinstance(data, dict):
        return {key: drop_fields(value) for key, value in data.items() if key not in DROPPED_FIELDS}
    if isinstance(data, list):
        return [drop_fields(value) for value in data]
    return data
