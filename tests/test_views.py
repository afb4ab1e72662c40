"""The engine's tables of shared views (engine/rules/views.py): bounded, and keeping what repeats."""
from __future__ import annotations

from engine.rules.views import Shelf, Shelves, _levels, resolve


def test_shelves_stay_bounded_and_keep_the_entries_every_batch_uses():
    shelves, built = Shelves(2, 100), []

    def build(keys):
        built.extend(keys)
        return [f"value of {key}" for _, key in keys]

    for batch in range(40):  # each batch: one key every batch shares on the first shelf, 30 never seen again
        columns = resolve(shelves, [["shared"] * 30, [f"once {batch} {n}" for n in range(30)]], build,
                          "indicator_views")
        assert columns == [["value of shared"] * 30, [f"value of once {batch} {n}" for n in range(30)]]
        assert len(shelves[0]) + len(shelves[1]) <= 100
    assert built.count((0, "shared")) == 1
    assert len(built) == 1 + 40 * 30  # each key built once, the first time a batch needs it


def test_shelves_share_their_room_by_how_often_their_keys_come_back():
    shelves, built = Shelves(2, 100), []

    def build(keys):
        built.extend(keys)
        return [f"value of {key}" for _, key in keys]

    # The first shelf's 60 keys come back every batch; the second's 30 are new each time. Equal shares (50 each)
    # would drop some of the 60 at each trim and build them again.
    for batch in range(40):
        resolve(shelves, [[f"again {n}" for n in range(60)], [f"once {batch} {n}" for n in range(30)]], build,
                "indicator_views")
        assert len(shelves[0]) + len(shelves[1]) <= 100
    assert sum(1 for index, _ in built if index == 0) == 60  # each built once
    assert len(shelves[0]) == 60


def test_levels_fill_the_room_by_weight_and_never_more_than_a_shelf_holds():
    assert _levels([2, 500, 500], [1000.0, 1.0, 1.0], 300) == [2, 149, 149]
    assert _levels([2, 500, 500], [1000.0, 3.0, 1.0], 300) == [2, 223, 74]  # 298 left after the first: 3 to 1
    assert _levels([10, 10], [1.0, 1.0], 30) == [10, 10]
    assert sum(_levels([7, 400, 90, 3000], [0.5, 9.0, 2.0, 0.01], 250)) <= 250


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
    shelves, built = Shelves(1, 50), []
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


def generated(count: int, seed: int):
    """The criteria, `count` synthetic units (bench/generate.py, `seed`) validated one by one, and a fresh table of
    views for them."""
    import tempfile
    from pathlib import Path
    from bench.generate import write
    from engine.criteria.model import load_criteria
    from engine.readers import read_records
    from engine.rules.compiled import rules_for
    from engine.rules.views import Views
    from engine.units.validate import validate_record
    criteria = load_criteria()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "units.csv"
        write(path, count, seed)
        units = [validate_record(criteria, record) for record in read_records(path)]
    return criteria, units, Views(criteria, rules_for(criteria))


def test_a_view_is_its_indicators_measure_as_measures_py_computes_it():
    """Views._build measures the usual shapes inline (one input; a rate's numerator and denominator): each view
    holds what engine/rules/measures.py gives for the same inputs, whatever they are (missing, invalid, an empty
    denominator, a value)."""
    from engine.rules.measures import measure_indicator
    criteria, units, table = generated(400, 3)
    states = set()
    for unit, row in zip(units, zip(*table.columns(units))):
        bad = {error.input for error in unit.errors}
        for (indicator, names), view in zip(table.layout, row):
            values = tuple(unit.values[name] for name in names)
            expected = measure_indicator(indicator, names, values, any(name in bad for name in names))
            assert view.measure is view
            assert (view.indicator, view.state, view.value, view.inputs, view.missing) == (
                expected.indicator, expected.state, expected.value, expected.inputs, expected.missing)
            assert view.denominator_value == expected.denominator_value
            states.add(expected.state)
    assert states == {"value", "empty", "missing", "invalid"}


def test_a_shelf_whose_keys_never_come_back_stops_being_kept_and_its_rows_are_still_built():
    from engine.rules.views import RARE, SETTLED
    shelves, built = Shelves(2, 10_000), []

    def build(keys):
        built.extend(keys)
        return [f"value of {key}" for _, key in keys]

    batches = SETTLED // 100 + 3
    for batch in range(batches):  # the first shelf's keys come back every batch; the second's never (but twice in one)
        once = [f"once {batch} {n}" for n in range(99)] + [f"once {batch} 0"]
        columns = resolve(shelves, [[f"again {n % 7}" for n in range(100)], once], build, "indicator_views")
        assert columns == [[f"value of again {n % 7}" for n in range(100)], [f"value of {key}" for key in once]]
    assert shelves.keeps == [True, False] and len(shelves[1]) == 0
    assert sum(1 for index, _ in built if index == 0) == 7  # still kept: each key built once
    # Judged once SETTLED keys were asked (a hundred a batch, 99 of them new: fewer than RARE found); from then on
    # every row is built, the repeated one too.
    judged = SETTLED // 100
    assert 1 / 100 < RARE  # the second shelf's share of keys found
    assert sum(1 for index, _ in built if index == 1) == judged * 99 + (batches - judged) * 100
    # A batch with no rows: nothing is built, and every shelf, kept or not, gives an empty column.
    before = len(built)
    assert resolve(shelves, [[], []], build, "indicator_views") == [[], []]
    assert len(built) == before


def test_a_criterion_of_one_indicator_is_built_as_build_criteria_builds_it():
    """Views._build_alone builds the view of a criterion of one indicator without _build_criteria's key and loop:
    each is the same result (AsPlain's equality) with the same outcome and what it collects, for views of every
    state (missing, invalid, an empty denominator, a value at or below its maximum, with or without a gap)."""
    criteria, units, table = generated(400, 5)
    columns = table.columns(units)
    spans = criteria.criterion_spans
    views = list(dict.fromkeys(view for index in table._alone for view in columns[spans[index][0]]))
    fast = table._build_alone(views)
    plain = table._build_criteria([(0, (view,)) for view in views])
    slots = ("outcome", "not_met", "unscored", "missing", "provisional", "gaps")
    for one, other in zip(fast, plain, strict=True):
        assert one == other
        assert [getattr(one, name) for name in slots] == [getattr(other, name) for name in slots]
        assert one.indicators[0] is other.indicators[0]
    assert {view.state for view in views} >= {"value", "missing"}
    assert any(view.gap is not None for view in views) and any(view.gap is None for view in views)
    assert {criterion.outcome for criterion in fast} >= {"met", "unscored"}
