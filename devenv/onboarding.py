"""Onboard a fresh Home Assistant through its onboarding API and obtain an access token."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

DEMO_USER = {"name": "Demo", "username": "demo", "password": "proxmox-live-demo", "language": "en"}


def _post(url: str, body: object, *, token: str | None = None, form: bool = False) -> object:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if form:
        data = urllib.parse.urlencode(body).encode()  # type: ignore[arg-type]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method="POST", headers=headers)  # noqa: S310
    with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310
        return json.loads(resp.read() or b"null")


def is_onboarded(base_url: str) -> bool:
    """True when the user step of onboarding is done (``/api/onboarding`` then answers 404)."""
    try:
        with urllib.request.urlopen(f"{base_url}/api/onboarding", timeout=10) as resp:  # noqa: S310
            steps = json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code == 404
    return all(step["done"] for step in steps)


def onboard(base_url: str, user: dict[str, str] = DEMO_USER) -> str:
    """Create the owner, finish every onboarding step and return an access token for that user."""
    client_id = f"{base_url}/"
    created = _post(f"{base_url}/api/onboarding/users", {**user, "client_id": client_id})
    assert isinstance(created, dict)
    token = login_with_code(base_url, created["auth_code"], client_id)
    for step in ("core_config", "analytics"):
        _post(f"{base_url}/api/onboarding/{step}", {}, token=token)
    _post(
        f"{base_url}/api/onboarding/integration",
        {"client_id": client_id, "redirect_uri": f"{base_url}/?auth_callback=1"},
        token=token,
    )
    return token


def login_with_code(base_url: str, code: str, client_id: str) -> str:
    """Exchange an authorization code for an access token."""
    tokens = _post(
        f"{base_url}/auth/token",
        {"grant_type": "authorization_code", "code": code, "client_id": client_id},
        form=True,
    )
    assert isinstance(tokens, dict)
    return str(tokens["access_token"])


def login(base_url: str, username: str, password: str) -> str:
    """Sign in with the Home Assistant auth provider's login flow and return an access token."""
    client_id = f"{base_url}/"
    flow = _post(
        f"{base_url}/auth/login_flow",
        {"client_id": client_id, "handler": ["homeassistant", None], "redirect_uri": f"{base_url}/"},
    )
    assert isinstance(flow, dict)
    result = _post(
        f"{base_url}/auth/login_flow/{flow['flow_id']}",
        {"username": username, "password": password, "client_id": client_id},
    )
    assert isinstance(result, dict)
    return login_with_code(base_url, str(result["result"]), client_id)
