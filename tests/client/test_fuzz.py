"""Property-based tests: arbitrary JSON into every parser, arbitrary bytes into the envelope.

Only a valid model or :class:`PveInvalidResponseError` may come out (for the ticket also the
two-factor authentication error); parsed numbers are always finite and never negative.

Every ``parse_*`` function of :mod:`~custom_components.proxmox_live.pve.parsing` is in ``PARSERS``
(``test_every_parser_is_fuzzed`` checks it), and each parser gets its own examples: ``PER_PARSER``
arbitrary JSON values and ``PER_PARSER`` near-valid ones (its sample with fields replaced). With
18 parser entries that is 2 x 18 x 40 = 1440 parser examples (before: 300 spread over all parsers),
plus 150 HTTP answers into the envelope and 2 x 150 for the value converters: 1890 per run.
"""

from __future__ import annotations

from collections.abc import Callable
import contextlib
import dataclasses
import inspect
import math

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.proxmox_live.pve import parsing, values
from custom_components.proxmox_live.pve.errors import (
    PveError,
    PveInvalidResponseError,
    PveTwoFactorRequiredError,
)
from custom_components.proxmox_live.pve.responses import interpret

from . import samples

EXAMPLES = 150
PER_PARSER = 40
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors, HealthCheck.data_too_large],
)
FUZZ_PARSER = settings(FUZZ, max_examples=PER_PARSER)

leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["0", "1", "0.5", "-1", "nan", "inf", "1e400", "fake", "a;b,c", "100,101", ""])
)
json_values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)

# Every key any parser reads, so that near-valid objects reach deep into the parsers.
KEYS = sorted({
    "active", "agent", "all", "avail", "comment", "content", "cpu", "cpuinfo", "cpus", "crm_state",
    "CSRFPreventionToken", "current-kernel", "disk", "diskread", "diskwrite", "dow", "enabled", "endtime",
    "exclude", "ha", "hastate", "id", "ip", "kversion", "level", "loadavg", "local", "lock", "maxcpu",
    "maxdisk", "maxmem", "mem", "memory", "model", "name", "NeedTFA", "netin", "netout", "next-run", "node",
    "nodeid", "online", "pid", "plugintype", "pool", "pstart", "pveversion", "qmpstatus", "quorate",
    "release", "repoid", "request_state", "rootfs", "schedule", "shared", "sid", "ssl_fingerprint",
    "starttime", "state", "status", "storage", "swap", "tags", "template", "ticket", "total", "type", "upid",
    "uptime", "used", "used_fraction", "user", "username", "version", "vmid", "wait", "free", "available",
    "clustername", "volid", "ctime", "size", "format", "notes", "protected",
})  # fmt: skip


def near_valid(sample: object) -> st.SearchStrategy[object]:
    """Objects shaped like ``sample`` with some values replaced by arbitrary JSON."""
    if isinstance(sample, dict):
        return st.fixed_dictionaries(
            {},
            optional={
                **dict.fromkeys(KEYS, json_values),
                **{key: near_valid(value) | json_values for key, value in sample.items()},
            },
        )
    if isinstance(sample, list):
        return st.lists(st.one_of(*(near_valid(item) for item in sample)) | json_values, max_size=5)
    return json_values


type Parser = Callable[[object], object]

PARSERS: dict[str, tuple[Parser, object]] = {
    "version": (parsing.parse_version, samples.VERSION),
    "ticket": (parsing.parse_ticket, samples.TICKET),
    "nodes": (parsing.parse_nodes, samples.NODES),
    "node_status": (lambda d: parsing.parse_node_status(d, "pve1"), samples.NODE_STATUS_PVE9),
    "qemu": (lambda d: parsing.parse_guests(d, "pve1", "qemu"), samples.QEMU_LIST_PVE8),
    "lxc": (lambda d: parsing.parse_guests(d, "pve1", "lxc"), samples.LXC_LIST_PVE7),
    "guest_status": (
        lambda d: parsing.parse_guest_status(d, "pve1", "qemu", 100),
        samples.QEMU_STATUS_CURRENT,
    ),
    "lxc_status": (
        lambda d: parsing.parse_guest_status(d, "pve1", "lxc", 101),
        samples.LXC_STATUS_CURRENT_STOPPED,
    ),
    "node_status_pve7": (lambda d: parsing.parse_node_status(d, "pve1"), samples.NODE_STATUS_PVE7),
    "standalone_status": (parsing.parse_cluster_status, samples.STANDALONE_STATUS),
    "resources": (parsing.parse_cluster_resources, samples.CLUSTER_RESOURCES),
    "cluster_status": (parsing.parse_cluster_status, samples.CLUSTER_STATUS),
    "storages": (lambda d: parsing.parse_storages(d, "pve1"), samples.STORAGES),
    "tasks": (lambda d: parsing.parse_tasks(d, "pve1"), samples.TASKS),
    "backup_jobs": (parsing.parse_backup_jobs, samples.BACKUP_JOBS),
    "backup_volumes": (
        lambda d: parsing.parse_backup_volumes(d, "pve1", "nfs-backup"),
        samples.BACKUP_VOLUMES,
    ),
    "not_backed_up": (parsing.parse_not_backed_up, samples.NOT_BACKED_UP),
    "ha": (parsing.parse_ha_status, samples.HA_STATUS),
    "permissions": (parsing.parse_permissions, samples.PERMISSIONS),
}


def check_model(value: object) -> None:
    """Numbers in models are finite, non-negative and of the declared kind."""
    if isinstance(value, list | tuple):
        for item in value:
            check_model(item)
        return
    if not dataclasses.is_dataclass(value):
        assert isinstance(value, str | int | float | bool | None)
        return
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if isinstance(item, float):
            assert math.isfinite(item)
            assert item >= 0
        elif isinstance(item, int) and not isinstance(item, bool):
            assert item >= 0
        elif isinstance(item, list | tuple) or dataclasses.is_dataclass(item):
            check_model(item)


def run(name: str, data: object) -> None:
    parse, _sample = PARSERS[name]
    try:
        result = parse(data)
    except PveTwoFactorRequiredError:
        assert name == "ticket"
    except PveInvalidResponseError:
        pass
    else:
        check_model(result)


def test_every_parser_is_fuzzed() -> None:
    """Each public parse_* function of the client is reached by an entry of PARSERS."""
    parsers = {
        name for name, _ in inspect.getmembers(parsing, inspect.isfunction) if name.startswith("parse_")
    }
    fuzzed: set[str] = set()
    for parse, _sample in PARSERS.values():
        code = parse.__code__
        fuzzed |= {parse.__name__} | {name for name in code.co_names if name.startswith("parse_")}
    parsers.discard("parse_list")  # the generic list helper every list parser goes through
    assert parsers <= fuzzed, parsers - fuzzed


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ_PARSER
@given(data=json_values)
def test_arbitrary_json(name: str, data: object) -> None:
    run(name, data)


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ_PARSER
@given(data=st.data())
def test_near_valid_json(name: str, data: st.DataObject) -> None:
    run(name, data.draw(near_valid(PARSERS[name][1])))


@FUZZ
@given(value=json_values, strings=st.booleans())
def test_numbers_are_finite_and_not_negative(value: object, strings: bool) -> None:
    """The converters every parser uses: None, or a finite number at or above the minimum."""
    number = values.to_float(value, strings=strings)
    assert number is None or (math.isfinite(number) and number >= 0)
    whole = values.to_int(value, strings=strings)
    assert whole is None or (isinstance(whole, int) and whole >= 0)


@FUZZ
@given(value=json_values)
def test_other_converters_never_raise(value: object) -> None:
    """Booleans, texts, word lists and VMID lists: a value of the right type, or None."""
    assert values.to_bool(value) in (True, False, None)
    assert values.to_text(value) is None or isinstance(values.to_text(value), str)
    words = values.split_words(value)
    assert words is None or all(isinstance(word, str) and word for word in words)
    vmids = values.vmid_list(value)
    assert vmids is None or all(isinstance(vmid, int) and vmid > 0 for vmid in vmids)


def test_samples_parse() -> None:
    for name, (parse, sample) in PARSERS.items():
        assert parse(sample) is not None, name
        check_model(parse(sample))


@FUZZ
@given(
    status=st.integers(min_value=100, max_value=599),
    reason=st.none() | st.text(max_size=40),
    content_type=st.sampled_from(["application/json", "text/html", "", "text/plain"]),
    body=st.binary(max_size=200) | json_values.map(lambda v: repr(v).encode()),
)
def test_arbitrary_http_answers(status: int, reason: str | None, content_type: str, body: bytes) -> None:
    with contextlib.suppress(PveError):
        interpret(
            method="GET",
            path="/nodes/x/status",
            status=status,
            reason=reason,
            content_type=content_type,
            body=body,
        )
