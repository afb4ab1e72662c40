"""The shipped list is the vietnamadminunits package's data, unchanged and complete; the counts come from the
package's own database, never typed here."""
from __future__ import annotations

import json
import sqlite3

import pytest

from engine.registry import NEW, OLD, admin_map, dataset, merge
from engine.registry.build import build, source_dir


@pytest.fixture(scope="module")
def package():
    data, version = source_dir()
    db = sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)
    yield data, version, db
    db.close()


def test_the_shipped_file_is_what_build_writes_from_the_package(package):
    data, version, _ = package
    assert dataset.DATA.read_text(encoding="utf-8") == build(data, version), \
        "engine/registry/data/units.tsv is stale: run python -m engine.registry.build"
    assert dataset.source() == ("vietnamadminunits", version)


def test_every_unit_and_province_of_both_lists_is_there(package):
    _, _, db = package
    old_units = {row[0] for row in db.execute("SELECT wardCode FROM admin_units_legacy WHERE wardCode != ''")}
    new_units = {row[0] for row in db.execute("SELECT wardCode FROM admin_units")}
    assert set(admin_map(OLD).units) == old_units
    assert set(admin_map(NEW).units) == new_units
    assert len(admin_map(OLD).provinces) == db.execute(
        "SELECT COUNT(DISTINCT provinceCode) FROM admin_units_legacy").fetchone()[0] == 63
    assert len(admin_map(NEW).provinces) == db.execute(
        "SELECT COUNT(DISTINCT provinceCode) FROM admin_units").fetchone()[0] == 34
    assert len(new_units) == 3321  # the figure of the reform (Nghị quyết 202/2025/QH15 and its resolutions)


def test_names_provinces_and_districts_are_the_packages(package):
    _, _, db = package
    for code, ward, ward_type, district, province in db.execute(
            "SELECT wardCode, ward, wardType, district, province FROM admin_units_legacy WHERE wardCode != ''"):
        unit = admin_map(OLD).get(code)
        assert (unit.name, unit.kind, unit.district, unit.province) == (ward, ward_type, district, province)
    for code, ward, ward_type, province in db.execute("SELECT wardCode, ward, wardType, province FROM admin_units"):
        unit = admin_map(NEW).get(code)
        assert (unit.name, unit.kind, unit.district, unit.province) == (ward, ward_type, None, province)


def test_every_old_unit_has_successors_and_every_new_unit_predecessors():
    old, new = admin_map(OLD).units, admin_map(NEW).units
    for code in old:
        assert merge.successors(code), code
        assert all(successor in new for successor in merge.successors(code))
    for code in new:
        if new[code].kind != "Đặc khu":  # island districts had no communes: their special zones have no predecessor
            assert merge.predecessors(code), code


def test_a_new_unit_that_keeps_an_old_code_was_made_from_that_old_unit():
    """The data's own consistency: a code kept across the reform names an old unit that went into the new one."""
    old, new = admin_map(OLD).units, admin_map(NEW).units
    kept = set(old) & set(new)
    assert len(kept) > 3000
    assert all(code in merge.predecessors(code) for code in kept)


def test_split_units_go_to_the_successor_the_package_marks(package):
    data, _, db = package
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    keys = {f"{p}_{d}_{w}": code for p, d, w, code in db.execute(
        "SELECT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy WHERE wardCode != ''")}
    new_keys = {(p, w): code for p, w, code in db.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")}
    divided = converter["DICT_PROVINCE_WARD_DIVIDED"]
    count = 0
    for province, olds in divided.items():
        for old_key, news in olds.items():
            code = keys[old_key]
            marked = [new_keys[(province, n["newWardKey"])] for n in news if n["isDefaultNewWard"]]
            assert merge.main_successor(code) == marked[0]
            assert set(merge.successors(code)) == {new_keys[(province, n["newWardKey"])] for n in news}
            assert merge.is_split(code)
            count += 1
    assert len(merge.split_units()) == count > 0
