"""Input parsing and the connection test shared by the config, reauth and reconfigure flows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import ipaddress
import re
from typing import Any

from homeassistant.core import HomeAssistant

from .connection import create_client
from .const import (
    CONF_FINGERPRINT,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_TOKEN_ID,
    CONF_TOKEN_SECRET,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    LOGGER,
)
from .pve.errors import (
    PveAuthenticationError,
    PveConnectionError,
    PveError,
    PveNodeUnreachableError,
    PvePermissionError,
    PveTlsError,
    PveTwoFactorRequiredError,
)
from .pve.models import ClusterStatus, Permissions
from .pve.tls import fetch_fingerprint

FLOW_TIMEOUT = 10.0

# Proxmox VE's own formats (pve-access-control): "user@realm" and a token name.
_USERID = re.compile(r"[^\s:/@!]+@[A-Za-z][A-Za-z0-9._-]+")
_TOKEN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]+")
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")

# Without these the integration cannot work: the flow stops and names what is missing.
REQUIRED_PRIVILEGES: tuple[tuple[str, str], ...] = (
    ("/", "Sys.Audit"),  # cluster status, HA state, backup jobs
    ("/nodes", "Sys.Audit"),  # node status and the vzdump task history
    ("/vms", "VM.Audit"),  # guests
    ("/storage", "Datastore.Audit"),  # storage usage
)
# Optional features: named as warnings, the entry is still created.
OPTIONAL_PRIVILEGES: dict[str, tuple[tuple[str, str], ...]] = {
    # Proxmox VE lists backup volumes only with both; the backups tier reads them for [last_backup]
    "Last backup of guests in scheduled backup jobs (backup volumes)": (
        ("/storage", "Datastore.AllocateSpace"),
        ("/vms", "VM.Backup"),
    ),
}


def _privilege_text(path: str, privilege: str) -> str:
    return f"{privilege} on {path}"


def normalize_host(value: str) -> str | None:
    """A hostname, IPv4 or IPv6 address (brackets allowed), or None when ``value`` is anything else."""
    host = value.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        try:
            address = ipaddress.IPv6Address(host)
        except ValueError:
            return None
        return None if address.scope_id else str(address)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return None if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id else str(ip)
    name = host.removesuffix(".")
    labels = name.split(".")
    if (
        not name
        or len(name) > 253
        or labels[-1].isdigit()  # "192.168.1.300" is no hostname
        or not all(_HOST_LABEL.fullmatch(label) for label in labels)
    ):
        return None
    return name


def _normalize_token_id(value: str, username: str) -> tuple[str, bool]:
    """The token name from ``value`` (``name`` or ``user@realm!name``) and whether it is valid."""
    token_id = value.strip()
    if "!" in token_id:
        owner, _, token_id = token_id.partition("!")
        if owner != username:
            return token_id, False
    return token_id, _TOKEN_NAME.fullmatch(token_id) is not None


def parse_credentials(user_input: Mapping[str, Any], username: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Token or password credentials from a form, and the form errors.

    A token (id and secret) wins over a password; only the credentials in use are returned.
    """
    token_id = str(user_input.get(CONF_TOKEN_ID) or "").strip()
    secret = str(user_input.get(CONF_TOKEN_SECRET) or "").strip()
    password = str(user_input.get(CONF_PASSWORD) or "")
    if token_id or secret:
        if not token_id:
            return {}, {CONF_TOKEN_ID: "missing_token_id"}
        if not secret:
            return {}, {CONF_TOKEN_SECRET: "missing_token_secret"}
        token_id, valid = _normalize_token_id(token_id, username)
        if not valid:
            return {}, {CONF_TOKEN_ID: "invalid_token_id"}
        return {CONF_TOKEN_ID: token_id, CONF_TOKEN_SECRET: secret}, {}
    if password:
        return {CONF_PASSWORD: password}, {}
    return {}, {"base": "missing_credentials"}


def parse_host_port(user_input: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Host and port from a form, and the form errors."""
    errors: dict[str, str] = {}
    host = normalize_host(str(user_input.get(CONF_HOST, "")))
    if host is None:
        errors[CONF_HOST] = "invalid_host"
    raw_port = user_input.get(CONF_PORT)
    port = int(raw_port) if isinstance(raw_port, int | float) and raw_port == int(raw_port) else 0
    if not 1 <= port <= 65535:
        errors[CONF_PORT] = "invalid_port"
    return {CONF_HOST: host, CONF_PORT: port}, errors


def parse_user_input(user_input: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Entry data (without the TLS mode) from the user form, and the form errors."""
    data, errors = parse_host_port(user_input)
    username = str(user_input.get(CONF_USERNAME, "")).strip()
    token_id = str(user_input.get(CONF_TOKEN_ID) or "").strip()
    if "!" in username:  # a full token id "user@realm!name" pasted into the username field
        username, _, pasted = username.partition("!")
        if not token_id:
            token_id = pasted
        elif _normalize_token_id(token_id, username)[0] != pasted:
            errors[CONF_TOKEN_ID] = "invalid_token_id"
    if not _USERID.fullmatch(username):
        errors[CONF_USERNAME] = "invalid_username"
    credentials, credential_errors = parse_credentials({**user_input, CONF_TOKEN_ID: token_id}, username)
    errors = {**credential_errors, **errors}
    return {**data, CONF_USERNAME: username, **credentials}, errors


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerInfo:
    """What the connection test learned: the cluster's identity and the optional features not permitted."""

    unique_id: str
    title: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeResult:
    """Outcome of a connection test: ``info`` on success, else an ``error`` key for the form.

    ``untrusted_fingerprint`` is set when a CA-verified connection failed on the certificate:
    the flow can offer to pin that fingerprint.
    """

    info: ServerInfo | None = None
    error: str | None = None
    placeholders: dict[str, str] = field(default_factory=dict)
    untrusted_fingerprint: str | None = None


class MissingPrivilegesError(Exception):
    """Required privileges are missing; ``missing`` names each as "privilege on path"."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def server_identity(status: ClusterStatus) -> str:
    """The cluster name, or the node name of a standalone host."""
    if status.name:
        return status.name
    local = [node for node in status.nodes if node.local] or list(status.nodes)
    if not local:
        raise PveError("The cluster status names neither a cluster nor a node")
    return local[0].name


def check_permissions(permissions: Permissions) -> tuple[str, ...]:
    """Raise when a required privilege is missing; return the warnings for optional features."""
    missing = [
        _privilege_text(path, privilege)
        for path, privilege in REQUIRED_PRIVILEGES
        if not permissions.has(path, privilege)
    ]
    if missing:
        raise MissingPrivilegesError(missing)
    warnings: list[str] = []
    for feature, needed in OPTIONAL_PRIVILEGES.items():
        absent = [_privilege_text(path, priv) for path, priv in needed if not permissions.has(path, priv)]
        if absent:
            warnings.append(f"{feature}: {', '.join(absent)}")
    return tuple(warnings)


def tls_is_verified(data: Mapping[str, Any]) -> bool:
    """Whether ``data`` asks for a CA-verified connection (no pin, verification on)."""
    return bool(data.get(CONF_VERIFY_SSL, True)) and not data.get(CONF_FINGERPRINT)


async def _async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> ServerInfo:
    client = create_client(hass, data, timeout=FLOW_TIMEOUT)
    await client.authenticate()
    warnings = check_permissions(await client.get_permissions())
    name = server_identity(await client.get_cluster_status())
    return ServerInfo(unique_id=name, title=name, warnings=warnings)


async def _async_untrusted(data: Mapping[str, Any], err: PveTlsError) -> ProbeResult:
    """Verified TLS failed: find the certificate's fingerprint so the user can pin it."""
    fingerprint = err.fingerprint
    if fingerprint is None:
        try:
            fingerprint = await fetch_fingerprint(data[CONF_HOST], data[CONF_PORT], timeout=FLOW_TIMEOUT)
        except PveError:
            LOGGER.debug("No certificate fingerprint from %s:%s", data[CONF_HOST], data[CONF_PORT])
            return ProbeResult(error="ssl_error")
    return ProbeResult(untrusted_fingerprint=fingerprint)


async def async_test_connection(hass: HomeAssistant, data: Mapping[str, Any]) -> ProbeResult:
    """Connect with ``data``, sign in, read the identity and check the privileges."""
    placeholders: dict[str, str] = {}
    try:
        return ProbeResult(info=await _async_probe(hass, data))
    except PveTlsError as err:
        if tls_is_verified(data):
            return await _async_untrusted(data, err)
        error = "ssl_error"
    except PveTwoFactorRequiredError:
        error = "two_factor_required"
    except PveAuthenticationError:
        error = "invalid_auth"
    except MissingPrivilegesError as err:
        error, placeholders = "insufficient_permissions", {"missing": ", ".join(err.missing)}
    except PvePermissionError as err:
        error = "insufficient_permissions"
        placeholders = {
            "missing": _privilege_text(err.path, err.privilege)
            if err.path and err.privilege
            else "the privileges of the PVEAuditor role on /"
        }
    except PveConnectionError, PveNodeUnreachableError:
        error = "cannot_connect"
    except Exception:  # noqa: BLE001 - the flow must answer "unknown", never crash
        LOGGER.exception("Unexpected error while testing the connection to %s", data[CONF_HOST])
        error = "unknown"
    return ProbeResult(error=error, placeholders=placeholders)
