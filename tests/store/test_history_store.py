"""The history on the store: keys in canonical form, periods by the day they end, saves that race, replaces
kept in the audit trail, formula-safe export, and a history file written by cfc before the store adopted in
place."""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.history import AlreadySaved, History, NotSavable, export_csv
from engine.store import Store, audit
from store_support import evaluate_one

from store_support import ROOT

OLD_FILE = ROOT / "tests" / "fixtures" / "history" / "history-before-store.sqlite3"


def save(history, criteria, inputs, **changes):
    unit, result = evaluate_one(criteria, {**inputs, **changes})
    return history.save(criteria, result, unit.values)


def test_periods_are_ordered_by_the_day_they_end(store, criteria, unit_inputs):
    history = History(store)
    for period in ("2024", "2024-H2", "2023", "2024-Q3", "2024-h1", "2024-06-15"):
        save(history, criteria, unit_inputs, period=period)
    assert [s.period for s in history.periods("09652")] == [
        "2023", "2024-06-15", "2024-H1", "2024-Q3", "2024-H2", "2024"]
    assert [s.period_end.isoformat() for s in history.periods("09652")][-1] == "2024-12-31"


def test_keys_are_canonical(store, criteria, unit_inputs):
    history = History(store)
    saved = save(history, criteria, unit_inputs, period="２０２４-h1", unit_code="\u200b09652")
    assert (saved.unit_code, saved.period) == ("09652", "2024-H1")
    assert history.get("０９６５２", "2024-h1").saved_at == saved.saved_at
    with pytest.raises(AlreadySaved):
        save(history, criteria, unit_inputs, period="2024-H1")


def test_an_undatable_period_is_not_saved(tmp_path, criteria, unit_inputs):
    from engine.criteria.versions import CriteriaLibrary

    history = History(tmp_path / "h.sqlite3")
    unit, result = evaluate_one(criteria, {**unit_inputs, "period": "Q1-2024"})
    if result.status == "invalid":  # the engine refuses it already (issue 24): the history must too
        with pytest.raises(NotSavable):
            history.save(criteria, result, unit.values)
        return
    with pytest.raises(NotSavable) as error:
        history.save(criteria, result, unit.values)
    assert "Q1-2024" in str(error.value)
    assert CriteriaLibrary  # the explicit one-file library scores it; the history still refuses to key it


def test_a_replace_is_explicit_and_keeps_the_old_row_in_the_audit_trail(store, criteria, unit_inputs):
    history = History(store)
    first = save(history, criteria, unit_inputs)
    unit, better = evaluate_one(criteria, {**unit_inputs, "activities_held": 2})
    with pytest.raises(AlreadySaved) as refused:
        history.save(criteria, better, unit.values)
    assert refused.value.saved.result["total"] == first.result["total"] == 835
    history.save(criteria, better, unit.values, replace=True, by="board1")
    assert history.get("09652", "2024").result["status"] == "recognized"
    trail = audit.events(store, unit_code="09652")
    assert [e.action for e in trail] == ["history.save", "history.replace"]
    replaced = trail[1]
    assert replaced.actor == "board1" and replaced.period == "2024"
    assert replaced.before["result"]["total"] == 835 and replaced.before["inputs"]["activities_held"] == unit_inputs["activities_held"] == 1
    assert replaced.after["status"] == "recognized"


def test_threads_saving_the_same_unit_and_period(store, criteria, unit_inputs):
    unit, result = evaluate_one(criteria, unit_inputs)
    histories = [History(store) for _ in range(8)]
    start = threading.Barrier(len(histories))
    outcomes: list[str] = []

    def one(history):
        start.wait()
        try:
            history.save(criteria, result, unit.values)
            outcomes.append("saved")
        except AlreadySaved:
            outcomes.append("already")

    threads = [threading.Thread(target=one, args=(h,)) for h in histories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already"] * 7 + ["saved"]
    assert len(list(histories[0].all())) == 1
    assert [e.action for e in audit.events(store)] == ["history.save"]


def _save_in_a_process(db: str, start, outcomes) -> None:
    from engine.criteria.model import load_criteria
    import yaml

    criteria = load_criteria()
    inputs = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))
    unit, result = evaluate_one(criteria, inputs)
    history = History(Store.open(db))
    start.wait()
    try:
        history.save(criteria, result, unit.values)
        outcomes.put("saved")
    except AlreadySaved:
        outcomes.put("already")


def test_processes_saving_the_same_unit_and_period(store, db_url):
    context = multiprocessing.get_context("fork")
    start, outcomes = context.Barrier(4), context.Queue()
    processes = [context.Process(target=_save_in_a_process, args=(db_url, start, outcomes)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * 4
    assert sorted(outcomes.get(timeout=5) for _ in processes) == ["already"] * 3 + ["saved"]
    assert len(list(History(store).all())) == 1


def test_export_is_formula_safe(store, criteria, unit_inputs, tmp_path):
    history = History(store)
    save(history, criteria, unit_inputs, unit_name='=HYPERLINK("http://x","Bấm vào đây")')
    save(history, criteria, unit_inputs, period="2023", unit_name="@SUM(A1:A9)")
    out = io.StringIO()
    assert export_csv(list(history.all()), out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["period"] for r in rows] == ["2023", "2024"]
    assert rows[0]["unit_name"] == "'@SUM(A1:A9)" and rows[1]["unit_name"].startswith("'=HYPERLINK")


# ---------------------------------------------------------------- a history file of cfc before the store


def _old_copy(tmp_path) -> Path:
    path = tmp_path / "history.sqlite3"
    shutil.copyfile(OLD_FILE, path)
    return path


def test_an_old_history_file_is_adopted_in_place(tmp_path):
    path = _old_copy(tmp_path)
    old_rows = sqlite3.connect(path).execute("SELECT unit_code, period FROM evaluations").fetchall()
    assert ("09916", "2024-h1") in old_rows and ("09916", "2024-H1") in old_rows and len(old_rows) == 6
    history = History(path)
    assert history.store.revision() == history.store.head()
    periods = history.periods("09916")
    assert [s.period for s in periods] == ["2023", "2024-H1", "2024"]  # by end day, one spelling
    # 2024-H1 and 2024-h1 were one half-year saved twice: the newer (2024-h1, 835) is kept...
    assert periods[1].result["total"] == 835 and periods[1].saved_at == "2026-12-06T21:52:19+00:00"
    assert periods[2].result["status"] == "recognized" and periods[2].inputs["activities_held"] == 2
    assert [s.period for s in history.periods("09917")] == ["2024", "2025-Q1"]
    # ... and the older one is whole in the audit trail, with the adoption itself.
    trail = audit.events(history.store)
    merged = [e for e in trail if e.action == "history.merged"]
    assert len(merged) == 1 and merged[0].before["result"]["total"] == 820 and merged[0].before["period"] == "2024-H1"
    adopted = next(e for e in trail if e.action == "history.adopted")
    assert adopted.before == {"rows": 6} and adopted.after == {"rows": 5, "merged": 1}
    names = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "evaluations_before_store" not in names
    History(path)  # opening again changes nothing
    assert len(audit.events(History(path).store)) == len(trail)


def test_an_old_history_file_through_the_commands(tmp_path):
    path = _old_copy(tmp_path)
    shown = CliRunner().invoke(main, ["history", "09916", "--db", str(path)])
    assert shown.exit_code == 0, shown.output
    head = shown.stdout.splitlines()[0].split()
    assert head[-3:] == ["2023", "2024-H1", "2024"]
    out = tmp_path / "all.csv"
    exported = CliRunner().invoke(main, ["history", "--export", str(out), "--db", str(path)])
    assert exported.exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["unit_code"], r["period"]) for r in rows] == [
        ("09916", "2023"), ("09916", "2024-H1"), ("09916", "2024"), ("09917", "2024"), ("09917", "2025-Q1")]
    assert json.loads(json.dumps(rows))  # plain text all through
