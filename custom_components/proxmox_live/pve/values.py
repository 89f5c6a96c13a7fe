"""Coercion of raw JSON values into typed Python values, the way Proxmox VE really sends them.

Perl's JSON encoder decides per value whether a scalar becomes a number or a string, and the API
uses 0/1 for booleans, so the converters here are deliberately tolerant of those quirks and strict
about everything else:

* booleans: ``true``/``false``, ``0``/``1`` and the strings ``"0"``, ``"1"``, ``"true"``, ``"false"``;
* numbers: ``int`` and finite ``float``, never ``bool``; numeric strings only where asked for
  (fields the API is known to send as strings: old LXC ``vmid``, ``loadavg``, LXC values);
* NaN, infinities and values below a field's minimum are invalid.

:class:`Record` reads one JSON object: required accessors raise :class:`PveInvalidResponseError`,
optional ones return ``None`` for a missing *or* unusable value, so one odd field never hides the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
import math
import re
from typing import NoReturn

from .errors import PveInvalidResponseError

_LIST_SEPARATORS = re.compile(r"[;,\s]+")
_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})
_MAX_NUMERIC_TEXT = 64  # longer "numbers" are not numbers the API sends


_JSON_TYPE_NAMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (type(None), "null"),
    (bool, "boolean"),
    ((int, float), "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def type_name(value: object) -> str:
    """The JSON name of a value's type, for error messages (never the value: it may be a secret)."""
    for kinds, name in _JSON_TYPE_NAMES:
        if isinstance(value, kinds):
            return name
    return type(value).__name__


def to_bool(value: object) -> bool | None:
    """A Proxmox boolean (0/1, true/false, "0"/"1") or None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {0: False, 1: True}.get(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return None


def _number_from_text(value: str) -> float | int | None:
    text = value.strip()
    if not text or len(text) > _MAX_NUMERIC_TEXT:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _raw_number(value: object, strings: bool) -> float | int | None:
    """An int or float from a JSON value (never from a boolean; from a string only if ``strings``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return _number_from_text(value) if strings else None
    if isinstance(value, int | float):
        return value
    return None


def to_float(value: object, *, strings: bool = False, minimum: float | None = 0.0) -> float | None:
    """A finite number at or above ``minimum`` (None: no lower bound), else None."""
    raw = _raw_number(value, strings)
    try:
        number = float(raw) if raw is not None else math.nan
    except OverflowError:  # an int too large for a float
        number = math.nan
    if not math.isfinite(number) or (minimum is not None and number < minimum):
        return None
    return number


def to_int(value: object, *, strings: bool = False, minimum: int | None = 0) -> int | None:
    """A whole number at or above ``minimum`` (floats are truncated), else None."""
    raw = _raw_number(value, strings)
    if isinstance(raw, float):
        raw = int(raw) if math.isfinite(raw) else None
    if raw is None or (minimum is not None and raw < minimum):
        return None
    return raw


def to_text(value: object, *, numbers: bool = False) -> str | None:
    """A string; with ``numbers``, an integer becomes its decimal text (a name like ``1234``)."""
    if isinstance(value, str):
        return value
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def split_words(value: object) -> tuple[str, ...] | None:
    """``"a;b c,d"`` (or a list of strings) -> ``("a", "b", "c", "d")``: empty and repeated items dropped."""
    if isinstance(value, str):
        items: Iterable[object] = _LIST_SEPARATORS.split(value)
    elif isinstance(value, list):
        items = value
    else:
        return None
    words: list[str] = []
    for item in items:
        if isinstance(item, str):
            word = item.strip()
            if word and word not in words:
                words.append(word)
    return tuple(words)


def vmid_list(value: object) -> tuple[int, ...] | None:
    """``"100,101 102"``, ``100`` or ``[100, "101"]`` -> ``(100, 101, 102)``; invalid items are dropped."""
    items: Iterable[object]
    if isinstance(value, str):
        items = _LIST_SEPARATORS.split(value)
    elif isinstance(value, list):
        items = value
    elif isinstance(value, int) and not isinstance(value, bool):
        items = (value,)
    else:
        return None
    vmids: list[int] = []
    for item in items:
        vmid = to_int(item, strings=True, minimum=1)
        if vmid is not None and vmid not in vmids:
            vmids.append(vmid)
    return tuple(vmids)


class Record:
    """Typed access to one JSON object of an answer; ``what`` names it in error messages."""

    __slots__ = ("_data", "_what")

    def __init__(self, raw: object, what: str) -> None:
        """Wrap ``raw``, which must be a JSON object."""
        if not isinstance(raw, dict):
            raise PveInvalidResponseError(f"{what}: expected an object, got {type_name(raw)}")
        self._data: dict[object, object] = raw
        self._what = what

    @property
    def what(self) -> str:
        """The name of this object in error messages."""
        return self._what

    def get(self, key: str) -> object:
        """The raw value of ``key`` (None when absent)."""
        return self._data.get(key)

    def has(self, key: str) -> bool:
        """Whether ``key`` is present and not null."""
        return self._data.get(key) is not None

    def fail(self, key: str, problem: str) -> NoReturn:
        """Raise the error for an unusable required field."""
        raise PveInvalidResponseError(f"{self._what}: field '{key}' {problem}")

    def _require[T](self, key: str, value: T | None, expected: str) -> T:
        if value is None:
            raw = self._data.get(key)
            if raw is None:
                self.fail(key, "is missing")
            self.fail(key, f"is not {expected} (got {type_name(raw)})")
        return value

    # strings
    def text(self, key: str, *, numbers: bool = False, empty: bool = False) -> str:
        """A required string (``empty``: the empty string is acceptable)."""
        value = self._require(key, to_text(self._data.get(key), numbers=numbers), "a string")
        if not value and not empty:
            self.fail(key, "is empty")
        return value

    def opt_text(self, key: str, *, numbers: bool = False) -> str | None:
        """An optional string; empty strings count as absent."""
        return to_text(self._data.get(key), numbers=numbers) or None

    # numbers
    def integer(self, key: str, *, strings: bool = False, minimum: int | None = 0) -> int:
        """A required whole number."""
        value = to_int(self._data.get(key), strings=strings, minimum=minimum)
        return self._require(key, value, "a valid whole number")

    def opt_integer(self, key: str, *, strings: bool = False, minimum: int | None = 0) -> int | None:
        """An optional whole number."""
        return to_int(self._data.get(key), strings=strings, minimum=minimum)

    def number(self, key: str, *, strings: bool = False, minimum: float | None = 0.0) -> float:
        """A required finite number."""
        value = to_float(self._data.get(key), strings=strings, minimum=minimum)
        return self._require(key, value, "a valid number")

    def opt_number(self, key: str, *, strings: bool = False, minimum: float | None = 0.0) -> float | None:
        """An optional finite number."""
        return to_float(self._data.get(key), strings=strings, minimum=minimum)

    # booleans
    def flag(self, key: str) -> bool:
        """A required boolean."""
        return self._require(key, to_bool(self._data.get(key)), "a boolean")

    def opt_flag(self, key: str) -> bool | None:
        """An optional boolean."""
        return to_bool(self._data.get(key))

    # lists
    def words(self, key: str) -> tuple[str, ...]:
        """A separated list of words (tags, content types); () when absent or unusable."""
        return split_words(self._data.get(key)) or ()

    def vmids(self, key: str) -> tuple[int, ...]:
        """A separated list of VMIDs; () when absent or unusable."""
        return vmid_list(self._data.get(key)) or ()

    # nesting
    def child(self, key: str) -> Record | None:
        """A nested object, or None when absent or not an object."""
        value = self._data.get(key)
        if isinstance(value, dict):
            return Record(value, f"{self._what}.{key}")
        return None
