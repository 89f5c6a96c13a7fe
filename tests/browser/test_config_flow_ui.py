"""Home Assistant's UI in a real browser: add Proxmox VE Live as a user would, then look at its devices.

Both scenarios drive the real "Add integration" dialog (search, pick, form, certificate menu) of a
real Home Assistant against the simulator; see ``conftest.py`` for the stack and the artifacts.
"""

from __future__ import annotations

from collections.abc import Callable
import json
import re
import time
from typing import Any, Literal
import uuid

from playwright.sync_api import Locator, Page, expect
import pytest

from custom_components.proxmox_live.const import DOMAIN

from .helpers import COMPONENT_TRANSLATIONS, Stack, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(360)]

TEXTS: dict[str, Any] = json.loads(COMPONENT_TRANSLATIONS.read_text())["config"]
INVALID_AUTH = TEXTS["error"]["invalid_auth"]
TLS_TITLE = TEXTS["step"]["tls"]["title"]
TLS_PIN = TEXTS["step"]["tls"]["menu_options"]["tls_pin"]
USER_TITLE = TEXTS["step"]["user"]["title"]
FIELDS = TEXTS["step"]["user"]["data"]

CLUSTER = "demo"  # the demo scenario's cluster: the entry's title and the cluster device's name
VM = "homeassistant"  # a running virtual machine of the demo scenario


def field(page: Page, key: str, role: Literal["textbox", "spinbutton"] = "textbox") -> Locator:
    """A form field by its label (required fields show ``*`` after it)."""
    return page.get_by_role(role, name=re.compile(rf"^{re.escape(FIELDS[key])}\*?$"))


def open_add_integration(page: Page, stack: Stack) -> None:
    """Settings -> Devices & services -> Add integration -> search -> Proxmox VE Live."""
    page.goto(f"{stack.ha.url}/config/integrations/dashboard")
    page.get_by_role("button", name="Add integration").click()
    page.get_by_placeholder("Search for a brand name").fill("Proxmox VE Live")
    page.get_by_role("button", name="Proxmox VE Live", exact=True).click()
    expect(page.get_by_text(USER_TITLE)).to_be_visible(timeout=60_000)


def fill_user_form(page: Page, stack: Stack, *, token_secret: str) -> None:
    """Fill the first step with a token (the password field stays empty) and submit it."""
    sim = stack.sim
    field(page, "host").fill(sim.host)
    field(page, "port", role="spinbutton").fill(str(sim.port))
    field(page, "username").fill(sim.username)
    field(page, "token_id").fill(sim.token_id)
    field(page, "token_secret").fill(token_secret)
    page.get_by_role("button", name="Submit").click()


def trust_certificate(page: Page, stack: Stack, *, screenshot_name: str | None = None) -> None:
    """The certificate step: the simulator's fingerprint is shown; pin it."""
    expect(page.get_by_text(TLS_TITLE)).to_be_visible(timeout=60_000)
    expect(page.get_by_text(stack.sim.fingerprint)).to_be_visible()
    if screenshot_name:
        screenshot(page, screenshot_name)
    page.get_by_text(TLS_PIN).click()


def wait_for(predicate: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Poll ``predicate`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.5)


def devices(page: Page) -> list[dict[str, Any]]:
    """Home Assistant's device registry, through the frontend's own websocket connection."""
    result: list[dict[str, Any]] = page.evaluate(
        "() => document.querySelector('home-assistant').hass.callWS({type: 'config/device_registry/list'})"
    )
    return result


def entity_id_of(stack: Stack, friendly_name: str) -> str:
    """The entity id whose state's friendly name is ``friendly_name`` (device name + entity name)."""
    matches = [
        eid for eid, st in stack.states().items() if st["attributes"].get("friendly_name") == friendly_name
    ]
    assert len(matches) == 1, f"{friendly_name!r}: {matches}"
    return matches[0]


def row_value(page: Page, name: str, pattern: str) -> str | None:
    """The value an entity row named ``name`` shows, if it matches ``pattern`` (a number with its unit)."""
    row = page.locator("hui-sensor-entity-row, hui-simple-entity-row", has_text=name).first
    if not row.count():
        return None
    found = re.search(rf"{re.escape(name)}\s+{pattern}", row.aria_snapshot())
    return found.group(1) if found else None


def assert_row_matches_state(page: Page, stack: Stack, device: str, name: str, pattern: str) -> str:
    """The device page's row shows a value of the pattern equal to the entity's state in Home Assistant."""
    entity_id = entity_id_of(stack, f"{device} {name}")

    def agree() -> str | None:
        shown = row_value(page, name, pattern)
        state = stack.states()[entity_id]["state"]
        return shown if shown is not None and float(shown) == float(state) else None

    # Live values change every second or two: poll until the page and the state agree.
    return str(wait_for(agree, timeout=30, what=f"{device} {name} on the page to match {entity_id}"))


def test_wrong_token_shows_invalid_auth(page: Page, stack: Stack) -> None:
    """A wrong token secret: after the certificate step, the form shows the invalid-auth error."""
    open_add_integration(page, stack)
    fill_user_form(page, stack, token_secret=str(uuid.uuid4()))
    trust_certificate(page, stack)

    expect(page.get_by_text(INVALID_AUTH)).to_be_visible(timeout=60_000)
    # Back on the credentials form, with what was typed (but no secret) kept.
    expect(field(page, "host")).to_have_value(stack.sim.host)
    expect(field(page, "token_secret")).to_have_value("")
    screenshot(page, "config-flow-invalid-auth")
    page.get_by_role("button", name="Close").first.click()
    assert stack.entries() == []


def test_add_integration_and_see_live_values(page: Page, stack: Stack) -> None:
    """Add the integration through the dialog, then check the cluster's and a VM's device pages."""
    open_add_integration(page, stack)
    screenshot(page, "config-flow-form")
    fill_user_form(page, stack, token_secret=stack.sim.token_secret)
    trust_certificate(page, stack, screenshot_name="config-flow-certificate")

    # The success step lists the new devices (to name them and assign areas), the cluster first.
    finish = page.get_by_role("button", name=re.compile(r"^(Skip and )?finish$", re.IGNORECASE))
    expect(finish).to_be_visible(timeout=60_000)
    expect(page.get_by_role("textbox", name="Device name").first).to_have_value(CLUSTER)
    screenshot(page, "config-flow-created")
    finish.click()

    entries = wait_for(
        lambda: [e for e in stack.entries() if e["state"] == "loaded"], timeout=60, what="a loaded entry"
    )
    assert [(e["domain"], e["title"]) for e in entries] == [(DOMAIN, CLUSTER)]

    ours = [d for d in devices(page) if any(i[0] == DOMAIN for i in d["identifiers"])]
    cluster = next(d for d in ours if d["name"] == CLUSTER and d["via_device_id"] is None)
    vm = next(d for d in ours if d["name"] == VM)

    # The cluster's device page: counts from the inventory tier.
    page.goto(f"{stack.ha.url}/config/devices/device/{cluster['id']}")
    expect(page.get_by_text(CLUSTER, exact=True).first).to_be_visible()
    nodes = assert_row_matches_state(page, stack, CLUSTER, "Nodes online", r"(\d+)\b")
    assert nodes == "3"
    assert_row_matches_state(page, stack, CLUSTER, "Guests running", r"(\d+)\b")
    screenshot(page, "device-cluster", full_page=True)

    # A VM's device page: live CPU and memory, updating in place without a reload.
    page.goto(f"{stack.ha.url}/config/devices/device/{vm['id']}")
    percent = r"(\d+(?:\.\d+)?)\s?%"
    first = {
        name: assert_row_matches_state(page, stack, VM, name, percent)
        for name in ("CPU usage", "Memory usage")
    }

    def changed() -> bool:
        shown = {name: row_value(page, name, percent) for name in first}
        return any(value is not None and value != first[name] for name, value in shown.items())

    # Small moves are held for up to 20 s (values.HOLD_MAX_AGE) and a republished value can round to
    # the one shown: allow three republications of either value.
    wait_for(changed, timeout=65, what="the VM's CPU or memory usage to change on the page")
    assert row_value(page, "Status", r"(\w+)") == "Running"
    screenshot(page, "device-vm", full_page=True)
