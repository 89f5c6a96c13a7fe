"""Credentials (:class:`TokenAuth`, :class:`PasswordAuth`) and the per-client logic that applies them.

* API token: a constant ``Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`` header.
* Password: ``POST /access/ticket`` gives a ticket (sent as the ``PVEAuthCookie`` cookie header, never
  through the shared session's cookie jar) and a CSRF token (sent on non-GET requests). The ticket lives
  2 h; it is renewed after ``renew_after`` (1 h) by posting the current ticket as password (a failed
  renewal keeps the still valid ticket and is retried on the next call; a refused one logs in). Concurrent
  callers share one login through an ``asyncio.Lock``. After a 401 the client may ask for one silent
  re-login (:meth:`Authenticator.recover`) and retry once.

Secrets (token secret, password, ticket, CSRF token) never appear in reprs, messages or log records.
"""

# ruff: noqa: ASYNC109 - a per-request `timeout` argument is part of the client's contract (docs/interfaces.md)

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import logging
import time

from .errors import PveAuthenticationError, PveError, PveInvalidResponseError
from .models import Ticket
from .parsing import parse_ticket
from .transport import Transport

_LOGGER = logging.getLogger(__name__)

TICKET_PATH = "/access/ticket"
TICKET_LIFETIME = 7200.0  # seconds, fixed by Proxmox VE
DEFAULT_RENEW_AFTER = 3600.0
_REDACTED = "**REDACTED**"
_MIN_SECRET_LENGTH = 4  # shorter "secrets" would redact ordinary words


def _header_safe(value: str) -> bool:
    return value.isprintable() and value.isascii()


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenAuth:
    """An API token; ``token_id`` is its name (``monitoring``), ``user@realm!monitoring`` works too."""

    username: str
    token_id: str
    secret: str = field(repr=False)

    @property
    def full_token_id(self) -> str:
        """``user@realm!tokenid``."""
        name = self.token_id.strip().rpartition("!")[2]
        return f"{self.username.strip()}!{name}"

    def header(self) -> str:
        """The ``Authorization`` header value (contains the secret: never log it)."""
        return f"PVEAPIToken={self.full_token_id}={self.secret.strip()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class PasswordAuth:
    """A user and password (ticket authentication; two-factor users cannot use it).

    ``clock`` (seconds, monotonic; default ``time.monotonic`` looked up at each call) decides when the
    ticket is renewed; ``renew_after`` is the ticket age that triggers a renewal.
    """

    username: str
    password: str = field(repr=False)
    clock: Callable[[], float] | None = field(default=None, repr=False, compare=False)
    renew_after: float = DEFAULT_RENEW_AFTER

    def now(self) -> float:
        """The current time of the clock."""
        return self.clock() if self.clock is not None else time.monotonic()


class Authenticator(ABC):
    """Applies one set of credentials to the requests of one client."""

    @abstractmethod
    def secrets(self) -> tuple[str, ...]:
        """The values that must never appear in messages."""

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced."""
        for secret in self.secrets():
            if len(secret) >= _MIN_SECRET_LENGTH:
                text = text.replace(secret, _REDACTED)
        return text

    @abstractmethod
    async def headers(self, transport: Transport, *, method: str, timeout: float) -> dict[str, str]:
        """Headers that authenticate a request (may log in first)."""

    @abstractmethod
    async def login(self, transport: Transport, *, timeout: float) -> bool:
        """Obtain fresh credentials; False when there is nothing to obtain (a token)."""

    @abstractmethod
    async def recover(self, transport: Transport, rejected: Mapping[str, str], *, timeout: float) -> bool:
        """After a 401 for ``rejected`` headers: make a retry worthwhile, or return False."""


class TokenAuthenticator(Authenticator):
    """API token: nothing to obtain, nothing to recover."""

    def __init__(self, auth: TokenAuth) -> None:
        """Use ``auth`` for every request."""
        self._auth = auth

    def secrets(self) -> tuple[str, ...]:
        """The token secret."""
        return (self._auth.secret.strip(),)

    async def headers(self, transport: Transport, *, method: str, timeout: float) -> dict[str, str]:
        """The token header."""
        header = self._auth.header()
        if not _header_safe(header):
            raise PveAuthenticationError("The API token contains characters an HTTP header cannot carry")
        return {"Authorization": header}

    async def login(self, transport: Transport, *, timeout: float) -> bool:
        """A token needs no login."""
        return False

    async def recover(self, transport: Transport, rejected: Mapping[str, str], *, timeout: float) -> bool:
        """A rejected token stays rejected."""
        return False


class TicketAuthenticator(Authenticator):
    """Password login, ticket renewal and re-login for one client."""

    def __init__(self, auth: PasswordAuth) -> None:
        """Log in with ``auth`` when a ticket is first needed."""
        self._auth = auth
        self._lock = asyncio.Lock()
        self._ticket: Ticket | None = None
        self._obtained_at = 0.0

    @property
    def ticket(self) -> Ticket | None:
        """The current ticket, if any."""
        return self._ticket

    def secrets(self) -> tuple[str, ...]:
        """The password, the ticket and the CSRF token."""
        if self._ticket is None:
            return (self._auth.password,)
        return (self._auth.password, self._ticket.ticket, self._ticket.csrf_token)

    def _age(self) -> float:
        return self._auth.now() - self._obtained_at

    def _fresh(self) -> bool:
        return self._ticket is not None and self._age() < self._auth.renew_after

    async def headers(self, transport: Transport, *, method: str, timeout: float) -> dict[str, str]:
        """Cookie (and CSRF token for writes) of a valid ticket, logging in or renewing first if due."""
        ticket = self._ticket if self._fresh() else await self._valid_ticket(transport, timeout)
        assert ticket is not None
        headers = {"Cookie": f"PVEAuthCookie={ticket.ticket}"}
        if method.upper() not in ("GET", "HEAD"):
            headers["CSRFPreventionToken"] = ticket.csrf_token
        return headers

    async def login(self, transport: Transport, *, timeout: float) -> bool:
        """A fresh ticket from the password, whatever the current one."""
        async with self._lock:
            await self._login(transport, timeout)
        return True

    async def recover(self, transport: Transport, rejected: Mapping[str, str], *, timeout: float) -> bool:
        """Re-login after a 401, unless a concurrent caller already replaced the rejected ticket."""
        async with self._lock:
            current = self._ticket
            if current is not None and rejected.get("Cookie") != f"PVEAuthCookie={current.ticket}":
                return True
            _LOGGER.debug("Ticket of %s rejected: logging in again", self._auth.username)
            await self._login(transport, timeout)
        return True

    async def _valid_ticket(self, transport: Transport, timeout: float) -> Ticket:
        async with self._lock:  # one login for all concurrent callers
            if self._ticket is None:
                await self._login(transport, timeout)
            elif not self._fresh():
                await self._renew(transport, timeout)
            assert self._ticket is not None
            return self._ticket

    async def _renew(self, transport: Transport, timeout: float) -> None:
        assert self._ticket is not None
        if self._age() >= TICKET_LIFETIME:
            await self._login(transport, timeout)
            return
        _LOGGER.debug("Renewing the ticket of %s", self._auth.username)
        try:
            await self._post_ticket(transport, self._ticket.username, self._ticket.ticket, timeout)
        except PveAuthenticationError:
            _LOGGER.debug("Ticket renewal refused: logging in with the password")
            await self._login(transport, timeout)
        except PveError as err:
            # The current ticket is still valid (less than 2 h old): use it, renew on the next call.
            _LOGGER.debug("Ticket renewal failed (%s): keeping the current ticket for now", err)

    async def _login(self, transport: Transport, timeout: float) -> None:
        _LOGGER.debug("Logging in as %s", self._auth.username)
        self._ticket = None
        await self._post_ticket(transport, self._auth.username, self._auth.password, timeout)

    async def _post_ticket(self, transport: Transport, username: str, password: str, timeout: float) -> None:
        started = self._auth.now()
        data = await transport.request(
            "POST",
            TICKET_PATH,
            data={"username": username, "password": password},
            timeout=timeout,
        )
        ticket = parse_ticket(data)
        if not (_header_safe(ticket.ticket) and _header_safe(ticket.csrf_token)):
            raise PveInvalidResponseError(
                "The login answer holds a ticket that cannot be sent back in a header"
            )
        self._ticket = ticket
        self._obtained_at = started


def create_authenticator(auth: TokenAuth | PasswordAuth) -> Authenticator:
    """The authenticator for a set of credentials (one per client: it holds the ticket)."""
    if isinstance(auth, TokenAuth):
        return TokenAuthenticator(auth)
    if isinstance(auth, PasswordAuth):
        return TicketAuthenticator(auth)
    raise TypeError("auth must be a TokenAuth or a PasswordAuth")
