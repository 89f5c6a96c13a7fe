"""Packaging checks that hassfest and the HACS action would make (neither can run here)."""

from __future__ import annotations

import json
from pathlib import Path
import re

from PIL import Image
import pytest

REPO = Path(__file__).resolve().parents[2]
COMPONENT = REPO / "custom_components" / "proxmox_live"

# Keys HACS accepts in hacs.json (hacs/integration validate action, 2026)
HACS_KEYS = {
    "name",
    "content_in_root",
    "country",
    "filename",
    "hacs",
    "hide_default_branch",
    "homeassistant",
    "persistent_directory",
    "render_readme",
    "zip_release",
}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}


def _manifest() -> dict[str, object]:
    return json.loads((COMPONENT / "manifest.json").read_text())


def test_manifest_order_and_values() -> None:
    """domain, name, then the other keys sorted; the values a custom hub integration needs."""
    manifest = _manifest()
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == COMPONENT.name == "proxmox_live"
    assert manifest["config_flow"] is True
    assert manifest["integration_type"] == "hub"
    assert manifest["iot_class"] in IOT_CLASSES
    assert manifest["iot_class"] == "local_polling"
    assert manifest["requirements"] == []  # aiohttp and voluptuous come with Home Assistant
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(manifest["version"]))
    codeowners = manifest["codeowners"]
    assert isinstance(codeowners, list)
    assert codeowners
    assert all(str(owner).startswith("@") for owner in codeowners)
    for key in ("documentation", "issue_tracker"):
        assert str(manifest[key]).startswith("https://")


def test_manifest_version_matches_pyproject() -> None:
    """One version for the package and the integration."""
    pyproject = (REPO / "pyproject.toml").read_text()
    assert f'version = "{_manifest()["version"]}"' in pyproject


def test_hacs_json_only_known_keys() -> None:
    """hacs.json holds only keys HACS accepts, and the real minimum Home Assistant version."""
    hacs = json.loads((REPO / "hacs.json").read_text())
    assert set(hacs) <= HACS_KEYS
    assert hacs["name"] == _manifest()["name"]
    requirements = (REPO / "requirements_test.txt").read_text()
    assert "pytest-homeassistant-custom-component==" in requirements
    minimum = tuple(int(p) for p in hacs["homeassistant"].split("."))
    # the integration uses ConfigEntry generics, config_entry= coordinators and brand/ icons (2026.3+)
    assert minimum >= (2026, 3, 0)


@pytest.mark.parametrize("name", ["LICENSE", "README.md", "info.md", "hacs.json"])
def test_repository_files_present(name: str) -> None:
    """The files HACS looks for at the repository root."""
    assert (REPO / name).is_file()
    assert (REPO / name).stat().st_size > 100 or name == "hacs.json"


def test_license_is_spdx_mit() -> None:
    """HACS wants a license it can identify."""
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert 'license = "MIT"' in (REPO / "pyproject.toml").read_text()


@pytest.mark.parametrize(("name", "size"), [("icon.png", (256, 256)), ("icon@2x.png", (512, 512))])
def test_brand_icons(name: str, size: tuple[int, int]) -> None:
    """Home Assistant's brand images inside the integration: square PNGs of the expected size."""
    with Image.open(COMPONENT / "brand" / name) as image:
        assert image.format == "PNG"
        assert image.size == size


def test_brand_logo() -> None:
    """The logo: a PNG with the short side 256 px (Home Assistant's brands rules)."""
    with Image.open(COMPONENT / "brand" / "logo.png") as image:
        assert image.format == "PNG"
        assert min(image.size) == 256


def test_no_strings_json() -> None:
    """Custom integrations keep their texts in translations/en.json."""
    assert not (COMPONENT / "strings.json").exists()
    assert (COMPONENT / "translations" / "en.json").is_file()
