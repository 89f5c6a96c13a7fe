"""One HTTP request to the Proxmox VE API, with every transport failure mapped to a client error.

The transport knows nothing about authentication: callers pass the headers. It builds the URL under
``/api2/json``, applies the per-request timeout, unwraps the envelope (see :mod:`.responses`) and
turns aiohttp/ssl/OS exceptions into :mod:`.errors` classes. The ``aiohttp.ClientSession`` is
injected and shared: the transport never creates or closes it and never relies on its cookie jar.
"""

# ruff: noqa: ASYNC109 - a per-request `timeout` argument is part of the client's contract (docs/interfaces.md)

from __future__ import annotations

from collections.abc import Mapping
import logging
import math
import ssl
import time
from urllib.parse import quote

import aiohttp
from yarl import URL

from .errors import (
    PveConnectionError,
    PveError,
    PveInvalidResponseError,
    PveTimeoutError,
    PveTlsError,
)
from .responses import Redactor, interpret
from .tls import SslParam, fetch_fingerprint, format_fingerprint

_LOGGER = logging.getLogger(__name__)

API_ROOT = "/api2/json"
_FINGERPRINT_LOOKUP_TIMEOUT = 5.0

type Params = Mapping[str, str | int]


def api_path(*segments: str | int) -> str:
    """``api_path("nodes", "pve 1", "status")`` -> ``/nodes/pve%201/status`` (each segment quoted)."""
    return "".join("/" + quote(str(segment), safe="") for segment in segments)


def _no_redaction(text: str) -> str:
    return text


class Transport:
    """Sends requests to one Proxmox VE host through an injected session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        scheme: str,
        host: str,
        port: int,
        ssl_param: SslParam,
        redact: Redactor = _no_redaction,
    ) -> None:
        """Raise ``ValueError`` for a scheme, host or port that cannot form a URL."""
        if scheme not in ("https", "http"):
            raise ValueError("scheme must be 'https' or 'http'")
        self._session = session
        self._base = URL.build(scheme=scheme, host=host, port=port, path=API_ROOT)
        self._host = host
        self._port = port
        self._ssl = ssl_param
        self._redact = redact

    @property
    def base_url(self) -> URL:
        """``https://host:port/api2/json``."""
        return self._base

    def _url(self, path: str) -> URL:
        return self._base.with_path(API_ROOT + path, encoded=True)

    async def request(
        self,
        method: str,
        path: str,
        *,
        timeout: float,
        params: Params | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> object:
        """Send one request; return the answer's ``data`` or raise a :class:`PveError`.

        ``path`` is below ``/api2/json`` with its segments already quoted (see :func:`api_path`).
        ``timeout`` (seconds) covers connecting, sending and reading the whole body.
        """
        if not (timeout > 0 and math.isfinite(timeout)):
            raise ValueError("timeout must be a positive number of seconds")
        if self._session.closed:
            raise PveConnectionError("The HTTP session is closed")
        where = f"{method} {path}"
        started = time.monotonic()
        try:
            async with self._session.request(
                method,
                self._url(path),
                params=params,
                data=data,
                headers=headers,
                ssl=self._ssl,
                timeout=aiohttp.ClientTimeout(total=timeout),
                allow_redirects=False,
            ) as response:
                body = await response.read()
                status = response.status
                reason = response.reason
                content_type = response.headers.get("Content-Type", "")
        except TimeoutError as err:  # also aiohttp's ServerTimeoutError and ConnectionTimeoutError
            raise PveTimeoutError(f"No answer within {timeout:g} s ({where})") from err
        except (aiohttp.ClientError, OSError) as err:
            raise await self._connection_error(err, where) from err
        _LOGGER.debug("%s -> %s in %.3f s", where, status, time.monotonic() - started)
        return interpret(
            method=method,
            path=path,
            status=status,
            reason=reason,
            content_type=content_type,
            body=body,
            redact=self._redact,
        )

    async def _connection_error(self, err: aiohttp.ClientError | OSError, where: str) -> PveError:
        """The client error for a failed exchange (no usable HTTP answer)."""
        target = f"{self._host}:{self._port}"
        if isinstance(err, aiohttp.ServerFingerprintMismatch | aiohttp.ClientSSLError | ssl.SSLError):
            return await self._tls_error(err, where)
        if isinstance(err, aiohttp.ClientConnectorDNSError):
            return PveConnectionError(f"Cannot resolve {self._host}: {_describe(err)}")
        if isinstance(err, aiohttp.ClientResponseError):
            # The server's bytes were not valid HTTP (aiohttp raises this for a malformed message).
            return PveInvalidResponseError(f"Malformed HTTP answer from {target} ({where}): {err.message}")
        if isinstance(err, aiohttp.ClientPayloadError):
            return PveConnectionError(f"The connection to {target} broke while reading the answer ({where})")
        return PveConnectionError(f"Cannot talk to {target} ({where}): {_describe(err)}")

    async def _tls_error(
        self, err: aiohttp.ServerFingerprintMismatch | aiohttp.ClientSSLError | ssl.SSLError, where: str
    ) -> PveTlsError:
        """Pin mismatch and untrusted certificates carry the fingerprint the server showed."""
        target = f"{self._host}:{self._port}"
        if isinstance(err, aiohttp.ServerFingerprintMismatch):
            shown = format_fingerprint(err.got)
            return PveTlsError(
                f"The certificate of {target} does not match the pinned fingerprint (it shows {shown})",
                fingerprint=shown,
            )
        if isinstance(err, aiohttp.ClientConnectorCertificateError):
            return PveTlsError(
                f"The certificate of {target} is not trusted ({_verify_message(err.certificate_error)})",
                fingerprint=await self._server_fingerprint(),
            )
        return PveTlsError(f"TLS with {target} failed ({where}): {_describe(err)}")

    async def _server_fingerprint(self) -> str | None:
        """The fingerprint the server shows, for an untrusted-certificate error (None if unobtainable)."""
        try:
            return await fetch_fingerprint(self._host, self._port, _FINGERPRINT_LOOKUP_TIMEOUT)
        except PveError as err:
            _LOGGER.debug("Could not read the certificate of %s:%s: %s", self._host, self._port, err)
            return None


def _verify_message(error: BaseException) -> str:
    message = getattr(error, "verify_message", None)
    return str(message) if message else _describe(error)


def _describe(err: BaseException) -> str:
    text = str(err) or type(err).__name__
    return text if len(text) <= 300 else text[:297] + "..."
