"""Bench-local replacement of attributes (instrumentation and baselines; never the shipped code)."""

from __future__ import annotations


def replace_attribute(owner: object, name: str, value: object) -> object:
    """Set ``owner.name`` to ``value``; returns the previous value."""
    previous: object = getattr(owner, name)
    setattr(owner, name, value)
    return previous
