"""HTTP answer -> data or error (``pve/responses.py``), without sockets."""

from __future__ import annotations

import json

import pytest

from custom_components.proxmox_live.pve.errors import (
    PveApiError,
    PveAuthenticationError,
    PveInvalidResponseError,
    PveNodeUnreachableError,
    PveNotFoundError,
    PvePermissionError,
)
from custom_components.proxmox_live.pve.responses import error_text, interpret, node_of_path

JSON = "application/json;charset=UTF-8"


def answer(
    status: int, body: bytes | object, *, reason: str | None = None, content_type: str = JSON
) -> object:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return interpret(
        method="GET",
        path="/nodes/pve1/status",
        status=status,
        reason=reason,
        content_type=content_type,
        body=raw,
    )


def test_success_unwraps_data() -> None:
    assert answer(200, {"data": [1, 2]}) == [1, 2]
    assert answer(200, {"data": None}) is None


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"\xff\xfe\x00", b"[" * 100_000, b"[1, 2]", b'{"message": "x"}', b'"data"'],
)
def test_success_without_an_envelope_is_invalid(body: bytes) -> None:
    with pytest.raises(PveInvalidResponseError):
        answer(200, body)


def test_success_with_html_is_invalid() -> None:
    with pytest.raises(PveInvalidResponseError, match="HTML page"):
        answer(200, b"<!DOCTYPE html><html></html>", content_type="text/html")
    with pytest.raises(PveInvalidResponseError, match="HTML page"):
        answer(200, b"  <html>", content_type="application/json")


def test_redirect_is_invalid() -> None:
    with pytest.raises(PveInvalidResponseError, match="redirect"):
        answer(302, b"", reason="Found")


def test_401() -> None:
    with pytest.raises(
        PveAuthenticationError, match=r"authentication failure \(HTTP 401, GET /nodes/pve1/status\)"
    ):
        answer(401, {"data": None, "message": "authentication failure\n"})
    with pytest.raises(PveAuthenticationError, match="No ticket"):
        answer(401, b"", reason="No ticket")


def test_403_parses_path_and_privilege() -> None:
    with pytest.raises(PvePermissionError) as err:
        answer(403, {"data": None, "message": "Permission check failed (/nodes/pve1, Sys.Audit)\n"})
    assert (err.value.path, err.value.privilege) == ("/nodes/pve1", "Sys.Audit")
    with pytest.raises(PvePermissionError) as err:
        answer(403, b"", reason="Permission check failed (/vms/100, VM.Audit)")
    assert (err.value.path, err.value.privilege) == ("/vms/100", "VM.Audit")
    with pytest.raises(PvePermissionError) as err:
        answer(403, b"", reason="Permission check failed (user != root@pam)")
    assert (err.value.path, err.value.privilege) == (None, None)


@pytest.mark.parametrize("status", [595, 596])
def test_node_unreachable(status: int) -> None:
    reason = "Errors during connection establishment, proxy handshake: No route to host"
    with pytest.raises(PveNodeUnreachableError, match="No route to host") as err:
        answer(status, b"", reason=reason)
    assert err.value.node == "pve1"
    with pytest.raises(PveNodeUnreachableError) as err:
        interpret(method="GET", path="/cluster/resources", status=595, reason=None, content_type="", body=b"")
    assert err.value.node is None
    assert node_of_path("/nodes/my%20node/qemu") == "my node"


@pytest.mark.parametrize(
    "message",
    [
        "hostname lookup 'foo' failed - failed to get address info for: foo: Name or service not known",
        "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist",
        "no such cluster node 'pve7'",
    ],
)
def test_not_found(message: str) -> None:
    with pytest.raises(PveNotFoundError, match="HTTP 500"):
        answer(500, {"data": None, "message": message + "\n"})


def test_other_errors_keep_the_status() -> None:
    with pytest.raises(PveApiError) as err:
        answer(500, {"data": None, "message": "got timeout\n"})
    assert err.value.status == 500
    assert "got timeout" in str(err.value)
    with pytest.raises(PveApiError) as err:
        answer(400, {"data": None, "message": "Parameter verification failed.", "errors": {"limit": "bad\n"}})
    assert err.value.status == 400
    assert "Parameter verification failed. (limit: bad)" in str(err.value)
    with pytest.raises(PveApiError, match="HTTP 501"):
        answer(501, b"")


def test_html_error_page_is_invalid() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    with pytest.raises(PveInvalidResponseError, match="HTTP 502 Bad Gateway with an HTML page"):
        answer(502, page, reason="Bad Gateway", content_type="text/html")


def test_error_text_prefers_json_message() -> None:
    assert error_text(b'{"message": "  a \\n b "}', "Reason", 500) == "a b"
    assert error_text(b'{"errors": {"x": "y"}}', "Reason", 400) == "x: y"
    assert error_text(b"not json", " Reason ", 500) == "Reason"
    assert error_text(b"", None, 500) == "HTTP 500"
    assert len(error_text(json.dumps({"message": "x" * 5000}).encode(), None, 500)) == 500


def test_messages_are_redacted() -> None:
    with pytest.raises(PveApiError) as err:
        interpret(
            method="GET",
            path="/version",
            status=500,
            reason=None,
            content_type=JSON,
            body=b'{"message": "bad token s3cr3t-value"}',
            redact=lambda text: text.replace("s3cr3t-value", "**REDACTED**"),
        )
    assert "s3cr3t" not in str(err.value)
    assert "**REDACTED**" in str(err.value)
