"""The two maps of Vietnam's commune-level units and which one a period uses.

Before 1 July 2025: 63 provinces, their districts, and the communes, wards and townships under them (the list
as it stood on 30 June 2025). From 1 July 2025: 34 provinces and 3,321 communes, wards and special zones, with
no district level. A unit's map follows the LAST DAY of its period, as its criteria set does
(engine/criteria/versions.py): a 2025-H1 result is on the old map, a 2025 (year) result on the new one.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, NamedTuple

from engine.registry import dataset
from engine.registry.names import name_key
from engine.text import Text

REFORM_DAY = dt.date(2025, 7, 1)
OLD, NEW = "old", "2025"


class AdminUnit(NamedTuple):
    """One commune-level unit as the official list has it. (A tuple: a national batch builds 10,000 of them, and
    a frozen dataclass costs several times more to make.)"""

    code: str                  # the official 5-digit code, "09916"
    name: str                  # with its kind: "Xã Thạch Thán"
    kind: str                  # "Xã", "Phường", "Thị trấn" (old map) or "Đặc khu" (new map)
    province_code: str
    province: str              # "Thành phố Hà Nội"
    district_code: str | None  # the old map only: there are no districts after 1 July 2025
    district: str | None
    map_id: str                # OLD or NEW

    @property
    def central_city(self) -> bool:
        """In a centrally governed city (thành phố trực thuộc trung ương): the only provinces the lists name
        "Thành phố"."""
        return self.province.startswith("Thành phố")

    @property
    def is_ward(self) -> bool:
        return self.kind == "Phường"

    @property
    def full_name(self) -> str:
        """ "Xã Thạch Thán, Huyện Quốc Oai, Thành phố Hà Nội" (the district only on the old map)."""
        return ", ".join(part for part in (self.name, self.district, self.province) if part)


@dataclass(frozen=True)
class AdminMap:
    id: str
    label: Text          # how a message names this list
    first_day: dt.date | None
    last_day: dt.date | None

    @cached_property
    def provinces(self) -> dict[str, str]:
        return dict(dataset.rows(f"{self.id_section}.provinces"))

    @cached_property
    def districts(self) -> dict[str, tuple[str, str]]:
        """Old map only: district code → (name, province code)."""
        if self.id != OLD:
            return {}
        return {code: (name, province) for code, name, province in dataset.rows("old.districts")}

    @property
    def id_section(self) -> str:
        return "old" if self.id == OLD else "new"

    @cached_property
    def _lines(self) -> dict[str, str]:
        """Each unit's raw line by its code: a single lookup parses one line, not the whole list."""
        return {line[:line.index("\t")]: line for line in dataset.lines(f"{self.id_section}.units")}

    def _unit(self, line: str) -> AdminUnit:
        code, name, kind, parent = line.split("\t")
        if self.id == OLD:
            district, province = self.districts[parent]
            return AdminUnit(code, name, kind, province, self.provinces[province], parent, district, OLD)
        return AdminUnit(code, name, kind, parent, self.provinces[parent], None, None, NEW)

    @cached_property
    def units(self) -> dict[str, AdminUnit]:
        """Every unit by code, in code order."""
        return {code: self._unit(line) for code, line in self._lines.items()}

    def get(self, code: Any) -> AdminUnit | None:
        if "units" in self.__dict__:
            return self.units.get(code) if isinstance(code, str) else None
        line = self._lines.get(code) if isinstance(code, str) else None
        return None if line is None else self._unit(line)

    def in_province(self, province_code: str) -> list[AdminUnit]:
        """Every unit of one province, in code order (the official list's order)."""
        return [unit for unit in self.units.values() if unit.province_code == province_code]

    @cached_property
    def _province_keys(self) -> dict[str, str]:
        keys = {}
        for code, name in self.provinces.items():
            keys[name_key(name)] = code
            keys[code] = code
        return keys

    def find_province(self, text: str) -> str | None:
        """A province's code from its name as people write it ("Hà Nội", "TP. Hà Nội", "thành phố hà nội") or
        from its code ("01")."""
        text = unicodedata.normalize("NFC", text).strip()
        return self._province_keys.get(text) or self._province_keys.get(name_key(text))


@cache
def admin_map(map_id: str) -> AdminMap:
    if map_id == OLD:
        return AdminMap(OLD, Text.of("danh mục đơn vị hành chính trước ngày 01/7/2025 (63 tỉnh)",
                                     "the list of units before 1 July 2025 (63 provinces)"),
                        None, REFORM_DAY - dt.timedelta(days=1))
    if map_id == NEW:
        return AdminMap(NEW, Text.of("danh mục đơn vị hành chính từ ngày 01/7/2025 (34 tỉnh)",
                                     "the list of units from 1 July 2025 (34 provinces)"), REFORM_DAY, None)
    raise KeyError(map_id)


def map_for(day: dt.date | None = None) -> AdminMap:
    """The map in force on this day (today when none is given)."""
    day = day or dt.date.today()
    return admin_map(OLD if day < REFORM_DAY else NEW)


def other(map_: AdminMap) -> AdminMap:
    return admin_map(NEW if map_.id == OLD else OLD)


def lookup(code: Any, day: dt.date | None = None) -> AdminUnit | None:
    """The unit with this official code on the map in force on `day` (today when None), or None. The code is
    read as people type it: surrounding spaces, full-width digits and invisible characters do not matter; it is
    never padded or guessed (a code that lost its leading zero in a spreadsheet is not a code)."""
    return map_for(day).get(normalise_code(code))


def normalise_code(code: Any) -> str | None:
    """A code as cfc compares it (engine/units/codes.py: NFKC, invisible characters dropped); None when blank."""
    from engine.units.codes import code_key

    return code_key(code)


DISTRICT_INPUT = "district"  # the input naming what a unit belongs to below its province
DISTRICT_BEFORE = Text.of("Huyện / khu vực", "District or area")
# From 1 July 2025 there is no district level: a commune, ward or special zone belongs to its province directly,
# and the field holds at most an area the board names. The label is a column header that must print in a narrow
# column: short; what it means is said in DISTRICT_AFTER_HELP wherever there is room (the page's help under the
# field, the note on the form's header cell).
DISTRICT_AFTER = Text.of("Khu vực", "Area")
DISTRICT_AFTER_HELP = Text.of(
    "Từ ngày 01/7/2025 không còn cấp huyện: xã, phường, đặc khu trực thuộc tỉnh. Chỉ ghi khu vực khi hội đồng "
    "chia tỉnh thành các khu vực; nếu không thì để trống.",
    "Since 1 July 2025 there are no districts: communes, wards and special zones belong to the province "
    "directly. Give an area only where the board divides the province into areas; otherwise leave it blank.")
# The inputs whose label follows the map of the units' periods: (label before the reform, after it, what the
# after-reform label means). Every output that shows one of these labels asks after_reform() of its periods.
PERIOD_LABELS = {DISTRICT_INPUT: (DISTRICT_BEFORE, DISTRICT_AFTER, DISTRICT_AFTER_HELP)}


def after_reform(periods) -> bool:
    """Whether every one of these periods ends on or after 1 July 2025: the units are all on the new map, and a
    label says what they belong to now. No period, a blank one or one that cannot be dated: False (the label
    stays as it always was: "Huyện / khu vực")."""
    from engine.registry.checks import _NO_DAY, _day

    days = [_day(period) for period in periods]
    return bool(days) and all(day is not None and day is not _NO_DAY and day >= REFORM_DAY for day in days)


def district_label(periods) -> Text:
    """What the "district" field is called for units of these periods: "Huyện / khu vực" unless every one of
    them ends on or after 1 July 2025."""
    return DISTRICT_AFTER if after_reform(periods) else DISTRICT_BEFORE


def input_label(decl, after: bool) -> Text:
    """An input's label (engine/criteria/model.py InputDecl) for units after the reform or not."""
    return PERIOD_LABELS[decl.name][1] if after and decl.name in PERIOD_LABELS else decl.label
