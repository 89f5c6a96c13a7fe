"""A real Home Assistant, the simulator and headless Chromium, for tests that use the UI as a user would.

The simulator (a child process) and Home Assistant (``hass -c <tmp dir>`` on 127.0.0.1:8123) start
once per module, and Home Assistant is onboarded through its API; every test launches Chromium and
logs in through the login page.

Artifacts (git-ignored) go to ``artifacts/``: screenshots to ``artifacts/screenshots/``; on a failure
a screenshot, the page's HTML and its accessibility tree to ``artifacts/browser-failures/``; the logs
of Home Assistant and the simulator to ``artifacts/browser-logs/``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
import shutil
from typing import Any

from playwright.sync_api import Browser, Page, Playwright, sync_playwright
import pytest
import pytest_socket

from devenv.homeassistant import HomeAssistantInstance
from devenv.onboarding import onboard
from devenv.simulator_process import SimulatorProcess

from .helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    HA_START_TIMEOUT,
    LOGS,
    UI_TIMEOUT_MS,
    VIEWPORT,
    Stack,
    log_in,
    save_failure,
)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """The test talks to Home Assistant on 127.0.0.1 (pytest-socket allows no more)."""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The simulator (demo scenario) and an onboarded Home Assistant with no Proxmox entry yet."""
    # Module fixtures are set up before the function-scoped ``socket_enabled``.
    pytest_socket.enable_socket()
    state = tmp_path_factory.mktemp("browser-stack")
    ha = HomeAssistantInstance(state / "config")
    try:
        ha.ensure_port_free()
    except RuntimeError as err:
        pytest.fail(str(err), pytrace=False)
    sim_process = SimulatorProcess("demo", state_dir=state / "simulator")
    try:
        sim = sim_process.start()
        ha.prepare(fresh=True)
        ha.start()
        ha.wait_until_up(timeout=HA_START_TIMEOUT)
        token = onboard(ha.url)
        yield Stack(ha=ha, token=token, sim=sim)
    finally:
        ha.stop()
        sim_process.stop()
        LOGS.mkdir(parents=True, exist_ok=True)
        for log in (ha.log_file, sim_process.log_file):
            if log.is_file():
                shutil.copy(log, LOGS / log.name)


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Headless Chromium from Debian's package, driven by Playwright (no downloaded browser).

    Per test, not per module: between its calls Playwright's sync API marks its own event loop as the
    thread's running loop, and the async fixtures of Home Assistant's test plugin (run by
    pytest-asyncio before every test) then refuse to run. Launching Chromium takes about a second.
    """
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: run scripts/setup (installs Debian's chromium)", pytrace=False)
    playwright: Playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, stack: Stack, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context, logged in through Home Assistant's login page."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page, stack.ha.url)
        yield page
    finally:
        failed = any(
            getattr(getattr(request.node, f"report_{when}", None), "failed", False)
            for when in ("setup", "call")
        )
        if failed:
            save_failure(page, request.node.name)
        context.close()
