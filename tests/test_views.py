"""The engine's tables of shared views (engine/rules/views.py): bounded, and keeping what repeats."""
from __future__ import annotations

from engine.rules import views
from engine.rules.views import Table


def test_a_table_stays_bounded_and_keeps_the_entries_every_batch_uses(monkeypatch):
    monkeypatch.setattr(views, "LIMIT", 50)
    table, built = Table("indicator_views"), []

    def build(keys):
        built.extend(keys)
        return [f"value of {key}" for key in keys]

    for batch in range(40):  # each batch: one key every batch shares, and 30 never seen again
        rows = table.resolve([["shared", f"once {batch} {n}"] for n in range(30)], build)
        assert all(row == ["value of shared", f"value of once {batch} {n}"] for n, row in enumerate(rows))
        assert len(table) <= 2 * views.LIMIT
    assert built.count("shared") == 1
    assert len(built) == 1 + 40 * 30


def test_a_full_young_generation_drops_its_oldest_entries_first(monkeypatch):
    monkeypatch.setattr(views, "LIMIT", 8)
    table = Table("indicator_views")
    for n in range(8):
        table[f"key {n}"] = n
    table["key 8"] = 8  # full: the oldest quarter (two entries) goes, the newest stay
    assert list(table.young) == [f"key {n}" for n in range(2, 9)]
    assert table.get("key 1") is None and table.get("key 7") == 7


def test_a_key_seen_once_per_batch_is_not_promoted_within_its_batch(monkeypatch):
    monkeypatch.setattr(views, "LIMIT", 50)
    table = Table("indicator_views")
    table.resolve([["a", "a", "b"], ["a"]], lambda keys: [k.upper() for k in keys])
    assert (set(table.old), set(table.young)) == (set(), {"a", "b"})
    table.resolve([["a"]], lambda keys: [k.upper() for k in keys])
    assert (set(table.old), set(table.young)) == ({"a"}, {"b"})


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
