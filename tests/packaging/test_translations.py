"""Every text key the code uses is in translations/en.json, every key there is used, icons are valid.

hassfest cannot run here; this reads the code's syntax tree instead of trusting a list kept by hand.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
import json
from pathlib import Path
import re

import pytest

COMPONENT = Path(__file__).resolve().parents[2] / "custom_components" / "proxmox_live"
EN = json.loads((COMPONENT / "translations" / "en.json").read_text())
ICONS = json.loads((COMPONENT / "icons.json").read_text())
SOURCES = {
    path: ast.parse(path.read_text())
    for path in sorted(COMPONENT.rglob("*.py"))
    if "pve" not in path.relative_to(COMPONENT).parts  # the client has no texts
}
FLOW_FILES = {"config_flow.py", "options_flow.py", "flow_validation.py"}


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    yield from (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _pattern(node: ast.expr) -> re.Pattern[str] | None:
    """An f-string such as f"missing_privilege_{tier}" as a regular expression."""
    if not isinstance(node, ast.JoinedStr):
        return None
    parts = [re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z_]+" for v in node.values]
    return re.compile("".join(parts))


def _string_literals(files: set[str] | None = None) -> set[str]:
    found: set[str] = set()
    for path, tree in SOURCES.items():
        if files is None or path.name in files:
            found |= {
                n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            }
    return found


def _entity_keys_in_code(platform: str) -> set[str]:
    tree = SOURCES[COMPONENT / f"{platform}.py"]
    keys = {key for call in _calls(tree) if (key := _literal(_kw(call, "translation_key")))}
    for node in ast.walk(tree):  # shared keyword dicts: {"key": ..., "translation_key": "boot_time"}
        if isinstance(node, ast.Dict):
            for key_node, value in zip(node.keys, node.values, strict=True):
                if (
                    key_node is not None
                    and _literal(key_node) == "translation_key"
                    and (v := _literal(value))
                ):
                    keys.add(v)
    return keys


@pytest.mark.parametrize("platform", ["sensor", "binary_sensor"])
def test_entity_translation_keys_match(platform: str) -> None:
    """Entity descriptions and entity.<platform> in en.json name the same keys, each with a name."""
    in_code = _entity_keys_in_code(platform)
    in_en = set(EN["entity"][platform])
    assert in_code
    assert in_code == in_en
    assert all(EN["entity"][platform][key].get("name") for key in in_en)


def test_exception_and_issue_keys_exist() -> None:
    """translation_key= passed with translation_domain= (exceptions) or to async_create_issue (repairs)."""
    exceptions, issues, issue_patterns = set(), set(), []
    for tree in SOURCES.values():
        for call in _calls(tree):
            key_node = _kw(call, "translation_key")
            if key_node is None:
                continue
            is_issue = isinstance(call.func, ast.Attribute) and call.func.attr == "async_create_issue"
            if is_issue:
                if (key := _literal(key_node)) is not None:
                    issues.add(key)
                elif (pattern := _pattern(key_node)) is not None:
                    issue_patterns.append(pattern)
            elif _kw(call, "translation_domain") is not None and (key := _literal(key_node)) is not None:
                exceptions.add(key)
    assert exceptions <= set(EN["exceptions"])
    assert issues <= set(EN["issues"])
    for pattern in issue_patterns:
        assert any(pattern.fullmatch(key) for key in EN["issues"]), pattern.pattern
    for key in EN["issues"]:
        assert key in issues or any(p.fullmatch(key) for p in issue_patterns), f"issue {key} is never raised"
        assert EN["issues"][key].get("title")


def test_every_exception_text_is_used() -> None:
    """Each exception text in en.json is named somewhere in the code."""
    literals = _string_literals()
    unused = set(EN["exceptions"]) - literals
    assert not unused


def test_flow_steps_errors_and_aborts_exist() -> None:
    """Step ids, menu options, errors and abort reasons of the flows are all in en.json."""
    steps, menu, reasons = set(), set(), set()
    methods: set[str] = set()
    for path, tree in SOURCES.items():
        if path.name not in FLOW_FILES:
            continue
        methods |= {
            node.name[len("async_step_") :]
            for node in ast.walk(tree)
            if isinstance(node, ast.AsyncFunctionDef) and node.name.startswith("async_step_")
        }
        for call in _calls(tree):
            if (step := _literal(_kw(call, "step_id"))) is not None:
                steps.add(step)
            if (reason := _literal(_kw(call, "reason"))) is not None:
                reasons.add(reason)
            options = _kw(call, "menu_options")
            if isinstance(options, ast.List):
                menu |= {v for e in options.elts if (v := _literal(e))}
    config_steps = set(EN["config"]["step"])
    assert steps - {"init"} <= config_steps
    assert "init" not in steps or "init" in EN["options"]["step"]
    assert menu <= methods
    tls_menu = EN["config"]["step"]["tls"]["menu_options"]
    assert menu == set(tls_menu)
    assert reasons <= set(EN["config"]["abort"])
    for step in config_steps:
        assert step in methods, f"config step {step} has no async_step_{step}"


def test_every_flow_error_is_used_and_translated() -> None:
    """Each error in en.json is set by the flow code, and each error the code sets is in en.json."""
    literals = _string_literals(FLOW_FILES)
    assert set(EN["config"]["error"]) <= literals
    errors_set: set[str] = set()
    for path, tree in SOURCES.items():
        if path.name not in FLOW_FILES:
            continue
        for node in ast.walk(tree):
            # errors["base"] = "x" / errors[CONF_HOST] = "x"
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
                target = node.targets[0].value
                if isinstance(target, ast.Name) and target.id == "errors" and (v := _literal(node.value)):
                    errors_set.add(v)
            # {"base": "x"}
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if _literal(key) == "base" and (v := _literal(value)):
                        errors_set.add(v)
    assert errors_set
    assert errors_set <= set(EN["config"]["error"])


def test_user_step_fields_have_descriptions() -> None:
    """Every field of every form step has a label and a data_description."""
    for section in ("config", "options"):
        for step_id, step in EN[section]["step"].items():
            for field in step.get("data", {}):
                assert step.get("data_description", {}).get(field), f"{section}.{step_id}.{field}"


def test_icons_valid_and_used() -> None:
    """Every icon is an mdi: icon of an entity translation key that exists."""
    for platform, entries in ICONS["entity"].items():
        assert set(entries) <= set(EN["entity"][platform]), platform
        for key, icon in entries.items():
            values = [icon.get("default"), *icon.get("state", {}).values()]
            assert all(isinstance(v, str) and v.startswith("mdi:") for v in values), key
    assert set(ICONS) <= {"entity", "services", "issues"}
