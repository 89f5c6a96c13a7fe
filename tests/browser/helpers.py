"""The browser tests' stack, constants and page helpers (fixtures are in ``conftest.py``)."""

from __future__ import annotations

from dataclasses import dataclass
import os
from pathlib import Path
import re
import time
from typing import Any

from playwright.sync_api import Page, ViewportSize, expect

from devenv.flows import proxmox_entries
from devenv.homeassistant import REPO, HomeAssistantInstance
from devenv.onboarding import DEMO_USER
from devenv.simulator_process import SimulatorEndpoint

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "browser-failures"
LOGS = ARTIFACTS / "browser-logs"
COMPONENT_TRANSLATIONS = REPO / "custom_components" / "proxmox_live" / "translations" / "en.json"
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# Generous: a CI machine is slow, and Home Assistant's first start installs its frontend.
HA_START_TIMEOUT = 240.0
UI_TIMEOUT_MS = 60_000

expect.set_options(timeout=30_000)


@dataclass(frozen=True)
class Stack:
    """The running Home Assistant, its owner's access token, and the simulated Proxmox VE."""

    ha: HomeAssistantInstance
    token: str
    sim: SimulatorEndpoint

    def api(self, method: str, path: str, body: object | None = None) -> Any:
        """Home Assistant's REST API as the owner."""
        return self.ha.api(method, path, self.token, body)

    def states(self) -> dict[str, dict[str, Any]]:
        """Every state, by entity id."""
        return {state["entity_id"]: state for state in self.api("GET", "/api/states")}

    def entries(self) -> list[dict[str, Any]]:
        """The config entries of Proxmox VE Live."""
        return proxmox_entries(self.ha, self.token)


def log_in(page: Page, base_url: str) -> None:
    """Sign in as the demo owner through the login page, wait until the frontend is connected."""
    page.goto(f"{base_url}/")
    page.wait_for_url(re.compile(r"/auth/authorize"))
    page.get_by_role("textbox", name="Username").fill(DEMO_USER["username"])
    page.get_by_role("textbox", name="Password", exact=True).fill(DEMO_USER["password"])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_function(
        "() => document.querySelector('home-assistant')?.hass?.connected === true", timeout=UI_TIMEOUT_MS
    )


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot to ``artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def save_failure(page: Page, test_name: str) -> None:
    """Screenshot, HTML and accessibility tree (which, unlike the HTML, shows inside shadow roots)."""
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem = FAILURES / f"{test_name}-{time.strftime('%Y%m%d-%H%M%S')}"
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(page.content())
        Path(f"{stem}.aria.yaml").write_text(f"# {page.url}\n{page.locator('body').aria_snapshot()}")
    except Exception as err:  # noqa: BLE001 - best effort: never hide the test's own failure
        Path(f"{stem}.error.txt").write_text(f"could not save the page: {err!r}\n")
