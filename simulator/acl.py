"""The simulated user's ACL: privileges per path, most specific path wins."""

from __future__ import annotations

#: privileges of the built-in PVEAuditor role that matter for monitoring
PVE_AUDITOR = ("Datastore.Audit", "Pool.Audit", "SDN.Audit", "Sys.Audit", "VM.Audit")
_BASE_PATHS = ("/", "/access", "/nodes", "/pool", "/sdn", "/storage", "/vms")


def normalize(path: str) -> str:
    """``nodes/pve1/`` -> ``/nodes/pve1``."""
    return "/" + path.strip("/")


def _ancestry(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[:cut]) for cut in range(len(parts), -1, -1)]


class Acl:
    """Propagating grants and revocations per path (PVEAuditor on ``/`` by default)."""

    def __init__(self, privileges: tuple[str, ...] = PVE_AUDITOR) -> None:
        self._grants: dict[str, set[str]] = {"/": set(privileges)}
        self._revoked: dict[str, set[str]] = {}
        self._known: set[str] = set(privileges)

    def allowed(self, path: str, privilege: str) -> bool:
        """Whether ``privilege`` holds on ``path``: the most specific path that mentions it decides."""
        for level in _ancestry(normalize(path)):
            if privilege in self._revoked.get(level, ()):
                return False
            if privilege in self._grants.get(level, ()):
                return True
        return False

    def grant(self, path: str, privilege: str) -> None:
        """Grant ``privilege`` on ``path`` (propagating)."""
        path = normalize(path)
        self._revoked.get(path, set()).discard(privilege)
        self._grants.setdefault(path, set()).add(privilege)
        self._known.add(privilege)

    def revoke(self, path: str, privilege: str) -> None:
        """Remove ``privilege`` on ``path`` and below."""
        path = normalize(path)
        self._grants.get(path, set()).discard(privilege)
        self._revoked.setdefault(path, set()).add(privilege)

    def effective(self, path: str) -> dict[str, int]:
        """``{privilege: 1}`` for every privilege that holds on ``path`` (1 = propagated)."""
        return {priv: 1 for priv in sorted(self._known) if self.allowed(path, priv)}

    def dump(self, path: str | None = None) -> dict[str, dict[str, int]]:
        """``/access/permissions``: the effective privileges per path (or for one path)."""
        if path is not None:
            return {normalize(path): self.effective(path)}
        paths = sorted({*_BASE_PATHS, *self._grants, *self._revoked})
        return {level: self.effective(level) for level in paths}
