"""``PveClient``: the read methods of the Proxmox VE API the integration uses.

Every method takes a keyword ``timeout`` (seconds; default: the constructor's) and returns typed models
from :mod:`.models`, or raises a :class:`~.errors.PveError` subclass; nothing else escapes except
``ValueError`` for invalid *arguments* (a programming error) and ``asyncio.CancelledError``.
"""

# ruff: noqa: ASYNC109 - a per-request `timeout` argument is part of the client's contract (docs/interfaces.md)

from __future__ import annotations

import math
import ssl
from typing import Literal

import aiohttp
from yarl import URL

from .auth import Authenticator, PasswordAuth, TokenAuth, create_authenticator
from .errors import PveAuthenticationError
from .models import (
    BackupJob,
    BackupVolume,
    ClusterResource,
    ClusterStatus,
    Guest,
    GuestType,
    HaResourceStatus,
    NodeListEntry,
    NodeStatus,
    NotBackedUp,
    Permissions,
    Storage,
    Task,
    Version,
)
from .parsing import (
    GUEST_TYPES,
    parse_backup_jobs,
    parse_backup_volumes,
    parse_cluster_resources,
    parse_cluster_status,
    parse_guest_status,
    parse_guests,
    parse_ha_status,
    parse_node_status,
    parse_nodes,
    parse_not_backed_up,
    parse_permissions,
    parse_storages,
    parse_tasks,
    parse_version,
)
from .tls import build_ssl_param, normalize_fingerprint
from .transport import Params, Transport, api_path

DEFAULT_PORT = 8006
DEFAULT_TIMEOUT = 10.0

type ResourceType = Literal["vm", "storage", "node", "sdn"]
type TaskSource = Literal["archive", "active", "all"]


class PveClient:
    """An async client for one Proxmox VE host (any node of a cluster answers for the whole cluster)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        host: str,
        auth: TokenAuth | PasswordAuth,
        port: int = DEFAULT_PORT,
        verify_ssl: bool = True,
        fingerprint: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        scheme: str = "https",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Configure the client; no I/O happens here.

        ``fingerprint`` pins the server certificate (any spelling :func:`normalize_fingerprint` accepts)
        and then replaces CA verification whatever ``verify_ssl`` says. Raises ``ValueError`` for an
        invalid fingerprint, host, port, scheme or timeout.
        """
        self._fingerprint = normalize_fingerprint(fingerprint) if fingerprint is not None else None
        self._timeout = self._checked_timeout(timeout)
        self._auth: Authenticator = create_authenticator(auth)
        self._transport = Transport(
            session,
            scheme=scheme,
            host=host,
            port=port,
            ssl_param=build_ssl_param(
                verify_ssl=verify_ssl, fingerprint=self._fingerprint, ssl_context=ssl_context
            ),
            redact=self._auth.redact,
        )

    @property
    def base_url(self) -> URL:
        """``https://host:port/api2/json``."""
        return self._transport.base_url

    @property
    def fingerprint(self) -> str | None:
        """The pinned fingerprint, normalized, if any."""
        return self._fingerprint

    @staticmethod
    def _checked_timeout(timeout: float) -> float:
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout < math.inf:
            raise ValueError("timeout must be a positive number of seconds")
        return float(timeout)

    def _effective_timeout(self, timeout: float | None) -> float:
        return self._timeout if timeout is None else self._checked_timeout(timeout)

    async def _get(self, path: str, *, timeout: float | None, params: Params | None = None) -> object:
        """GET ``path`` with authentication: one silent re-login and retry after a 401 when possible."""
        seconds = self._effective_timeout(timeout)
        headers = await self._auth.headers(self._transport, method="GET", timeout=seconds)
        try:
            return await self._transport.request("GET", path, params=params, headers=headers, timeout=seconds)
        except PveAuthenticationError:
            if not await self._auth.recover(self._transport, headers, timeout=seconds):
                raise
        headers = await self._auth.headers(self._transport, method="GET", timeout=seconds)
        return await self._transport.request("GET", path, params=params, headers=headers, timeout=seconds)

    async def authenticate(self, *, timeout: float | None = None) -> None:
        """Check the credentials: a password obtains a ticket, a token reads ``/version``."""
        seconds = self._effective_timeout(timeout)
        if not await self._auth.login(self._transport, timeout=seconds):
            await self.get_version(timeout=seconds)

    async def get_version(self, *, timeout: float | None = None) -> Version:
        """``GET /version``."""
        return parse_version(await self._get("/version", timeout=timeout))

    async def get_nodes(self, *, timeout: float | None = None) -> list[NodeListEntry]:
        """``GET /nodes`` (pvestatd snapshot, ~10 s)."""
        return parse_nodes(await self._get("/nodes", timeout=timeout))

    async def get_node_status(self, node: str, *, timeout: float | None = None) -> NodeStatus:
        """``GET /nodes/{node}/status`` (live, proxied to the node)."""
        data = await self._get(api_path("nodes", node, "status"), timeout=timeout)
        return parse_node_status(data, node)

    async def get_cluster_resources(
        self, type: ResourceType | None = None, *, timeout: float | None = None
    ) -> list[ClusterResource]:
        """``GET /cluster/resources`` (optionally ``?type=vm|storage|node|sdn``)."""
        params: Params | None = {"type": type} if type is not None else None
        return parse_cluster_resources(await self._get("/cluster/resources", timeout=timeout, params=params))

    async def get_cluster_status(self, *, timeout: float | None = None) -> ClusterStatus:
        """``GET /cluster/status``."""
        return parse_cluster_status(await self._get("/cluster/status", timeout=timeout))

    async def get_qemu_guests(self, node: str, *, timeout: float | None = None) -> list[Guest]:
        """``GET /nodes/{node}/qemu`` (without ``full=1``: no QMP, cheap)."""
        data = await self._get(api_path("nodes", node, "qemu"), timeout=timeout)
        return parse_guests(data, node, "qemu")

    async def get_lxc_guests(self, node: str, *, timeout: float | None = None) -> list[Guest]:
        """``GET /nodes/{node}/lxc``."""
        data = await self._get(api_path("nodes", node, "lxc"), timeout=timeout)
        return parse_guests(data, node, "lxc")

    async def get_guest_status(
        self, node: str, guest_type: GuestType, vmid: int, *, timeout: float | None = None
    ) -> Guest:
        """``GET /nodes/{node}/{qemu|lxc}/{vmid}/status/current`` (expensive for QEMU: QMP queries)."""
        if guest_type not in GUEST_TYPES:
            raise ValueError("guest_type must be 'qemu' or 'lxc'")
        if isinstance(vmid, bool) or not isinstance(vmid, int) or vmid < 1:
            raise ValueError("vmid must be a positive integer")
        data = await self._get(
            api_path("nodes", node, guest_type, vmid, "status", "current"), timeout=timeout
        )
        return parse_guest_status(data, node, guest_type, vmid)

    async def get_storages(self, node: str, *, timeout: float | None = None) -> list[Storage]:
        """``GET /nodes/{node}/storage`` (~30 s cadence)."""
        data = await self._get(api_path("nodes", node, "storage"), timeout=timeout)
        return parse_storages(data, node)

    async def get_tasks(
        self,
        node: str,
        typefilter: str | None = "vzdump",
        since: int | None = None,
        limit: int = 50,
        *,
        source: TaskSource | None = None,
        timeout: float | None = None,
    ) -> list[Task]:
        """``GET /nodes/{node}/tasks``, newest first.

        ``source`` is the server's (default ``archive``: finished tasks; ``all`` adds running ones).
        """
        params: dict[str, str | int] = {"limit": limit}
        if typefilter is not None:
            params["typefilter"] = typefilter
        if since is not None:
            params["since"] = since
        if source is not None:
            params["source"] = source
        data = await self._get(api_path("nodes", node, "tasks"), timeout=timeout, params=params)
        return parse_tasks(data, node)

    async def get_backup_jobs(self, *, timeout: float | None = None) -> list[BackupJob]:
        """``GET /cluster/backup``."""
        return parse_backup_jobs(await self._get("/cluster/backup", timeout=timeout))

    async def get_backup_volumes(
        self, node: str, storage: str, *, timeout: float | None = None
    ) -> list[BackupVolume]:
        """``GET /nodes/{node}/storage/{storage}/content?content=backup`` (proxied to the node).

        Needs Datastore.Audit or Datastore.AllocateSpace on ``/storage/{storage}`` (else 403); each
        backup is then listed only with Datastore.AllocateSpace on the storage and VM.Backup on its
        guest, so a read-only user (PVEAuditor) gets an empty list, not an error.
        """
        path = api_path("nodes", node, "storage", storage, "content")
        data = await self._get(path, timeout=timeout, params={"content": "backup"})
        return parse_backup_volumes(data, node, storage)

    async def get_not_backed_up(self, *, timeout: float | None = None) -> list[NotBackedUp]:
        """``GET /cluster/backup-info/not-backed-up``: guests no enabled backup job covers."""
        return parse_not_backed_up(await self._get("/cluster/backup-info/not-backed-up", timeout=timeout))

    async def get_ha_status(self, *, timeout: float | None = None) -> list[HaResourceStatus]:
        """``GET /cluster/ha/status/current``."""
        return parse_ha_status(await self._get("/cluster/ha/status/current", timeout=timeout))

    async def get_permissions(self, path: str | None = None, *, timeout: float | None = None) -> Permissions:
        """``GET /access/permissions`` (optionally for one ``path`` only)."""
        params: Params | None = {"path": path} if path is not None else None
        return parse_permissions(await self._get("/access/permissions", timeout=timeout, params=params))
