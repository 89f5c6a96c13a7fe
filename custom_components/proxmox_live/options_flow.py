"""Options flow of Proxmox VE Live: polling intervals per tier and guests with per-guest details."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio

from .connection import create_client
from .const import (
    CONF_BACKUP_INTERVAL,
    CONF_DETAILED_GUESTS,
    CONF_INCLUDE_TEMPLATES,
    CONF_INVENTORY_INTERVAL,
    CONF_LIVE_INTERVAL,
    CONF_STORAGE_INTERVAL,
    DEFAULT_BACKUP_INTERVAL,
    DEFAULT_INVENTORY_INTERVAL,
    DEFAULT_LIVE_INTERVAL,
    DEFAULT_STORAGE_INTERVAL,
    LOGGER,
    MAX_LIVE_INTERVAL,
    MIN_LIVE_INTERVAL,
)
from .pve.errors import PveError

if TYPE_CHECKING:
    from .coordinator import ProxmoxConfigEntry

GUEST_LIST_TIMEOUT = 5.0

# option -> (default, minimum, maximum) in seconds
INTERVALS: dict[str, tuple[int, int, int]] = {
    CONF_LIVE_INTERVAL: (DEFAULT_LIVE_INTERVAL, MIN_LIVE_INTERVAL, MAX_LIVE_INTERVAL),
    CONF_INVENTORY_INTERVAL: (DEFAULT_INVENTORY_INTERVAL, 10, 300),
    CONF_STORAGE_INTERVAL: (DEFAULT_STORAGE_INTERVAL, 30, 3600),
    CONF_BACKUP_INTERVAL: (DEFAULT_BACKUP_INTERVAL, 60, 3600),
}


def _interval_selector(minimum: int, maximum: int) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=1,
            unit_of_measurement="s",
            mode=NumberSelectorMode.SLIDER if maximum <= 10 else NumberSelectorMode.BOX,
        )
    )


def _guests_from_runtime_data(entry: ProxmoxConfigEntry) -> list[tuple[int, str | None]] | None:
    """The guests the running integration's inventory tier knows, or None when it is not loaded."""
    if entry.state is not ConfigEntryState.LOADED:
        return None
    return [(guest.vmid, guest.name) for guest in entry.runtime_data.inventory.data.guests.values()]


async def _async_guests_from_server(hass: HomeAssistant, entry: ConfigEntry) -> list[tuple[int, str | None]]:
    """The guests (no templates) the server lists; empty when it cannot be read."""
    client = create_client(hass, entry.data, timeout=GUEST_LIST_TIMEOUT)
    try:
        resources = await client.get_cluster_resources(type="vm")
    except PveError as err:
        LOGGER.debug("Guest list for the options unavailable: %s", err)
        return []
    return [(res.vmid, res.name) for res in resources if res.vmid is not None and not res.template]


async def async_guest_options(hass: HomeAssistant, entry: ConfigEntry) -> list[SelectOptionDict]:
    """The guests to choose from, by VMID: from the loaded integration, else from the server."""
    guests = _guests_from_runtime_data(entry)
    if guests is None:
        guests = await _async_guests_from_server(hass, entry)
    return [
        SelectOptionDict(value=str(vmid), label=f"{name} ({vmid})" if name else str(vmid))
        for vmid, name in sorted(set(guests), key=lambda guest: guest[0])
    ]


class ProxmoxLiveOptionsFlow(OptionsFlowWithReload):
    """Polling intervals per tier, guests with per-guest details, templates."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form with every option; the entry reloads when something changed."""
        if user_input is not None:
            options: dict[str, Any] = {key: int(user_input[key]) for key in INTERVALS}
            options[CONF_DETAILED_GUESTS] = sorted(int(vmid) for vmid in user_input[CONF_DETAILED_GUESTS])
            options[CONF_INCLUDE_TEMPLATES] = bool(user_input[CONF_INCLUDE_TEMPLATES])
            return self.async_create_entry(data=options)

        current = self.config_entry.options
        selected = [str(vmid) for vmid in current.get(CONF_DETAILED_GUESTS, [])]
        guest_options = await async_guest_options(self.hass, self.config_entry)
        known = {option["value"] for option in guest_options}
        # Keep guests chosen earlier selectable even when the list is unavailable or they are gone.
        guest_options += [SelectOptionDict(value=vmid, label=vmid) for vmid in selected if vmid not in known]

        schema: dict[Any, Any] = {
            probatio.Required(key, default=current.get(key, default)): _interval_selector(low, high)
            for key, (default, low, high) in INTERVALS.items()
        }
        schema[probatio.Required(CONF_DETAILED_GUESTS, default=selected)] = SelectSelector(
            SelectSelectorConfig(options=guest_options, multiple=True, mode=SelectSelectorMode.DROPDOWN)
        )
        schema[
            probatio.Required(CONF_INCLUDE_TEMPLATES, default=current.get(CONF_INCLUDE_TEMPLATES, False))
        ] = BooleanSelector()
        return self.async_show_form(step_id="init", data_schema=probatio.Schema(schema))
