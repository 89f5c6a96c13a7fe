"""Add the Proxmox VE Live integration through Home Assistant's REST config flow API, as the UI does."""

from __future__ import annotations

from typing import Any

from .homeassistant import HomeAssistantInstance

DOMAIN = "proxmox_live"


def add_proxmox_entry(
    ha: HomeAssistantInstance,
    token: str,
    *,
    host: str,
    port: int,
    username: str,
    token_id: str,
    token_secret: str,
) -> dict[str, Any]:
    """Run the config flow: credentials, then pin the certificate, then accept any warnings."""
    result = _as_dict(ha.api("POST", "/api/config/config_entries/flow", token, {"handler": DOMAIN}))
    user_input: dict[str, Any] = {
        "host": host,
        "port": port,
        "username": username,
        "token_id": token_id,
        "token_secret": token_secret,
    }
    for _ in range(6):
        kind = result["type"]
        if kind == "create_entry":
            return result
        if kind == "abort":
            raise RuntimeError(f"config flow aborted: {result.get('reason')}")
        path = f"/api/config/config_entries/flow/{result['flow_id']}"
        if kind == "menu":
            choice = "tls_pin" if "tls_pin" in result["menu_options"] else result["menu_options"][0]
            body: dict[str, Any] = {"next_step_id": choice}
        elif result.get("errors"):
            raise RuntimeError(f"config flow step {result['step_id']} failed: {result['errors']}")
        elif result["step_id"] == "user":
            body = user_input
        else:
            body = {}
        result = _as_dict(ha.api("POST", path, token, body))
    raise RuntimeError(f"config flow did not finish: {result}")


def proxmox_entries(ha: HomeAssistantInstance, token: str) -> list[dict[str, Any]]:
    """The config entries of this integration."""
    entries = ha.api("GET", f"/api/config/config_entries/entry?domain={DOMAIN}", token)
    assert isinstance(entries, list)
    return entries


def _as_dict(value: object) -> dict[str, Any]:
    assert isinstance(value, dict), value
    return value
