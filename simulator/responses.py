"""HTTP answers shaped like pveproxy's: ``{"data": ...}``, errors with the text as reason phrase."""

from __future__ import annotations

from http import HTTPStatus
import json

from aiohttp import web

JSON_TYPE = "application/json;charset=UTF-8"
SERVER = "pve-api-daemon/3.0"

NO_ROUTE = "Errors during connection establishment, proxy handshake: No route to host"

BAD_GATEWAY_HTML = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.26.3</center>
</body>
</html>
"""


class ApiError(Exception):
    """An error answer: ``status`` and the message pveproxy would send."""

    def __init__(self, status: int, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def _headers() -> dict[str, str]:
    return {
        "Server": SERVER,
        "Cache-Control": "max-age=0",
        "Pragma": "no-cache",
        "Expires": "Thu, 01 Jan 1970",
    }


def data_response(data: object, *, headers: dict[str, str] | None = None) -> web.Response:
    """200 with ``{"data": data}``."""
    body = json.dumps({"data": data}, separators=(",", ":"))
    return web.Response(
        text=body, content_type=None, headers={**_headers(), "Content-Type": JSON_TYPE, **(headers or {})}
    )


def raw_response(
    body: str, *, status: int = 200, content_type: str = JSON_TYPE, reason: str | None = None
) -> web.Response:
    """Any body as-is (faults)."""
    response = web.Response(
        text=body, status=status, reason=reason, headers={**_headers(), "Content-Type": content_type}
    )
    if status >= 400:
        response.force_close()
    return response


def error_response(status: int, message: str, errors: dict[str, str] | None = None) -> web.Response:
    """An error: text as reason phrase and as ``message`` (PVE 8.3+), keep-alive closed."""
    payload: dict[str, object] = {"data": None, "message": message + "\n"}
    if errors:
        payload["errors"] = errors
    response = web.Response(
        text=json.dumps(payload),
        status=status,
        reason=message.replace("\n", " ")[:200],
        headers={**_headers(), "Content-Type": JSON_TYPE},
    )
    response.force_close()
    return response


def reason_of(status: int) -> str:
    """Standard reason phrase of a status (PVE's own texts for 595/596)."""
    if status == 595:
        return NO_ROUTE
    if status == 596:
        return "Errors during TLS negotiation, request canceled"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
