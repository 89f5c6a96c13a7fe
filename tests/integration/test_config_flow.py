"""The user flow against the simulator over real sockets: credentials, certificate trust, privileges."""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Iterator
from functools import partial
import json
from pathlib import Path
import socket
import ssl
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.proxmox_live.const import (
    CONF_FINGERPRINT,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_TOKEN_ID,
    CONF_TOKEN_SECRET,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    DOMAIN,
)
from custom_components.proxmox_live.flow_validation import normalize_host, server_identity
from custom_components.proxmox_live.pve.client import PveClient
from custom_components.proxmox_live.pve.errors import (
    PveConnectionError,
    PveError,
    PveTlsError,
    PveTwoFactorRequiredError,
)
from custom_components.proxmox_live.pve.models import ClusterNode, ClusterStatus, Permissions
from simulator.pytest_plugin import SimulatorFactory
from simulator.server import Simulator

TRANSLATIONS = Path(__file__).parents[2] / "custom_components" / DOMAIN / "translations" / "en.json"
SECRETS = (CONF_TOKEN_SECRET, CONF_PASSWORD)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load the project's integration."""


@pytest.fixture(autouse=True)
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Flow tests end at the entry: its setup (and unload) is not their subject."""
    with (
        patch("custom_components.proxmox_live.async_setup_entry", return_value=True) as mock,
        patch("custom_components.proxmox_live.async_unload_entry", return_value=True),
    ):
        yield mock


@pytest.fixture(autouse=True)
def rejected_handshakes_expected(hass: HomeAssistant) -> None:
    """The client hangs up on the simulator's untrusted certificate: that is what these tests do.

    The debug event loop reports each refused handshake on the server side as an error, which would
    fail the test; only that report is dropped.
    """
    loop = hass.loop
    handler = loop.get_exception_handler()
    assert handler is not None

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") == "Error on transport creation for incoming connection" and isinstance(
            context.get("exception"), ConnectionResetError | ssl.SSLError
        ):
            return
        handler(loop, context)

    loop.set_exception_handler(handle)


def token_input(sim: Simulator, **changes: Any) -> dict[str, Any]:
    """The user form as someone with the recommended API token fills it in."""
    values = {
        CONF_HOST: sim.host,
        CONF_PORT: sim.port,
        CONF_USERNAME: sim.username,
        CONF_TOKEN_ID: sim.token_id,
        CONF_TOKEN_SECRET: sim.token_secret,
    }
    return {key: value for key, value in {**values, **changes}.items() if value is not None}


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def suggested_values(result: Any) -> dict[str, Any]:
    """What a form shows prefilled (defaults and suggested values), by field."""
    values: dict[str, Any] = {}
    for marker in result["data_schema"].schema:
        if (description := marker.description) and "suggested_value" in description:
            values[str(marker)] = description["suggested_value"]
        elif callable(default := getattr(marker, "default", None)):
            values[str(marker)] = default()
    return values


@pytest.fixture
def trust_simulator_ca(simulator: Simulator) -> Generator[None]:
    """Let the client verify the simulator's certificate against its CA, as with a real CA-signed one."""
    context = ssl.create_default_context(cadata=simulator.ca_pem.decode())
    with patch(
        "custom_components.proxmox_live.connection.PveClient", partial(PveClient, ssl_context=context)
    ):
        yield


async def start_user_flow(hass: HomeAssistant) -> str:
    """Open the user form and return the flow id."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] in (None, {})
    return str(result["flow_id"])


async def test_token_and_pinned_certificate(hass: HomeAssistant, simulator: Simulator) -> None:
    """The recommended path: token, then trust the self-signed certificate by its fingerprint."""
    flow_id = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, token_input(simulator))
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "tls"
    assert result["menu_options"] == ["tls_pin", "tls_insecure"]
    assert result["description_placeholders"] == {
        "host": "127.0.0.1",
        "port": str(simulator.port),
        "fingerprint": simulator.fingerprint,
    }

    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "tls_pin"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "homelab"
    assert result["result"].unique_id == "homelab"
    assert result["description"] == "optional_privileges"  # PVEAuditor cannot list backup volumes
    assert result["description_placeholders"] == {
        "name": "homelab",
        "warnings": (
            "- Last backup of guests in scheduled backup jobs (backup volumes): "
            "Datastore.AllocateSpace on /storage, VM.Backup on /vms"
        ),
    }
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_VERIFY_SSL: True,
        CONF_FINGERPRINT: simulator.fingerprint,
        CONF_USERNAME: "homeassistant@pve",
        CONF_TOKEN_ID: "monitoring",
        CONF_TOKEN_SECRET: simulator.token_secret,
    }
    assert result["options"] == {
        "live_interval": 2,
        "inventory_interval": 10,
        "storage_interval": 60,
        "backup_interval": 60,
    }


async def test_password_and_verification_off(hass: HomeAssistant, simulator: Simulator) -> None:
    """A password instead of a token; turning verification off is recorded as such."""
    flow_id = await start_user_flow(hass)
    user_input = token_input(
        simulator, token_id=None, token_secret=None, password=simulator.password, host=" 127.0.0.1 "
    )
    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert result["step_id"] == "tls"
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "tls_insecure"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_VERIFY_SSL: False,
        CONF_FINGERPRINT: None,
        CONF_USERNAME: "homeassistant@pve",
        CONF_PASSWORD: simulator.password,
    }


@pytest.mark.usefixtures("trust_simulator_ca")
async def test_trusted_certificate_needs_no_tls_step(hass: HomeAssistant, simulator: Simulator) -> None:
    """A certificate the system trusts: verified TLS, no question asked."""
    simulator.faults.grant_privilege("/storage", "Datastore.AllocateSpace")
    simulator.faults.grant_privilege("/vms", "VM.Backup")
    flow_id = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, token_input(simulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] is None  # every optional feature permitted: nothing to report
    assert result["data"][CONF_VERIFY_SSL] is True
    assert result["data"][CONF_FINGERPRINT] is None


async def test_full_token_id_pasted_into_username(hass: HomeAssistant, simulator: Simulator) -> None:
    """``user@realm!name`` in the username field is split into user and token name."""
    flow_id = await start_user_flow(hass)
    user_input = token_input(simulator, username="homeassistant@pve!monitoring", token_id=None)
    await hass.config_entries.flow.async_configure(flow_id, user_input)
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "tls_pin"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_USERNAME] == "homeassistant@pve"
    assert result["data"][CONF_TOKEN_ID] == "monitoring"


async def test_full_token_id_in_token_field(hass: HomeAssistant, simulator: Simulator) -> None:
    """``user@realm!name`` in the token field is reduced to the name; a password given too is not kept."""
    flow_id = await start_user_flow(hass)
    user_input = token_input(simulator, token_id="homeassistant@pve!monitoring", password="unused")
    await hass.config_entries.flow.async_configure(flow_id, user_input)
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "tls_pin"})
    assert result["data"][CONF_TOKEN_ID] == "monitoring"
    assert CONF_PASSWORD not in result["data"]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"host": "https://127.0.0.1"}, {CONF_HOST: "invalid_host"}),
        ({"host": "pve.example.com/api2/json"}, {CONF_HOST: "invalid_host"}),
        ({"host": "root:secret@pve.example.com"}, {CONF_HOST: "invalid_host"}),
        ({"host": "pve.example.com:8006"}, {CONF_HOST: "invalid_host"}),
        ({"host": "[fe80::1"}, {CONF_HOST: "invalid_host"}),
        ({"host": "fe80::1%eth0"}, {CONF_HOST: "invalid_host"}),
        ({"host": "192.168.1.300"}, {CONF_HOST: "invalid_host"}),
        ({"host": " "}, {CONF_HOST: "invalid_host"}),
        ({"port": 8006.5}, {CONF_PORT: "invalid_port"}),
        ({"username": "homeassistant"}, {CONF_USERNAME: "invalid_username"}),
        ({"username": "home assistant@pve"}, {CONF_USERNAME: "invalid_username"}),
        ({"token_id": "9lives"}, {CONF_TOKEN_ID: "invalid_token_id"}),
        ({"token_id": "other@pve!monitoring"}, {CONF_TOKEN_ID: "invalid_token_id"}),
        (
            {"username": "homeassistant@pve!monitoring", "token_id": "other"},
            {CONF_TOKEN_ID: "invalid_token_id"},
        ),
        ({"token_id": " "}, {CONF_TOKEN_ID: "missing_token_id"}),
        ({"token_secret": " "}, {CONF_TOKEN_SECRET: "missing_token_secret"}),
        ({"token_id": None, "token_secret": None}, {"base": "missing_credentials"}),
    ],
)
async def test_invalid_input(
    hass: HomeAssistant, simulator: Simulator, changes: dict[str, Any], errors: dict[str, str]
) -> None:
    """Malformed input stops at the form, names the field, and contacts nobody."""
    flow_id = await start_user_flow(hass)
    simulator.reset_counters()
    result = await hass.config_entries.flow.async_configure(flow_id, token_input(simulator, **changes))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == errors
    assert not simulator.counters
    assert not set(suggested_values(result)) & set(SECRETS)


@pytest.mark.parametrize("port", [0, 65536])
async def test_port_out_of_range(hass: HomeAssistant, simulator: Simulator, port: int) -> None:
    """The port field's own range check rejects the value."""
    flow_id = await start_user_flow(hass)
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(flow_id, token_input(simulator, port=port))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("pve1.example.com", "pve1.example.com"),
        ("pve1.example.com.", "pve1.example.com"),
        ("PVE1", "PVE1"),
        ("192.168.1.10", "192.168.1.10"),
        ("2001:db8::10", "2001:db8::10"),
        ("[2001:db8::10]", "2001:db8::10"),
        ("[fe80::1%eth0]", None),
        ("[pve1]", None),
        ("-pve1", None),
        ("pve_1", None),
        ("a" * 64, None),
        (("a" * 63 + ".") * 4 + "a", None),
    ],
)
def test_host_forms(host: str, expected: str | None) -> None:
    """Hostnames, IPv4 and IPv6 (bracketed or not) pass; anything else is refused."""
    assert normalize_host(host) == expected


async def test_wrong_secret_then_fixed(hass: HomeAssistant, simulator: Simulator) -> None:
    """A rejected secret sends the user back to the form (secret not kept); the certificate choice is kept."""
    flow_id = await start_user_flow(hass)
    await hass.config_entries.flow.async_configure(flow_id, token_input(simulator, token_secret="wrong"))
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "tls_pin"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "invalid_auth"}
    assert suggested_values(result) == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_USERNAME: "homeassistant@pve",
        CONF_TOKEN_ID: "monitoring",
    }

    result = await hass.config_entries.flow.async_configure(flow_id, token_input(simulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY  # no second certificate question
    assert result["data"][CONF_FINGERPRINT] == simulator.fingerprint


async def test_cannot_connect(hass: HomeAssistant) -> None:
    """Nothing listens on the port."""
    flow_id = await start_user_flow(hass)
    user_input = {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: closed_port(),
        CONF_USERNAME: "homeassistant@pve",
        CONF_PASSWORD: "secret",
    }
    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert result["errors"] == {"base": "cannot_connect"}


async def test_certificate_changed_before_pinning(
    hass: HomeAssistant, simulator: Simulator, simulator_factory: SimulatorFactory
) -> None:
    """The certificate shown is not the one met when pinning: ssl_error, and the next try asks again."""
    flow_id = await start_user_flow(hass)
    user_input = token_input(simulator)
    await hass.config_entries.flow.async_configure(flow_id, user_input)
    await simulator.stop()
    replacement = await simulator_factory(
        "cluster3", port=simulator.port, token_secret=simulator.token_secret
    )
    assert replacement.fingerprint != simulator.fingerprint

    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "tls_pin"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "ssl_error"}

    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert result["type"] is FlowResultType.MENU
    assert (result["description_placeholders"] or {})["fingerprint"] == replacement.fingerprint


async def test_fingerprint_read_separately(hass: HomeAssistant, simulator: Simulator) -> None:
    """When the TLS error carries no fingerprint, the flow reads the certificate itself."""
    failing = AsyncMock(side_effect=PveConnectionError("gone"))
    with patch("custom_components.proxmox_live.pve.transport.fetch_fingerprint", failing):
        flow_id = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(flow_id, token_input(simulator))
    assert result["type"] is FlowResultType.MENU
    assert (result["description_placeholders"] or {})["fingerprint"] == simulator.fingerprint


async def test_no_fingerprint_at_all(hass: HomeAssistant, simulator: Simulator) -> None:
    """No fingerprint can be read: the certificate cannot be offered, ssl_error."""
    failing = AsyncMock(side_effect=PveTlsError("handshake failed"))
    with (
        patch("custom_components.proxmox_live.pve.transport.fetch_fingerprint", failing),
        patch("custom_components.proxmox_live.flow_validation.fetch_fingerprint", failing),
    ):
        flow_id = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(flow_id, token_input(simulator))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "ssl_error"}


async def _pinned_attempt(hass: HomeAssistant, sim: Simulator) -> dict[str, Any]:
    flow_id = await start_user_flow(hass)
    await hass.config_entries.flow.async_configure(flow_id, token_input(sim))
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "tls_pin"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return dict(result)


@pytest.mark.parametrize(
    ("path", "privilege", "missing"),
    [
        ("/", "Sys.Audit", "Sys.Audit on /, Sys.Audit on /nodes"),
        ("/nodes", "Sys.Audit", "Sys.Audit on /nodes"),
        ("/vms", "VM.Audit", "VM.Audit on /vms"),
        ("/storage", "Datastore.Audit", "Datastore.Audit on /storage"),
    ],
)
async def test_insufficient_permissions(
    hass: HomeAssistant, simulator: Simulator, path: str, privilege: str, missing: str
) -> None:
    """A required privilege is missing: the error names each privilege and path."""
    simulator.faults.remove_privilege(path, privilege)
    result = await _pinned_attempt(hass, simulator)
    assert result["errors"] == {"base": "insufficient_permissions"}
    assert result["description_placeholders"] == {"missing": missing}


@pytest.mark.parametrize(
    ("status", "message", "error", "placeholders"),
    [
        (
            403,
            "Permission check failed (/, Sys.Audit)",
            "insufficient_permissions",
            {"missing": "Sys.Audit on /"},
        ),
        (
            403,
            "Forbidden",
            "insufficient_permissions",
            {"missing": "the privileges of the PVEAuditor role on /"},
        ),
        (
            595,
            "Errors during connection establishment, proxy handshake: No route to host",
            "cannot_connect",
            None,
        ),
        (500, "Internal error", "unknown", None),
    ],
)
async def test_errors_of_the_identity_read(
    hass: HomeAssistant,
    simulator: Simulator,
    *,
    status: int,
    message: str,
    error: str,
    placeholders: dict[str, str] | None,
) -> None:
    """Errors the privilege check did not foresee, on the cluster status read, map to form errors."""
    simulator.faults.add(r"/cluster/status$", "http_error", status=status, message=message)
    result = await _pinned_attempt(hass, simulator)
    assert result["errors"] == {"base": error}
    assert result["description_placeholders"] == (placeholders or {})


async def test_two_factor_user(hass: HomeAssistant, simulator: Simulator) -> None:
    """A password user with two-factor authentication is told to use a token."""
    challenge = AsyncMock(side_effect=PveTwoFactorRequiredError("NeedTFA"))
    flow_id = await start_user_flow(hass)
    user_input = token_input(simulator, token_id=None, token_secret=None, password=simulator.password)
    with patch.object(PveClient, "authenticate", challenge):
        result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert result["errors"] == {"base": "two_factor_required"}


async def test_unexpected_error(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Anything unforeseen is "unknown" and logged, without secrets."""
    with patch.object(PveClient, "get_permissions", side_effect=RuntimeError("boom")):
        result = await _pinned_attempt(hass, simulator)
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while testing the connection to 127.0.0.1" in caplog.text
    assert simulator.token_secret not in caplog.text


async def test_standalone_host_title(hass: HomeAssistant, simulator_factory: SimulatorFactory) -> None:
    """A host outside a cluster is identified by its node name."""
    sim = await simulator_factory("standalone")
    flow_id = await start_user_flow(hass)
    await hass.config_entries.flow.async_configure(flow_id, token_input(sim))
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "tls_pin"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "pve"
    assert result["result"].unique_id == "pve"


async def test_already_configured(hass: HomeAssistant, simulator: Simulator) -> None:
    """The same cluster cannot be added twice, whatever address leads to it."""
    MockConfigEntry(domain=DOMAIN, unique_id="homelab", title="homelab").add_to_hass(hass)
    flow_id = await start_user_flow(hass)
    await hass.config_entries.flow.async_configure(flow_id, token_input(simulator))
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "tls_insecure"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


def test_identity_and_privilege_edge_cases() -> None:
    """A cluster status without cluster or node is an error; an empty permission answer grants nothing."""
    with pytest.raises(PveError):
        server_identity(ClusterStatus(name=None, quorate=None, version=None, nodes=()))
    assert (
        server_identity(
            ClusterStatus(
                name=None, quorate=None, version=None, nodes=(ClusterNode(name="pve", online=True),)
            )
        )
        == "pve"
    )
    assert not Permissions(paths={}).has("/nodes", "Sys.Audit")
    # A more specific path listed without the privilege is not rescued by its parent.
    restricted = Permissions(paths={"/": {"Sys.Audit": True}, "/nodes": {}})
    assert restricted.has("/", "Sys.Audit")
    assert not restricted.has("/nodes", "Sys.Audit")
    assert restricted.has("/storage", "Sys.Audit")


def test_translations_cover_the_flow() -> None:
    """Every form field has a label and a description; every error and abort has a text."""
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    config, options = strings["config"], strings["options"]
    for section in (config["step"].values(), options["step"].values()):
        for step in section:
            assert step["title"]
            assert set(step.get("data", {})) == set(step.get("data_description", {}))
    assert set(config["step"]["user"]["data"]) == {
        CONF_HOST,
        CONF_PORT,
        CONF_USERNAME,
        CONF_TOKEN_ID,
        CONF_TOKEN_SECRET,
        CONF_PASSWORD,
    }
    assert set(config["error"]) == {
        "cannot_connect",
        "invalid_auth",
        "ssl_error",
        "insufficient_permissions",
        "unknown",
        "invalid_host",
        "invalid_port",
        "invalid_username",
        "invalid_token_id",
        "missing_token_id",
        "missing_token_secret",
        "missing_credentials",
        "two_factor_required",
    }
    assert "{missing}" in config["error"]["insufficient_permissions"]
    assert {"already_configured", "unique_id_mismatch"} <= set(config["abort"])
