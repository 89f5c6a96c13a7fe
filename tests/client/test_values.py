"""Coercion of raw JSON values (``pve/values.py``)."""

from __future__ import annotations

import math

import pytest

from custom_components.proxmox_live.pve.errors import PveInvalidResponseError
from custom_components.proxmox_live.pve.values import (
    Record,
    split_words,
    to_bool,
    to_float,
    to_int,
    to_text,
    type_name,
    vmid_list,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        ("true", True),
        (" False ", False),
        (2, None),
        (-1, None),
        (1.0, None),
        ("maybe", None),
        (None, None),
        ([1], None),
    ],
)
def test_to_bool(raw: object, expected: bool | None) -> None:
    assert to_bool(raw) is expected


@pytest.mark.parametrize(
    ("raw", "strings", "expected"),
    [
        (0.25, False, 0.25),
        (3, False, 3.0),
        ("0.16", True, 0.16),
        (" 7 ", True, 7.0),
        ("0.16", False, None),
        (True, False, None),
        (False, True, None),
        (math.nan, False, None),
        (math.inf, False, None),
        ("nan", True, None),
        ("-inf", True, None),
        (-0.5, False, None),
        (10**400, False, None),
        ("", True, None),
        ("1" * 100, True, None),
        ("fake", True, None),
        (None, True, None),
        ({}, True, None),
    ],
)
def test_to_float(raw: object, strings: bool, expected: float | None) -> None:
    assert to_float(raw, strings=strings) == expected


def test_to_float_minimum() -> None:
    assert to_float(-2.5, minimum=None) == -2.5
    assert to_float(0.5, minimum=1.0) is None


@pytest.mark.parametrize(
    ("raw", "strings", "expected"),
    [
        (5, False, 5),
        (0, False, 0),
        (5.9, False, 5),
        (1.5e12, False, 1_500_000_000_000),
        ("101", True, 101),
        ("101", False, None),
        ("1e3", True, 1000),
        (True, False, None),
        (True, True, None),
        (-1, False, None),
        (math.nan, False, None),
        (math.inf, False, None),
        ("fake", True, None),
        ([5], True, None),
    ],
)
def test_to_int(raw: object, strings: bool, expected: int | None) -> None:
    assert to_int(raw, strings=strings) == expected


def test_to_int_minimum() -> None:
    assert to_int(-3, minimum=None) == -3
    assert to_int(0, minimum=1) is None


def test_to_text() -> None:
    assert to_text("web") == "web"
    assert to_text(1234) is None
    assert to_text(1234, numbers=True) == "1234"
    assert to_text(True, numbers=True) is None
    assert to_text(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("prod;web", ("prod", "web")),
        ("prod,web web ;; db", ("prod", "web", "db")),
        ("images,rootdir", ("images", "rootdir")),
        ("", ()),
        (["a", " b ", 3, "a"], ("a", "b")),
        (5, None),
        (None, None),
    ],
)
def test_split_words(raw: object, expected: tuple[str, ...] | None) -> None:
    assert split_words(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("100,101,102", (100, 101, 102)),
        ("100, 101;abc,,-5,100", (100, 101)),
        (105, (105,)),
        ([100, "101", None, True], (100, 101)),
        ("", ()),
        (True, None),
        ({}, None),
    ],
)
def test_vmid_list(raw: object, expected: tuple[int, ...] | None) -> None:
    assert vmid_list(raw) == expected


def test_type_name_never_shows_the_value() -> None:
    values: list[object] = [None, True, 1, 1.5, "s", [], {}]
    assert [type_name(v) for v in values] == [
        "null",
        "boolean",
        "number",
        "number",
        "string",
        "array",
        "object",
    ]
    assert type_name(b"x") == "bytes"


def test_record_requires_an_object() -> None:
    with pytest.raises(PveInvalidResponseError, match="guest: expected an object, got array"):
        Record([], "guest")


def test_record_required_and_optional_fields() -> None:
    rec = Record(
        {"name": "pve1", "empty": "", "count": "12", "cpu": 0.5, "flag": 1, "bad": "secret-value", "sub": {}},
        "node",
    )
    assert rec.what == "node"
    assert rec.text("name") == "pve1"
    assert rec.text("empty", empty=True) == ""
    assert rec.opt_text("empty") is None
    assert rec.integer("count", strings=True) == 12
    assert rec.opt_integer("count") is None
    assert rec.number("cpu") == 0.5
    assert rec.flag("flag") is True
    assert rec.opt_flag("missing") is None
    assert rec.has("cpu")
    assert not rec.has("missing")
    assert rec.child("sub") is not None
    assert rec.child("name") is None
    with pytest.raises(PveInvalidResponseError, match="field 'missing' is missing"):
        rec.text("missing")
    with pytest.raises(PveInvalidResponseError, match="field 'empty' is empty"):
        rec.text("empty")
    with pytest.raises(
        PveInvalidResponseError, match=r"field 'bad' is not a valid number \(got string\)"
    ) as err:
        rec.number("bad")
    assert "secret-value" not in str(err.value)
    with pytest.raises(PveInvalidResponseError, match="is not a boolean"):
        rec.flag("cpu")
    with pytest.raises(PveInvalidResponseError, match="is not a valid whole number"):
        rec.integer("cpu", minimum=1)
