"""Repairs: a changed certificate, reviewed and trusted again from Settings > Repairs.

With a pinned fingerprint, a renewed certificate makes every request fail with ``PveTlsError``.
The setup and the tiers then raise one fixable issue per entry (``certificate_changed``), logged
once; its fix flow reads the certificate the server shows now, displays the pinned and the new
fingerprint, and on confirmation pins the new one and reloads the entry. The issue goes away by
itself as soon as a request succeeds again (the old certificate came back).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import probatio

from .const import CONF_FINGERPRINT, CONF_HOST, CONF_PORT, CONF_VERIFY_SSL, DEFAULT_PORT, DOMAIN, LOGGER
from .pve.errors import PveError, PveTlsError
from .pve.tls import fetch_fingerprint

CERTIFICATE_ISSUE = "certificate_changed"
FETCH_TIMEOUT = 10.0
_NONE = "-"


def certificate_issue_id(entry: ConfigEntry[Any]) -> str:
    """The certificate issue of ``entry``."""
    return f"{CERTIFICATE_ISSUE}_{entry.entry_id}"


def _address(entry: ConfigEntry[Any]) -> str:
    host = str(entry.data[CONF_HOST])
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{entry.data.get(CONF_PORT, DEFAULT_PORT)}"


def async_certificate_rejected(hass: HomeAssistant, entry: ConfigEntry[Any], err: PveTlsError) -> bool:
    """Raise (once, logged once) the fixable issue for a certificate ``err`` rejected.

    False when ``err`` carries no fingerprint (the TLS handshake failed otherwise): nothing to review.
    """
    if err.fingerprint is None:
        return False
    issue_id = certificate_issue_id(entry)
    existing = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    placeholders = {
        "entry": entry.title,
        "host": _address(entry),
        "old_fingerprint": str(entry.data.get(CONF_FINGERPRINT) or _NONE),
        "new_fingerprint": err.fingerprint,
    }
    if existing is not None and existing.translation_placeholders == placeholders:
        return True
    LOGGER.error(
        "The certificate of %s (%s) is rejected: %s. Review the new certificate in Settings > Repairs",
        entry.title,
        placeholders["host"],
        err,
    )
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="certificate_changed",
        translation_placeholders=placeholders,
        data={"entry_id": entry.entry_id},
    )
    return True


def async_certificate_accepted(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """A request succeeded: the certificate issue of ``entry``, if any, is gone (logged once)."""
    issue_id = certificate_issue_id(entry)
    if ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None:
        LOGGER.info("The certificate of %s is accepted again", entry.title)
        ir.async_delete_issue(hass, DOMAIN, issue_id)


class CertificateChangedFlow(RepairsFlow):
    """Show the certificate the server presents now and pin it on confirmation."""

    def __init__(self, entry: ConfigEntry[Any]) -> None:
        """Fix the certificate of ``entry``."""
        self._entry = entry
        self._fingerprint = ""

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Read the certificate the server presents now."""
        host = str(self._entry.data[CONF_HOST])
        port = int(self._entry.data.get(CONF_PORT, DEFAULT_PORT))
        try:
            self._fingerprint = await fetch_fingerprint(host, port, FETCH_TIMEOUT)
        except PveError as err:
            LOGGER.debug("Cannot read the certificate of %s: %s", _address(self._entry), err)
            return self.async_abort(reason="cannot_connect")
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Show the pinned and the new fingerprint; pin the new one and reload on confirmation."""
        if user_input is not None:
            self.hass.config_entries.async_update_entry(
                self._entry,
                data={**self._entry.data, CONF_VERIFY_SSL: True, CONF_FINGERPRINT: self._fingerprint},
            )
            LOGGER.info("Trusting the new certificate of %s (%s)", self._entry.title, self._fingerprint)
            self.hass.config_entries.async_schedule_reload(self._entry.entry_id)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=probatio.Schema({}),
            description_placeholders={
                "entry": self._entry.title,
                "host": _address(self._entry),
                "old_fingerprint": str(self._entry.data.get(CONF_FINGERPRINT) or _NONE),
                "new_fingerprint": self._fingerprint,
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of a fixable issue of this integration (only the certificate issue is fixable)."""
    entry_id = str((data or {}).get("entry_id", ""))
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or not issue_id.startswith(CERTIFICATE_ISSUE):
        raise ValueError(f"No fix flow for issue {issue_id}")
    return CertificateChangedFlow(entry)
