"""The endpoint table: templates, methods, proxying, cost, and the handlers behind them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import re

from simulator import views_cluster, views_guests, views_nodes
from simulator.acl import Acl
from simulator.auth import Auth, Identity
from simulator.cluster import Cluster
from simulator.faults import Faults
from simulator.model import Guest
from simulator.responses import NO_ROUTE, ApiError


@dataclass(kw_only=True)
class Context:
    """Everything a handler needs for one request."""

    cluster: Cluster
    acl: Acl
    auth: Auth
    faults: Faults
    params: Mapping[str, str]
    match: Mapping[str, str]
    identity: Identity | None
    t: float
    fingerprint: str

    def allowed(self, path: str, privilege: str) -> bool:
        """Whether the caller holds ``privilege`` on ``path``."""
        return self.acl.allowed(path, privilege)

    def require(self, path: str, privilege: str) -> None:
        """403 unless the caller holds ``privilege`` on ``path``."""
        if not self.allowed(path, privilege):
            raise ApiError(403, f"Permission check failed ({path}, {privilege})")

    def integer(self, name: str, value: str | None = None) -> int | None:
        """An integer parameter (400 like PVE's schema check when it is not one)."""
        raw = value if value is not None else self.params.get(name)
        if raw is None:
            return None
        try:
            return int(raw)
        except ValueError:
            raise ApiError(
                400, "Parameter verification failed.", {name: f"type check ('integer') failed - got '{raw}'"}
            ) from None

    def guest(self, kind: str) -> Guest:
        """The guest named by ``{vmid}`` on ``{node}`` (500 "Configuration file ... does not exist")."""
        vmid = self.integer("vmid", self.match["vmid"])
        node = self.match["node"]
        assert vmid is not None
        self.require(f"/vms/{vmid}", "VM.Audit")
        guest = self.cluster.guests.get(vmid)
        if guest is None or guest.node != node or guest.type != kind:
            folder = "qemu-server" if kind == "qemu" else "lxc"
            raise ApiError(500, f"Configuration file 'nodes/{node}/{folder}/{vmid}.conf' does not exist")
        return guest


type Handler = Callable[[Context], object]


@dataclass(frozen=True)
class Route:
    """One endpoint: ``template`` is the counter key."""

    method: str
    template: str
    handler: Handler
    latency: tuple[float, float]  # seconds, min and max
    proxied: bool = False  # proxied to {node}: 500 for an unknown node, 595 for an offline one
    public: bool = False  # no authentication needed

    @property
    def pattern(self) -> re.Pattern[str]:
        """The template as a regular expression with named groups."""
        return _compile(self.template)


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compile(template: str) -> re.Pattern[str]:
    if template not in _PATTERNS:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        _PATTERNS[template] = re.compile(f"^{regex}$")
    return _PATTERNS[template]


def check_node(cluster: Cluster, node: str) -> None:
    """The proxy step of a ``proxyto`` endpoint."""
    if node not in cluster.nodes:
        raise ApiError(
            500,
            f"hostname lookup '{node}' failed - failed to get address info for: {node}: "
            "Name or service not known",
        )
    if cluster.node_offline(node):
        raise ApiError(595, NO_ROUTE)


# ----------------------------------------------------------------- handlers
def _version(ctx: Context) -> object:
    return views_nodes.version(ctx.cluster)


def _nodes(ctx: Context) -> object:
    return views_nodes.nodes(ctx.cluster, ctx.t, ctx.allowed, ctx.fingerprint)


def _node_status(ctx: Context) -> object:
    node = ctx.match["node"]
    ctx.require(f"/nodes/{node}", "Sys.Audit")
    return views_nodes.node_status(ctx.cluster, ctx.cluster.nodes[node], ctx.t)


def _glitch(ctx: Context, entries: list[dict[str, object]]) -> list[dict[str, object]]:
    zero = ctx.faults.take_cpu_glitch([int(str(entry["vmid"])) for entry in entries])
    for entry in entries:
        if int(str(entry["vmid"])) in zero:
            entry["cpu"] = 0
    return entries


def _guest_list(kind: str) -> Handler:
    def handler(ctx: Context) -> object:
        full = ctx.params.get("full") in ("1", "true") and kind == "qemu"
        entries = views_guests.guest_list(ctx.cluster, ctx.match["node"], kind, ctx.t, full=full)
        visible = [entry for entry in entries if ctx.allowed(f"/vms/{entry['vmid']}", "VM.Audit")]
        return _glitch(ctx, visible)

    return handler


def _status_current(kind: str) -> Handler:
    def handler(ctx: Context) -> object:
        guest = ctx.guest(kind)
        return _glitch(ctx, [views_guests.status_current(ctx.cluster, guest, ctx.t)])[0]

    return handler


def _power(kind: str, action: str) -> Handler:
    prefix = "qm" if kind == "qemu" else "vz"

    def handler(ctx: Context) -> object:
        guest = ctx.guest(kind)
        ctx.require(f"/vms/{guest.vmid}", "VM.PowerMgmt")
        if action == "start":
            ctx.cluster.start_guest(guest.vmid)
        else:
            ctx.cluster.stop_guest(guest.vmid)
        user = ctx.identity.username if ctx.identity else "root@pam"
        return ctx.cluster.add_task(guest.node, f"{prefix}{action}", str(guest.vmid), ctx.t, user=user).upid

    return handler


def _storage(ctx: Context) -> object:
    return views_nodes.storages(ctx.cluster, ctx.match["node"], ctx.t, ctx.allowed)


#: pve-storage-content
_CONTENT_TYPES = ("images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import")


def _storage_content(ctx: Context) -> object:
    node, sid = ctx.match["node"], ctx.match["storage"]
    content = ctx.params.get("content")
    if content is not None and content not in _CONTENT_TYPES:
        raise ApiError(400, "Parameter verification failed.", {"content": f"invalid format - '{content}'"})
    vmid = ctx.integer("vmid")
    path = f"/storage/{sid}"
    if not (ctx.allowed(path, "Datastore.Audit") or ctx.allowed(path, "Datastore.AllocateSpace")):
        raise ApiError(403, f"Permission check failed ({path}, Datastore.Audit|Datastore.AllocateSpace)")
    storage = ctx.cluster.storages.get(sid)
    if storage is None:
        raise ApiError(500, f"storage '{sid}' does not exist")
    if not storage.on_node(node):
        raise ApiError(500, f"storage '{sid}' is not available on node '{node}'")
    if not storage.enabled:
        raise ApiError(500, f"storage '{sid}' is disabled")
    if not storage.active:
        raise ApiError(500, f"storage '{sid}' is not online")
    if content not in (None, "backup") or "backup" not in storage.content:
        return []  # only backups are modelled
    volumes = views_nodes.backup_volumes(ctx.cluster, storage, node, ctx.allowed)
    return [entry for entry in volumes if vmid is None or entry["vmid"] == vmid]


def _tasks(ctx: Context) -> object:
    node = ctx.match["node"]
    for name in ("since", "until", "limit", "start", "vmid"):
        ctx.integer(name)
    if ctx.params.get("source", "archive") not in ("archive", "active", "all"):
        raise ApiError(
            400,
            "Parameter verification failed.",
            {"source": "value does not have a value in the enumeration"},
        )
    return views_cluster.tasks(ctx.cluster, node, ctx.params, ctx.allowed(f"/nodes/{node}", "Sys.Audit"))


_RESOURCE_TYPES = ("vm", "storage", "node", "sdn")


def _resources(ctx: Context) -> object:
    kind = ctx.params.get("type")
    if kind is not None and kind not in _RESOURCE_TYPES:
        message = f"value '{kind}' does not have a value in the enumeration '{', '.join(_RESOURCE_TYPES)}'"
        raise ApiError(400, "Parameter verification failed.", {"type": message})
    if kind == "sdn":
        return []
    return views_cluster.resources(ctx.cluster, ctx.t, ctx.allowed, kind)


def _audited(build: Callable[[Context], object]) -> Handler:
    def handler(ctx: Context) -> object:
        ctx.require("/", "Sys.Audit")
        return build(ctx)

    return handler


def _permissions(ctx: Context) -> object:
    return ctx.acl.dump(ctx.params.get("path"))


def _ticket_dummy(ctx: Context) -> object:
    return None


def _login(ctx: Context) -> object:
    missing = {
        name: "property is missing and it is not optional"
        for name in ("username", "password")
        if name not in ctx.params
    }
    if missing:
        raise ApiError(400, "Parameter verification failed.", missing)
    username = ctx.params["username"]
    if "@" not in username and "realm" in ctx.params:
        username = f"{username}@{ctx.params['realm']}"
    if not ctx.auth.login(username, ctx.params["password"]):
        raise ApiError(401, "authentication failure")
    ticket, csrf = ctx.auth.issue_ticket()
    data: dict[str, object] = {"username": username, "ticket": ticket, "CSRFPreventionToken": csrf}
    if ctx.cluster.name is not None:
        data["clustername"] = ctx.cluster.name
    return data


_LIST = (0.003, 0.005)
_CHEAP = (0.001, 0.002)

ROUTES: tuple[Route, ...] = (
    Route("GET", "/version", _version, _CHEAP),
    Route("GET", "/nodes", _nodes, (0.002, 0.004)),
    Route("GET", "/nodes/{node}/status", _node_status, _LIST, proxied=True),
    Route("GET", "/nodes/{node}/qemu", _guest_list("qemu"), _LIST, proxied=True),
    Route("GET", "/nodes/{node}/lxc", _guest_list("lxc"), _LIST, proxied=True),
    Route(
        "GET",
        "/nodes/{node}/qemu/{vmid}/status/current",
        _status_current("qemu"),
        (0.025, 0.060),
        proxied=True,
    ),
    Route(
        "GET", "/nodes/{node}/lxc/{vmid}/status/current", _status_current("lxc"), (0.005, 0.015), proxied=True
    ),
    Route("GET", "/nodes/{node}/storage", _storage, (0.010, 0.020), proxied=True),
    Route("GET", "/nodes/{node}/storage/{storage}/content", _storage_content, (0.010, 0.030), proxied=True),
    Route("GET", "/nodes/{node}/tasks", _tasks, _LIST, proxied=True),
    Route("GET", "/cluster/resources", _resources, (0.004, 0.006)),
    Route("GET", "/cluster/status", _audited(lambda ctx: views_nodes.cluster_status(ctx.cluster)), _CHEAP),
    Route(
        "GET", "/cluster/backup", _audited(lambda ctx: views_cluster.backup_jobs(ctx.cluster, ctx.t)), _CHEAP
    ),
    Route(
        "GET",
        "/cluster/backup-info/not-backed-up",
        _audited(lambda ctx: views_cluster.not_backed_up(ctx.cluster)),
        _LIST,
    ),
    Route(
        "GET",
        "/cluster/ha/status/current",
        _audited(lambda ctx: views_cluster.ha_status(ctx.cluster, ctx.t)),
        _CHEAP,
    ),
    Route("GET", "/access/permissions", _permissions, _CHEAP),
    Route("GET", "/access/ticket", _ticket_dummy, _CHEAP, public=True),
    Route("POST", "/access/ticket", _login, (0.020, 0.040), public=True),
    *(
        Route(
            "POST",
            f"/nodes/{{node}}/{kind}/{{vmid}}/status/{action}",
            _power(kind, action),
            _LIST,
            proxied=True,
        )
        for kind in ("qemu", "lxc")
        for action in ("start", "stop", "shutdown")
    ),
)


def find(method: str, rel_path: str) -> tuple[Route | None, dict[str, str]]:
    """The route for a request; a known path with another method yields None (501)."""
    for route in ROUTES:
        found = route.pattern.match(rel_path)
        if found and route.method == method:
            return route, found.groupdict()
    return None, {}
