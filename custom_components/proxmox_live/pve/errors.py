"""Error hierarchy of the Proxmox VE client.

Every failure the client can meet ends up as one of these; nothing else (no KeyError,
TypeError, aiohttp or ssl exception) escapes from a client call.
"""

from __future__ import annotations


class PveError(Exception):
    """Base class of every client error."""


class PveConnectionError(PveError):
    """The host could not be reached (refused, reset, DNS, closed connection)."""


class PveTimeoutError(PveConnectionError):
    """A request took longer than the timeout the caller chose."""


class PveTlsError(PveConnectionError):
    """TLS failed: untrusted certificate, or a certificate not matching the pinned fingerprint."""

    def __init__(self, message: str, *, fingerprint: str | None = None) -> None:
        super().__init__(message)
        #: SHA-256 fingerprint (colon hex, upper case) of the certificate the server showed, when known.
        self.fingerprint = fingerprint


class PveAuthenticationError(PveError):
    """401: credentials rejected (wrong password, revoked token, expired ticket)."""


class PveTwoFactorRequiredError(PveAuthenticationError):
    """The user has two-factor authentication enabled: a password login cannot complete (use a token)."""


class PvePermissionError(PveError):
    """403: the user or token lacks a privilege on a path."""

    def __init__(self, message: str, *, path: str | None = None, privilege: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.privilege = privilege


class PveNodeUnreachableError(PveError):
    """595/596: the contacted node could not proxy the request to the named node."""

    def __init__(self, message: str, *, node: str | None = None) -> None:
        super().__init__(message)
        self.node = node


class PveNotFoundError(PveError):
    """The node or guest does not exist (Proxmox answers 500 with a recognisable message)."""


class PveApiError(PveError):
    """Any other HTTP error status from the API."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class PveInvalidResponseError(PveError):
    """The answer was not what the API documents: not JSON, HTML, wrong types, missing fields."""
