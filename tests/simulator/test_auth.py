"""Authentication as pveproxy does it: token header, ticket cookie, CSRF, 401 texts and delay."""

from __future__ import annotations

import time
from typing import Any

import pytest

from simulator import Simulator
from simulator.auth import Auth
from simulator.pytest_plugin import SimulatorFactory

from .conftest import Api, FakeClock


async def _login(api: Api, username: str, password: str) -> Any:
    return await api.request(
        "POST", "/access/ticket", token=False, data={"username": username, "password": password}
    )


async def test_token_header(api: Api, sim: Simulator) -> None:
    assert sim.token_header == f"PVEAPIToken=homeassistant@pve!monitoring={sim.token_secret}"
    assert (await api.get("/version")).status == 200
    wrong = await api.get("/version", token=False, headers={"Authorization": sim.token_header[:-1] + "x"})
    assert (wrong.status, wrong.reason) == (401, "Authentication failed!")
    assert wrong.body == {"data": None, "message": "Authentication failed!\n"}
    assert wrong.headers["Connection"] == "close"
    other = await api.get(
        "/version", token=False, headers={"Authorization": "PVEAPIToken=x@pve!monitoring=1"}
    )
    assert other.status == 401


async def test_no_credentials(api: Api) -> None:
    reply = await api.get("/nodes", token=False)
    assert (reply.status, reply.reason, reply.body["message"]) == (401, "No ticket", "No ticket\n")


async def test_ticket_login_cookie_and_renewal(api: Api, sim: Simulator, clock: FakeClock) -> None:
    reply = await _login(api, sim.username, sim.password)
    assert reply.status == 200
    ticket, csrf = reply.data["ticket"], reply.data["CSRFPreventionToken"]
    assert ticket.startswith("PVE:homeassistant@pve:")
    assert reply.data["username"] == sim.username
    cookie = {"Cookie": f"PVEAuthCookie={ticket}"}
    assert (await api.get("/nodes", token=False, headers=cookie)).status == 200

    clock.tick(3600)  # renew after an hour with the ticket as password
    renewed = await _login(api, sim.username, ticket)
    assert renewed.status == 200
    assert renewed.data["ticket"] != ticket

    clock.tick(3601)  # the first ticket is now older than 2 h, the renewed one is not
    expired = await api.get("/nodes", token=False, headers=cookie)
    assert (expired.status, expired.body["message"]) == (401, "Authentication failed!\n")
    fresh = {"Cookie": f"PVEAuthCookie={renewed.data['ticket']}"}
    assert (await api.get("/nodes", token=False, headers=fresh)).status == 200
    assert (await _login(api, sim.username, ticket)).status == 401  # an expired ticket cannot renew
    del csrf


async def test_login_with_realm_parameter(api: Api, sim: Simulator) -> None:
    reply = await api.request(
        "POST",
        "/access/ticket",
        token=False,
        data={"username": "homeassistant", "realm": "pve", "password": sim.password},
    )
    assert reply.status == 200
    assert reply.data["username"] == "homeassistant@pve"
    json_login = await api.request(
        "POST", "/access/ticket", token=False, json={"username": sim.username, "password": sim.password}
    )
    assert json_login.status == 200


async def test_wrong_password_and_missing_fields(api: Api, sim: Simulator) -> None:
    wrong = await _login(api, sim.username, "nope")
    assert (wrong.status, wrong.reason, wrong.body["message"]) == (
        401,
        "authentication failure",
        "authentication failure\n",
    )
    assert (await _login(api, "root@pam", sim.password)).status == 401
    missing = await api.request("POST", "/access/ticket", token=False, data={"username": sim.username})
    assert missing.status == 400
    assert missing.body["errors"] == {"password": "property is missing and it is not optional"}
    dummy = await api.get("/access/ticket", token=False)
    assert dummy.status == 200
    assert dummy.data is None


async def test_csrf_required_for_ticket_writes_not_for_tokens(api: Api, sim: Simulator) -> None:
    sim.faults.grant_privilege("/vms/107", "VM.PowerMgmt")
    login = (await _login(api, sim.username, sim.password)).data
    cookie = {"Cookie": f"PVEAuthCookie={login['ticket']}"}
    path = "/nodes/pve2/lxc/107/status/start"
    without = await api.request("POST", path, token=False, headers=cookie)
    assert (without.status, without.reason) == (401, "Permission denied - invalid csrf token")
    bad = await api.request("POST", path, token=False, headers={**cookie, "CSRFPreventionToken": "0:abc"})
    assert bad.status == 401
    ok = await api.request(
        "POST", path, token=False, headers={**cookie, "CSRFPreventionToken": login["CSRFPreventionToken"]}
    )
    assert ok.status == 200
    assert ok.data.startswith("UPID:pve2:")
    assert ":vzstart:107:homeassistant@pve:" in ok.data
    by_token = await api.request("POST", "/nodes/pve2/lxc/107/status/stop")
    assert by_token.status == 200
    assert ":vzstop:107:" in by_token.data
    assert sim.cluster.running_since(sim.cluster.guests[107], sim.clock()) is None


async def test_expire_tickets_and_revoke_token(api: Api, sim: Simulator) -> None:
    ticket = (await _login(api, sim.username, sim.password)).data["ticket"]
    cookie = {"Cookie": f"PVEAuthCookie={ticket}"}
    sim.faults.expire_tickets()
    assert (await api.get("/nodes", token=False, headers=cookie)).status == 401
    sim.faults.revoke_token()
    assert (await api.get("/nodes")).status == 401
    sim.faults.restore_token()
    assert (await api.get("/nodes")).status == 200
    garbage = await api.get("/nodes", token=False, headers={"Cookie": "PVEAuthCookie=PVE:x:y::z"})
    assert garbage.status == 401


async def test_401_is_delayed_by_scale(simulator_factory: SimulatorFactory, session: Any) -> None:
    sim = await simulator_factory("standalone", tls=False, auth_delay_scale=0.05)  # 3 s * 0.05
    api = Api(sim, session)
    started = time.perf_counter()
    assert (await api.get("/nodes", token=False)).status == 401
    assert time.perf_counter() - started >= 0.14
    started = time.perf_counter()
    assert (await api.get("/nodes")).status == 200
    assert time.perf_counter() - started < 0.14


@pytest.mark.parametrize("stamp", ["ZZZZ", "00000001"])
def test_ticket_stamp_validation(stamp: str) -> None:
    auth = Auth(lambda: 1_800_000_000.0, password="pw")
    assert auth.check_ticket(f"PVE:homeassistant@pve:{stamp}::sig") is None
    assert not auth.check_csrf("homeassistant@pve", f"{stamp}:sig")
    assert not auth.check_csrf("homeassistant@pve", None)


def test_token_prefix_required() -> None:
    auth = Auth(lambda: 0.0, token_secret="s")
    assert auth.check_token("Bearer x") is None
    assert auth.check_token("PVEAPIToken=homeassistant@pve!monitoring=s") is not None
