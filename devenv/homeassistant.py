"""A real Home Assistant instance in a subprocess, with this integration on its path."""

from __future__ import annotations

import json
from pathlib import Path
import shutil
import socket
import sys
import time
import urllib.error
import urllib.request

from .processes import ManagedProcess

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "config" / "configuration.yaml"


class HomeAssistantInstance:
    """Home Assistant run as ``hass -c <config_dir>``, serving on 127.0.0.1:<port>."""

    def __init__(self, config_dir: Path, *, port: int = 8123) -> None:
        self.config_dir = config_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_file = config_dir / "home-assistant.console.log"
        hass_bin = Path(sys.executable).parent / "hass"
        self._process = ManagedProcess(
            [str(hass_bin), "-c", str(config_dir), "--log-no-color"], log_file=self.log_file
        )

    def prepare(self, *, fresh: bool = False) -> None:
        """Lay out the config directory: configuration.yaml and a link to the integration."""
        if fresh and self.config_dir.exists() and self.config_dir != TEMPLATE.parent:
            shutil.rmtree(self.config_dir)
        elif fresh and self.config_dir.exists():
            for child in self.config_dir.iterdir():
                if child.name != TEMPLATE.name:
                    shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        self.config_dir.mkdir(parents=True, exist_ok=True)
        if self.config_dir != TEMPLATE.parent:
            shutil.copy(TEMPLATE, self.config_dir / "configuration.yaml")
        components = self.config_dir / "custom_components"
        components.mkdir(exist_ok=True)
        link = components / "proxmox_live"
        if not link.exists():
            link.symlink_to(REPO / "custom_components" / "proxmox_live")

    def ensure_port_free(self) -> None:
        """Raise a clear error when something already listens on the port (another Home Assistant?)."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            in_use = probe.connect_ex(("127.0.0.1", self.port)) == 0
        if in_use:
            raise RuntimeError(
                f"Port {self.port} on 127.0.0.1 is already in use (is scripts/develop or another Home "
                "Assistant running?). Stop it first: this Home Assistant must serve on that port."
            )

    def start(self) -> None:
        """Start Home Assistant (returns at once; see ``wait_until_up``)."""
        self._process.start()

    def wait_until_up(self, timeout: float = 240.0) -> None:
        """Wait until the HTTP server answers and the frontend is served."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._process.running:
                raise RuntimeError(f"Home Assistant exited; see {self.log_file}")
            try:
                with urllib.request.urlopen(f"{self.url}/manifest.json", timeout=5) as resp:  # noqa: S310
                    if resp.status == 200:
                        return
            except urllib.error.URLError, OSError:
                pass
            time.sleep(1)
        raise TimeoutError(f"Home Assistant did not answer within {timeout:.0f} s; see {self.log_file}")

    def api(self, method: str, path: str, token: str, body: object | None = None) -> object:
        """Call Home Assistant's REST API with a bearer token; returns the decoded JSON."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(  # noqa: S310
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            return json.loads(resp.read() or b"null")

    @property
    def running(self) -> bool:
        """True while the Home Assistant process has not exited."""
        return self._process.running

    def stop(self) -> int | None:
        """Stop Home Assistant (TERM, then KILL)."""
        return self._process.stop()
