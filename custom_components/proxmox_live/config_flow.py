"""Config flow of Proxmox VE Live: add a host or cluster, reauthenticate, reconfigure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .const import (
    CONF_BACKUP_INTERVAL,
    CONF_FINGERPRINT,
    CONF_HOST,
    CONF_INVENTORY_INTERVAL,
    CONF_LIVE_INTERVAL,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_STORAGE_INTERVAL,
    CONF_TOKEN_ID,
    CONF_TOKEN_SECRET,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    DEFAULT_BACKUP_INTERVAL,
    DEFAULT_INVENTORY_INTERVAL,
    DEFAULT_LIVE_INTERVAL,
    DEFAULT_PORT,
    DEFAULT_STORAGE_INTERVAL,
    DOMAIN,
)
from .flow_validation import (
    ServerInfo,
    async_test_connection,
    parse_credentials,
    parse_host_port,
    parse_user_input,
)
from .options_flow import ProxmoxLiveOptionsFlow

_TEXT = TextSelector(TextSelectorConfig(autocomplete="off"))
_SECRET = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off"))
_PORT = NumberSelector(NumberSelectorConfig(min=1, max=65535, step=1, mode=NumberSelectorMode.BOX))

HOST_PORT_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_HOST): _TEXT,
        probatio.Required(CONF_PORT, default=DEFAULT_PORT): _PORT,
    }
)
USER_SCHEMA = HOST_PORT_SCHEMA.extend(
    {
        probatio.Required(CONF_USERNAME): TextSelector(TextSelectorConfig(autocomplete="username")),
        probatio.Optional(CONF_TOKEN_ID): _TEXT,
        probatio.Optional(CONF_TOKEN_SECRET): _SECRET,
        probatio.Optional(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
        ),
    }
)
REAUTH_TOKEN_SCHEMA = probatio.Schema(
    {probatio.Required(CONF_TOKEN_ID): _TEXT, probatio.Required(CONF_TOKEN_SECRET): _SECRET}
)
REAUTH_PASSWORD_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
        )
    }
)
DEFAULT_OPTIONS: dict[str, Any] = {
    CONF_LIVE_INTERVAL: DEFAULT_LIVE_INTERVAL,
    CONF_INVENTORY_INTERVAL: DEFAULT_INVENTORY_INTERVAL,
    CONF_STORAGE_INTERVAL: DEFAULT_STORAGE_INTERVAL,
    CONF_BACKUP_INTERVAL: DEFAULT_BACKUP_INTERVAL,
}
_VERIFIED_TLS: dict[str, Any] = {CONF_VERIFY_SSL: True, CONF_FINGERPRINT: None}
# Values a form may show again after an error; secrets never are.
_NON_SECRET = (CONF_HOST, CONF_PORT, CONF_USERNAME, CONF_TOKEN_ID)


class ProxmoxLiveConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a Proxmox VE host or cluster: credentials, certificate trust, connection and privilege test."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with nothing entered."""
        self._data: dict[str, Any] = {}
        self._fingerprint = ""
        # What the form shows again after an error: the values as typed, never a secret.
        self._form_values: dict[str, Any] = {}
        # The TLS mode the user chose for a host and port, reused when a form is sent again after an error.
        self._tls_choice: dict[tuple[str, int], dict[str, Any]] = {}

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> ProxmoxLiveOptionsFlow:
        """The options flow: polling intervals and per-guest details."""
        return ProxmoxLiveOptionsFlow()

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the host and the credentials."""
        if user_input is None:
            return self._async_show_user_form()
        self._form_values = {key: user_input[key] for key in _NON_SECRET if key in user_input}
        data, errors = parse_user_input(user_input)
        if errors:
            return self._async_show_user_form(errors)
        return await self._async_connect({**data, **self._tls_for(data)})

    async def async_step_tls(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The certificate is not trusted: pin its fingerprint, or turn verification off."""
        return self.async_show_menu(
            step_id="tls",
            menu_options=["tls_pin", "tls_insecure"],
            description_placeholders={
                "host": self._data[CONF_HOST],
                "port": str(self._data[CONF_PORT]),
                "fingerprint": self._fingerprint,
            },
        )

    async def async_step_tls_pin(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Trust exactly the certificate shown (recommended)."""
        return await self._async_choose_tls({CONF_VERIFY_SSL: True, CONF_FINGERPRINT: self._fingerprint})

    async def async_step_tls_insecure(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Turn certificate verification off (the user's explicit choice)."""
        return await self._async_choose_tls({CONF_VERIFY_SSL: False, CONF_FINGERPRINT: None})

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The credentials were rejected: ask for new ones."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for a new token secret (and token id) or password, and test them on the same host."""
        entry = self._get_reauth_entry()
        if user_input is None:
            return self._async_show_reauth_form()
        credentials, errors = parse_credentials(user_input, entry.data[CONF_USERNAME])
        if errors:
            return self._async_show_reauth_form(errors)
        return await self._async_connect({**entry.data, **credentials})

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Change the host or port of the same cluster; the certificate is checked again."""
        entry = self._get_reconfigure_entry()
        if user_input is None:
            self._form_values = {CONF_HOST: entry.data[CONF_HOST], CONF_PORT: entry.data[CONF_PORT]}
            return self._async_show_reconfigure_form()
        self._form_values = {key: user_input[key] for key in (CONF_HOST, CONF_PORT) if key in user_input}
        host_port, errors = parse_host_port(user_input)
        if errors:
            return self._async_show_reconfigure_form(errors)
        data = {**entry.data, **host_port}
        return await self._async_connect({**data, **self._tls_for(data)})

    def _tls_for(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The TLS mode chosen earlier in this flow for the host and port, else verified TLS."""
        return self._tls_choice.get((data[CONF_HOST], data[CONF_PORT]), _VERIFIED_TLS)

    async def _async_choose_tls(self, tls: dict[str, Any]) -> ConfigFlowResult:
        self._tls_choice[self._data[CONF_HOST], self._data[CONF_PORT]] = tls
        return await self._async_connect({**self._data, **tls})

    async def _async_connect(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Test ``data``; go on to the certificate menu, the warnings or the end, or back to the form."""
        self._data = data
        result = await async_test_connection(self.hass, data)
        if result.untrusted_fingerprint is not None and self.source != SOURCE_REAUTH:
            self._fingerprint = result.untrusted_fingerprint
            return await self.async_step_tls()
        if result.info is None:
            error = result.error or "ssl_error"  # reauth keeps the entry's TLS mode: untrusted is an error
            if error == "ssl_error":
                self._tls_choice.pop((data[CONF_HOST], data[CONF_PORT]), None)
            return self._async_show_source_form({"base": error}, result.placeholders)
        return await self._async_finish(result.info)

    async def _async_finish(self, info: ServerInfo) -> ConfigFlowResult:
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            # Same cluster only: another one would silently take over this entry's devices.
            await self.async_set_unique_id(info.unique_id, raise_on_progress=False)
            self._abort_if_unique_id_mismatch(description_placeholders={"name": info.title})
            entry = (
                self._get_reauth_entry() if self.source == SOURCE_REAUTH else self._get_reconfigure_entry()
            )
            return self.async_update_reload_and_abort(entry, data=self._data)
        await self.async_set_unique_id(info.unique_id)
        self._abort_if_unique_id_configured(description_placeholders={"name": info.title})
        if not info.warnings:
            return self.async_create_entry(title=info.title, data=self._data, options=DEFAULT_OPTIONS)
        # Optional features lack privileges: the entry is created, and the success dialog names them.
        return self.async_create_entry(
            title=info.title,
            data=self._data,
            options=DEFAULT_OPTIONS,
            description="optional_privileges",
            description_placeholders={
                "name": info.title,
                "warnings": "\n".join(f"- {warning}" for warning in info.warnings),
            },
        )

    def _async_show_source_form(
        self, errors: dict[str, str], placeholders: Mapping[str, str]
    ) -> ConfigFlowResult:
        if self.source == SOURCE_REAUTH:
            return self._async_show_reauth_form(errors, placeholders)
        if self.source == SOURCE_RECONFIGURE:
            return self._async_show_reconfigure_form(errors, placeholders)
        return self._async_show_user_form(errors, placeholders)

    def _async_show_user_form(
        self, errors: dict[str, str] | None = None, placeholders: Mapping[str, str] | None = None
    ) -> ConfigFlowResult:
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, self._form_values),
            errors=errors,
            description_placeholders=placeholders,
        )

    def _async_show_reauth_form(
        self, errors: dict[str, str] | None = None, placeholders: Mapping[str, str] | None = None
    ) -> ConfigFlowResult:
        entry = self._get_reauth_entry()
        token_id = entry.data.get(CONF_TOKEN_ID)
        schema = (
            self.add_suggested_values_to_schema(REAUTH_TOKEN_SCHEMA, {CONF_TOKEN_ID: token_id})
            if token_id
            else REAUTH_PASSWORD_SCHEMA
        )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=schema,
            errors=errors,
            description_placeholders={
                "username": entry.data[CONF_USERNAME],
                "host": entry.data[CONF_HOST],
                **(placeholders or {}),
            },
        )

    def _async_show_reconfigure_form(
        self, errors: dict[str, str] | None = None, placeholders: Mapping[str, str] | None = None
    ) -> ConfigFlowResult:
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(HOST_PORT_SCHEMA, self._form_values),
            errors=errors,
            description_placeholders={
                "name": self._get_reconfigure_entry().title,
                **(placeholders or {}),
            },
        )
