"""Looking units up by code and period; the merge's mapping; names as people type them."""
from __future__ import annotations

import datetime as dt

from engine.registry import NEW, OLD, REFORM_DAY, admin_map, lookup, map_for, merge
from engine.registry.names import same_name

BEFORE, AFTER = dt.date(2024, 12, 31), dt.date(2025, 12, 31)


def test_the_map_follows_the_last_day_of_the_period():
    assert map_for(REFORM_DAY - dt.timedelta(days=1)).id == OLD
    assert map_for(REFORM_DAY).id == NEW
    assert map_for(dt.date(2025, 6, 30)).id == OLD   # 2025-H1 ends the day before the reform


def test_a_code_only_before_the_reform():
    unit = lookup("09916", BEFORE)
    assert (unit.name, unit.district, unit.province) == ("Xã Thạch Thán", "Huyện Quốc Oai", "Thành phố Hà Nội")
    assert lookup("09916", AFTER) is None
    assert unit.full_name == "Xã Thạch Thán, Huyện Quốc Oai, Thành phố Hà Nội"


def test_a_code_only_after_the_reform():
    only_new = sorted(set(admin_map(NEW).units) - set(admin_map(OLD).units))
    assert only_new, "the special zones of the island districts have codes of their own"
    for code in only_new:
        assert lookup(code, BEFORE) is None
        assert lookup(code, AFTER).kind == "Đặc khu"


def test_a_code_in_both_lists_names_different_units():
    before, after = lookup("09574", BEFORE), lookup("09574", AFTER)
    assert (before.name, before.district) == ("Phường Ngô Quyền", "Thị xã Sơn Tây")
    assert (after.name, after.district, after.province) == ("Phường Sơn Tây", None, "Thành phố Hà Nội")
    assert "09574" in merge.predecessors("09574")


def test_codes_are_read_as_typed_but_never_guessed():
    assert lookup(" 09916\u200b", BEFORE).code == "09916"
    assert lookup("０９９１６", BEFORE).code == "09916"   # full-width digits
    assert lookup("9916", BEFORE) is None                  # a lost leading zero is not fixed silently
    assert lookup(None) is None and lookup(True) is None


def test_a_merged_unit_lists_its_predecessors_and_each_names_it():
    merged = [code for code in admin_map(NEW).units if len(merge.predecessors(code)) >= 5]
    assert merged
    for code in merged[:50]:
        for old in merge.predecessors(code):
            assert code in merge.successors(old)
            assert admin_map(OLD).get(old) is not None


def test_a_split_unit_goes_to_its_main_successor_only():
    old, successors = next(iter(merge.split_units().items()))
    assert len(successors) >= 2 and merge.main_successor(old) == successors[0]
    assert old in merge.mapped_onto(successors[0])
    for other in successors[1:]:
        assert old in merge.predecessors(other) and old not in merge.mapped_onto(other)


def test_names_as_officials_write_them():
    assert same_name("Thạch Thán", "Xã Thạch Thán")
    assert same_name("xã  thạch   thán", "Xã Thạch Thán")
    assert same_name("X. Thạch Thán", "Xã Thạch Thán")
    assert same_name("Xã Thanh Thuỷ", "Xã Thanh Thủy")            # the tone on either vowel
    assert same_name("Phường Văn Miếu Quốc Tử Giám", "Phường Văn Miếu - Quốc Tử Giám")
    assert same_name("Phường 01", "Phường 1")
    assert same_name("TP. Hà Nội", "Thành phố Hà Nội") and same_name("Hà Nội", "Thành phố Hà Nội")
    assert same_name("Xa\u0303 Thạch Thán".replace("a\u0303", "ã"), "Xã Thạch Thán")
    assert not same_name("Xã Thái Hòa", "Xã Thạch Thán")
    assert not same_name("Xã Thạch Than", "Xã Thạch Thán")         # a missing tone is another word
    assert not same_name("Xã Thạch Thân", "Xã Thạch Thán")


def test_provinces_found_by_name_or_code():
    assert admin_map(NEW).find_province("Hà Nội") == "01"
    assert admin_map(NEW).find_province("TP Hồ Chí Minh") == "79"
    assert admin_map(NEW).find_province("01") == "01"
    assert admin_map(OLD).find_province("Tỉnh Hà Giang") == "02"
    assert admin_map(NEW).find_province("Hà Giang") is None   # merged into Tuyên Quang on 1 July 2025
