"""Build a Proxmox VE client from config entry data (used by the config flow and the setup)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import (
    CONF_FINGERPRINT,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_TOKEN_ID,
    CONF_TOKEN_SECRET,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    DEFAULT_PORT,
)
from .pve.auth import PasswordAuth, TokenAuth
from .pve.client import PveClient


def auth_from_data(data: Mapping[str, Any]) -> TokenAuth | PasswordAuth:
    """The client credentials the entry data describes (token when a token id is present)."""
    if data.get(CONF_TOKEN_ID):
        return TokenAuth(
            username=data[CONF_USERNAME], token_id=data[CONF_TOKEN_ID], secret=data[CONF_TOKEN_SECRET]
        )
    return PasswordAuth(username=data[CONF_USERNAME], password=data[CONF_PASSWORD])


def create_client(hass: HomeAssistant, data: Mapping[str, Any], *, timeout: float = 10.0) -> PveClient:
    """A client on Home Assistant's shared session for the host, credentials and TLS mode in ``data``.

    ``fingerprint`` set: the certificate must match it, no CA check. ``verify_ssl`` false and no
    fingerprint: no verification (the user's explicit choice). Otherwise: verified against system CAs.
    """
    fingerprint: str | None = data.get(CONF_FINGERPRINT) or None
    verify_ssl = bool(data.get(CONF_VERIFY_SSL, True))
    # Pinning and "off" both need a session that does not verify by itself; the pin is checked per request.
    session = async_get_clientsession(hass, verify_ssl=verify_ssl and fingerprint is None)
    return PveClient(
        session,
        host=data[CONF_HOST],
        auth=auth_from_data(data),
        port=int(data.get(CONF_PORT, DEFAULT_PORT)),
        verify_ssl=verify_ssl,
        fingerprint=fingerprint,
        timeout=timeout,
    )
