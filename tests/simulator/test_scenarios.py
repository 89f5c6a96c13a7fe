"""Every scenario builds, deterministically, with the promised content."""

from __future__ import annotations

import time

import pytest

from simulator import scenarios
from simulator.cluster import Cluster


def _shape(cluster: Cluster) -> tuple[int, int]:
    return len(cluster.nodes), len(cluster.guests)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("standalone", (1, 5)),
        ("cluster3", (3, 30)),
        ("demo", (3, 12)),
        ("S", (1, 10)),
        ("M", (3, 100)),
        ("L", (10, 1000)),
    ],
)
def test_sizes(name: str, expected: tuple[int, int]) -> None:
    cluster = scenarios.get(name)
    assert _shape(cluster) == expected
    cluster.bind(lambda: 1_800_000_000.0)
    assert cluster.tasks, "vzdump history"
    assert cluster.not_backed_up(), "at least one guest never backed up"


def test_unknown_name() -> None:
    with pytest.raises(KeyError, match="choose one of"):
        scenarios.get("XL")


def test_deterministic() -> None:
    def snapshot(cluster: Cluster) -> list[tuple[object, ...]]:
        cluster.bind(lambda: 1_800_000_000.0)
        return [
            (g.vmid, g.type, g.node, g.name, g.runs, g.cpus, g.maxmem) for g in cluster.guests.values()
        ] + [(t.upid, t.status) for t in cluster.tasks]

    assert snapshot(scenarios.cluster3()) == snapshot(scenarios.cluster3())
    assert snapshot(scenarios.L()) == snapshot(scenarios.L())


def test_cluster3_content() -> None:
    cluster = scenarios.cluster3()
    assert cluster.name == "homelab"
    assert list(cluster.nodes) == ["pve1", "pve2", "pve3"]
    assert sorted(cluster.guests) == list(range(100, 130))
    kinds = {g.type for g in cluster.guests.values()}
    assert kinds == {"qemu", "lxc"}
    assert [g.vmid for g in cluster.guests.values() if g.template] == [129]
    stopped = [g for g in cluster.guests.values() if cluster.running_since(g, 0) is None and not g.template]
    assert 1 <= len(stopped) <= 5
    assert {s.sid: (s.type, s.shared) for s in cluster.storages.values()} == {
        "local": ("dir", False),
        "local-lvm": ("lvmthin", False),
        "nfs-backup": ("nfs", True),
        "cephfs": ("cephfs", True),
    }
    assert cluster.storages["nfs-backup"].content == ("backup",)
    assert all(cluster.guests[v].type == "qemu" for v in cluster.ha_resources)
    assert len(cluster.ha_resources) == 2
    for node in cluster.nodes:  # every node has both kinds
        assert {g.type for g in cluster.guests_on(node)} == {"qemu", "lxc"}


def test_demo_content() -> None:
    cluster = scenarios.demo()
    cluster.bind(lambda: 1_800_000_000.0)
    assert cluster.guests[108].paused
    assert cluster.guests[104].lock == "backup"
    assert [g.vmid for g in cluster.not_backed_up()] == [109]
    failed = [t for t in cluster.tasks if t.status == "job errors"]
    assert [t.id for t in failed] == ["103"]
    assert failed[0].starttime > 1_800_000_000 - 86400


def test_large_builds_fast() -> None:
    started = time.perf_counter()
    cluster = scenarios.L()
    cluster.bind(lambda: 1_800_000_000.0)
    assert time.perf_counter() - started < 1.0
