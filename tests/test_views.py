"""The engine's tables of shared views (engine/rules/views.py): bounded, and keeping what repeats."""
from __future__ import annotations

from engine.rules.views import Shelf, resolve


def test_a_shelf_stays_bounded_and_keeps_the_entries_every_batch_uses():
    shelves, built = [Shelf(50), Shelf(50)], []

    def build(keys):
        built.extend(keys)
        return [f"value of {key}" for _, key in keys]

    for batch in range(40):  # each batch: one key every batch shares on the first shelf, 30 never seen again
        columns = resolve(shelves, [["shared"] * 30, [f"once {batch} {n}" for n in range(30)]], build,
                          "indicator_views")
        assert columns == [["value of shared"] * 30, [f"value of once {batch} {n}" for n in range(30)]]
        assert len(shelves[1]) <= 50
    assert built.count((0, "shared")) == 1
    assert len(built) == 1 + 40 * 30  # each key built once, the first time a batch needs it


def test_a_shelf_past_its_limit_drops_its_oldest_entries_first():
    shelf = Shelf(8)
    for n in range(9):
        shelf[f"key {n}"] = n
    shelf.trim()  # past its limit: down to three quarters of it, the newest kept
    assert list(shelf) == [f"key {n}" for n in range(3, 9)]
    assert shelf.get("key 2") is None and shelf.get("key 7") == 7
    shelf.trim()  # within its limit: nothing goes
    assert len(shelf) == 6


def test_a_shelf_switched_off_keeps_nothing_and_builds_each_key_of_a_batch_once():
    from engine.rules import memos
    shelves, built = [Shelf(50)], []
    with memos.switched_off("indicator_views"):
        for _ in range(2):
            columns = resolve(shelves, [["a", "a", "b"]], lambda keys: built.extend(keys) or [k for _, k in keys],
                              "indicator_views")
            assert columns == [["a", "a", "b"]]
    assert sorted(built) == [(0, "a"), (0, "a"), (0, "b"), (0, "b")] and len(shelves[0]) == 0


def test_the_collector_is_paused_for_a_batch_and_nothing_is_left_frozen():
    import gc
    from engine.rules.evaluate import PROMOTE_FROM, collector_paused
    assert gc.isenabled()
    for units in (1, PROMOTE_FROM):
        with collector_paused(units):
            assert not gc.isenabled()
        assert gc.isenabled() and gc.get_freeze_count() == 0  # promoted to the oldest generation, not exempt
    gc.disable()
    try:  # a caller that turned the collector off keeps it off
        with collector_paused(PROMOTE_FROM):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
