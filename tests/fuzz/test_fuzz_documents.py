"""Fuzz the YAML and JSON readers: any bytes, and valid unit lists with hostile values, aliases, repeated keys
and deep nesting. No traceback; a readable file gives exactly one result per unit in it."""
from __future__ import annotations

import json

from hypothesis import given, strategies as st

from fuzz_support import HOSTILE, INPUTS, UNIT, account, examples

scalars = st.sampled_from(HOSTILE) | st.text(max_size=20) | st.integers() | st.floats() | st.booleans() | st.none()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                      max_leaves=8)
units = st.lists(st.dictionaries(st.sampled_from(INPUTS), values, max_size=6), min_size=1, max_size=5)


@examples(150)
@given(data=st.binary(max_size=1500), suffix=st.sampled_from([".yaml", ".json"]))
def test_any_bytes(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("doc") / f"any{suffix}"
    path.write_bytes(data)
    account(path)


def _yaml_scalar(value) -> str:
    if isinstance(value, str) and value and all(c.isalnum() or c in " .:-+_'" for c in value) and value.strip() == value \
            and not value.startswith(("'", "-", ":")):
        return value  # plain, as people type it: 01234, 056, 1:30, yes
    return json.dumps(value, ensure_ascii=False)


@examples(150)
@given(units=units, wrapped=st.booleans(), repeat=st.booleans(), alias=st.booleans())
def test_yaml_units_with_hostile_values(tmp_path_factory, units, wrapped, repeat, alias):
    lines = ["units:"] if wrapped else []
    indent = "  " if wrapped else ""
    if alias:
        lines = ["x-shared: &district " + _yaml_scalar(UNIT["district"])] + lines if wrapped else lines
    for number, unit in enumerate(units):
        full = {**UNIT, "unit_code": f"{number:05d}", **unit}
        first = True
        for key, value in full.items():
            prefix = f"{indent}- " if first else f"{indent}  "
            first = False
            text = "*district" if (alias and wrapped and key == "district") else _yaml_scalar(value)
            lines.append(f"{prefix}{key}: {text}")
        if repeat:
            lines.append(f"{indent}  births: 1")
    path = tmp_path_factory.mktemp("doc") / "units.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = account(path)
    if found is not None:
        records, _ = found
        assert len(records) == len(units)
        if repeat:
            assert all(any(p.message.key == "repeated_key" for p in r.problems) for r in records)


@examples(150)
@given(units=units, wrapped=st.booleans())
def test_json_units_with_hostile_values(tmp_path_factory, units, wrapped):
    full = [{**UNIT, "unit_code": f"{n:05d}", **unit} for n, unit in enumerate(units)]
    path = tmp_path_factory.mktemp("doc") / "units.json"
    path.write_text(json.dumps({"units": full} if wrapped else full, ensure_ascii=False), encoding="utf-8")
    found = account(path)
    assert found is not None
    assert len(found[0]) == len(units)


@examples(30, share=0.1)
@given(depth=st.integers(1, 5000), kind=st.sampled_from(["yaml-flow", "yaml-block", "json"]))
def test_deep_nesting_is_bounded(tmp_path_factory, depth, kind):
    text = {"yaml-flow": "[" * depth + "]" * depth, "json": "[" * depth + "]" * depth,
            "yaml-block": "".join(" " * i + "- \n" for i in range(depth))}[kind]
    path = tmp_path_factory.mktemp("doc") / ("deep.json" if kind == "json" else "deep.yaml")
    path.write_text(text, encoding="utf-8")
    account(path)
