"""Interpret one HTTP answer of the Proxmox VE API: unwrap ``{"data": ...}`` or raise the matching error.

Pure functions (no I/O), so every status/body combination is testable on its own.

Status mapping: 401 -> authentication, 403 -> permission (path and privilege parsed from
``Permission check failed (/nodes/pve1, Sys.Audit)``), 595/596 -> node unreachable (node taken from the
request path), 500 naming an unknown node or guest -> not found, any other status >= 400 -> API error.
An HTML page (a reverse proxy's error page, a login portal) is never a Proxmox answer: invalid response.
Messages come from the JSON ``message`` (PVE 8.3+), else the HTTP reason phrase.
"""

from __future__ import annotations

from collections.abc import Callable
import json
import re
from urllib.parse import unquote

from .errors import (
    PveApiError,
    PveAuthenticationError,
    PveError,
    PveInvalidResponseError,
    PveNodeUnreachableError,
    PveNotFoundError,
    PvePermissionError,
)

type Redactor = Callable[[str], str]

_PERMISSION = re.compile(r"Permission check failed \((?P<path>/[^,()]*),\s*(?P<privilege>[^()]+?)\s*\)")
_NOT_FOUND = (
    re.compile(r"hostname lookup '[^']*' failed"),
    re.compile(r"Configuration file '[^']*' does not exist"),
    re.compile(r"no such cluster node '[^']*'", re.IGNORECASE),
)
_NODE_IN_PATH = re.compile(r"^/nodes/(?P<node>[^/]+)")
_MAX_MESSAGE = 500


def _no_redaction(text: str) -> str:
    return text


def decode_json(body: bytes) -> object:
    """Parse a body as JSON, or raise :class:`PveInvalidResponseError`."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as err:  # JSONDecodeError, UnicodeDecodeError, too deep
        raise PveInvalidResponseError("The answer is not valid JSON") from err


def _looks_like_html(content_type: str, body: bytes) -> bool:
    return "html" in content_type.lower() or body.lstrip()[:1] == b"<"


def _clean(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def error_text(body: bytes, reason: str | None, status: int) -> str:
    """The best human text for an error answer: JSON ``message`` (+ parameter ``errors``), else reason."""
    text = ""
    try:
        payload = json.loads(body) if body.strip() else None
    except ValueError, RecursionError:
        payload = None
    if isinstance(payload, dict):
        message = payload.get("message")
        if isinstance(message, str):
            text = message.strip()
        errors = payload.get("errors")
        if isinstance(errors, dict) and errors:
            details = "; ".join(f"{key}: {str(value).strip()}" for key, value in errors.items())
            text = f"{text} ({details})" if text else details
    if not text and reason:
        text = reason.strip()
    return _clean(text) or f"HTTP {status}"


def node_of_path(path: str) -> str | None:
    """``/nodes/pve1/status`` -> ``pve1``."""
    match = _NODE_IN_PATH.match(path)
    return unquote(match["node"]) if match else None


def error_for_status(status: int, text: str, *, method: str, path: str) -> PveError:
    """The client error for an HTTP error ``status`` with the message ``text``."""
    message = f"{text} (HTTP {status}, {method} {path})"
    if status == 401:
        return PveAuthenticationError(message)
    if status == 403:
        match = _PERMISSION.search(text)
        return PvePermissionError(
            message,
            path=match["path"] if match else None,
            privilege=match["privilege"] if match else None,
        )
    if status in (595, 596):
        return PveNodeUnreachableError(message, node=node_of_path(path))
    if status == 500 and any(pattern.search(text) for pattern in _NOT_FOUND):
        return PveNotFoundError(message)
    return PveApiError(message, status=status)


def interpret(
    *,
    method: str,
    path: str,
    status: int,
    reason: str | None,
    content_type: str,
    body: bytes,
    redact: Redactor = _no_redaction,
) -> object:
    """The ``data`` of a successful answer, else raise the matching :class:`PveError`."""
    where = f"{method} {path}"
    if status >= 400 or status < 200:
        if _looks_like_html(content_type, body):
            raise PveInvalidResponseError(
                f"HTTP {status} {_clean(reason or '')} with an HTML page instead of a Proxmox VE answer"
                f" ({where}): is another web server or a reverse proxy answering?"
            )
        raise error_for_status(status, redact(error_text(body, reason, status)), method=method, path=path)
    if status >= 300:
        raise PveInvalidResponseError(f"Unexpected redirect (HTTP {status}) for {where}")
    if _looks_like_html(content_type, body):
        raise PveInvalidResponseError(f"An HTML page instead of a Proxmox VE answer ({where})")
    try:
        payload = decode_json(body)
    except PveInvalidResponseError as err:
        raise PveInvalidResponseError(f"The answer to {where} is not valid JSON") from err
    if not isinstance(payload, dict) or "data" not in payload:
        raise PveInvalidResponseError(f"The answer to {where} has no 'data' member")
    return payload["data"]
