"""Credentials: API token, login tickets (2 h on the model clock) and CSRF prevention tokens."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
import hashlib
import hmac
import secrets
import uuid

TICKET_LIFETIME = 7200
_CLOCK_SKEW = 300


@dataclass(frozen=True, slots=True)
class Identity:
    """An authenticated caller."""

    username: str
    token: bool


class Auth:
    """One user (``homeassistant@pve``) with one API token and a password."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        username: str = "homeassistant@pve",
        token_id: str = "monitoring",  # noqa: S107 - a name, not a secret
        token_secret: str | None = None,
        password: str | None = None,
    ) -> None:
        self._clock = clock
        self.username = username
        self.token_id = token_id
        self.token_secret = token_secret or str(uuid.uuid4())
        self.password = password or secrets.token_urlsafe(12)
        self.token_revoked = False
        self._key = secrets.token_bytes(32)

    # ------------------------------------------------------------ tokens
    def check_token(self, header: str) -> Identity | None:
        """Validate an ``Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`` header."""
        if not header.startswith("PVEAPIToken="):
            return None
        full_id, _, secret = header.removeprefix("PVEAPIToken=").partition("=")
        user, _, token_id = full_id.partition("!")
        valid = (
            not self.token_revoked
            and user == self.username
            and token_id == self.token_id
            and hmac.compare_digest(secret.strip().encode(), self.token_secret.encode())
        )
        return Identity(username=full_id, token=True) if valid else None

    # ----------------------------------------------------------- tickets
    def _sign(self, text: str) -> str:
        digest = hmac.new(self._key, text.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode().rstrip("=")

    def issue_ticket(self) -> tuple[str, str]:
        """A new ``(ticket, CSRFPreventionToken)`` pair for the user."""
        stamp = f"{int(self._clock()):08X}"
        plain = f"PVE:{self.username}:{stamp}"
        csrf_plain = f"{stamp}:{self.username}"
        return f"{plain}::{self._sign(plain)}", f"{stamp}:{self._sign(csrf_plain)}"

    def _fresh(self, stamp: str) -> bool:
        try:
            issued = int(stamp, 16)
        except ValueError:
            return False
        age = self._clock() - issued
        return -_CLOCK_SKEW <= age < TICKET_LIFETIME

    def check_ticket(self, ticket: str) -> Identity | None:
        """Validate a ``PVEAuthCookie`` value (signature and 2 h lifetime)."""
        plain, sep, signature = ticket.rpartition("::")
        parts = plain.split(":")
        if not sep or len(parts) != 3 or parts[0] != "PVE":
            return None
        if not hmac.compare_digest(signature.encode(), self._sign(plain).encode()) or not self._fresh(
            parts[2]
        ):
            return None
        return Identity(username=parts[1], token=False)

    def check_csrf(self, username: str, token: str | None) -> bool:
        """Validate a ``CSRFPreventionToken`` header for ``username``."""
        stamp, _, signature = (token or "").partition(":")
        expected = self._sign(f"{stamp}:{username}")
        return (
            bool(signature)
            and hmac.compare_digest(signature.encode(), expected.encode())
            and self._fresh(stamp)
        )

    def login(self, username: str, password: str) -> bool:
        """``POST /access/ticket``: the password, or a valid ticket of the same user (renewal)."""
        if username != self.username:
            return False
        if hmac.compare_digest(password.encode(), self.password.encode()):
            return True
        identity = self.check_ticket(password)
        return identity is not None and identity.username == username

    # ------------------------------------------------------------ faults
    def expire_tickets(self) -> None:
        """Invalidate every ticket and CSRF token issued so far (rotates the signing key)."""
        self._key = secrets.token_bytes(32)
