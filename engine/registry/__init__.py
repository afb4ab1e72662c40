"""The official list of Vietnam's commune-level units before and after 1 July 2025, and the merge between them.

    from engine.registry import lookup
    lookup("09916", datetime.date(2024, 12, 31))   # AdminUnit(code='09916', name='Xã Thạch Thán', ...)

dataset.py reads the shipped data (written by build.py from the vietnamadminunits package) once, when first
asked; maps.py holds the two maps and picks one by a period's last day; merge.py the mapping between them;
names.py compares names as people type them; checks.py checks and completes a unit during validation.
"""
from engine.registry.maps import (NEW, OLD, REFORM_DAY, AdminMap, AdminUnit, admin_map, lookup, map_for,
                                  normalise_code)

__all__ = ["NEW", "OLD", "REFORM_DAY", "AdminMap", "AdminUnit", "admin_map", "lookup", "map_for", "normalise_code"]
