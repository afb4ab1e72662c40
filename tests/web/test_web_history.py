"""The evaluation history (engine/history.py) and its commands: cfc evaluate --save, cfc history, and the
cfc serve command itself (address, token)."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.history import AlreadySaved, History, NotSavable, compare, default_path, format_comparison
from engine.api import evaluate_inputs

from conftest import ROOT, SAMPLE_CSV


def evaluate_one(criteria, data):
    """(validated unit, result) through the front door, as the page's API scores it."""
    evaluation = evaluate_inputs(criteria, data, "web")
    return evaluation.unit, evaluation.result


def saved_twice(history, criteria, unit_inputs):
    """The example commune in 2023 (no activity for children) and 2024 (two): criterion 12 rises."""
    for period, activities in (("2023", 0), ("2024", 2)):
        unit, result = evaluate_one(criteria, {**unit_inputs, "period": period, "activities_held": activities})
        history.save(criteria, result, unit.values)


def test_save_get_replace(history, criteria, unit_inputs):
    unit, result = evaluate_one(criteria, unit_inputs)
    saved = history.save(criteria, result, unit.values)
    assert (saved.unit_code, saved.period, saved.criteria_id) == ("09652", "2024", "qd06-2019")
    assert saved.criteria_digest == criteria.digest
    again = history.get("09652", "2024")
    assert again.unit.total == 835 and again.inputs["births"] == 46 and again.inputs["staff_assigned"] is True
    with pytest.raises(AlreadySaved) as error:
        history.save(criteria, result, unit.values)
    assert error.value.saved.saved_at == saved.saved_at
    unit, better = evaluate_one(criteria, {**unit_inputs, "activities_held": 2})
    history.save(criteria, better, unit.values, replace=True)
    assert history.get("09652", "2024").unit.status == "recognized"
    assert len(list(history.all())) == 1


@pytest.mark.parametrize("change", [{"births": "-1"}, {"period": None}, {"unit_code": None}])
def test_invalid_or_unkeyed_results_are_not_saved(history, criteria, unit_inputs, change):
    unit, result = evaluate_one(criteria, {**unit_inputs, **change})
    with pytest.raises(NotSavable):
        history.save(criteria, result, unit.values)
    assert list(history.all()) == []


def test_default_file_is_in_the_users_data_directory(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # as on a machine without platformdirs
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "cfc" / "history.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".local" / "share" / "cfc" / "history.sqlite3"


def test_periods_side_by_side(history, criteria, unit_inputs):
    saved_twice(history, criteria, unit_inputs)
    comparison = compare(history.periods("09652"))
    assert [s.period for s in comparison.periods] == ["2023", "2024"]
    assert len(comparison.criteria) == len(criteria.criteria)
    moved = {row.number: row.changes[1] for row in comparison.criteria if row.changes[1]}
    assert moved and sum(moved.values()) == comparison.total_changes[1] == comparison.totals[1] - comparison.totals[0]
    assert all(row.changes[0] is None for row in comparison.criteria)
    table = format_comparison(comparison, "en")
    assert "2023" in table and "2024" in table and f"(+{comparison.total_changes[1]})" in table
    assert re.search(r"^Result +Not recognised +Recognised$", table, re.M)  # columns never run together
    assert len({len(line) for line in table.splitlines()}) == 1  # every row as wide as the header


def test_unscored_criterion_is_not_a_zero(history, criteria, unit_inputs):
    unit, result = evaluate_one(criteria, {**unit_inputs, "period": "2023", "births": None})
    history.save(criteria, result, unit.values)
    unit, result = evaluate_one(criteria, unit_inputs)
    history.save(criteria, result, unit.values)
    row = next(r for r in compare(history.periods("09652")).criteria if r.number == 2)
    assert row.points[0] is None and row.changes[1] is None


# ---------------------------------------------------------------- the commands


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_evaluate_save_then_history(tmp_path):
    db = tmp_path / "h.sqlite3"
    result = run("evaluate", SAMPLE_CSV, "--format", "json", "--save", "--db", db)
    assert result.exit_code == 1  # the sample holds two invalid units on purpose
    json.loads(result.stdout)  # results on stdout stay clean JSON; messages go to stderr
    units = json.loads(result.stdout)["units"]
    valid = [u for u in units if u["status"] != "invalid"]
    assert len(list(History(db).all())) == len(valid)
    assert result.stderr.count("Đã lưu") == len(valid) and "dữ liệu lỗi nên không lưu" in result.stderr
    shown = run("history", valid[0]["unit_code"], "--db", db, "--lang", "en")
    assert shown.exit_code == 0 and "Total" in shown.output and str(valid[0]["total"]) in shown.output
    missing = run("history", "nobody", "--db", db)
    assert missing.exit_code == 1 and "Chưa có kỳ nào" in missing.stderr


def _count_reads_and_evaluations(monkeypatch) -> tuple[dict[str, int], list]:
    """Calls of the file reader, by file name, and every unit that went through the rules."""
    import engine.loading
    import engine.rules.by_period
    import engine.rules.evaluate

    reads: dict[str, int] = {}
    scored: list = []
    read, score = engine.loading.read_source, engine.rules.evaluate.evaluate_units

    def counting_read(path, criteria=None):
        reads[Path(path).name] = reads.get(Path(path).name, 0) + 1
        return read(path, criteria)

    def counting_score(criteria, units):
        units = list(units)
        scored.extend(units)
        return score(criteria, units)

    monkeypatch.setattr(engine.loading, "read_source", counting_read)
    for module in (engine.rules.evaluate, engine.rules.by_period):
        monkeypatch.setattr(module, "evaluate_units", counting_score)
    return reads, scored


def test_save_reuses_the_one_evaluation(tmp_path, monkeypatch):
    single = ROOT / "evaluations" / "single-unit.yaml"
    reads, scored = _count_reads_and_evaluations(monkeypatch)
    plain = run("evaluate", single, SAMPLE_CSV, "--format", "json")
    units = len(json.loads(plain.stdout)["units"])
    without = (dict(reads), len(scored))
    reads.clear(), scored.clear()
    saved = run("evaluate", single, SAMPLE_CSV, "--format", "json", "--save", "--db", tmp_path / "h.sqlite3")
    assert saved.stdout == plain.stdout and saved.exit_code == plain.exit_code == 1
    # As many reads as evaluating alone: each file once (a CSV this small is kept from the first pass).
    assert reads == without[0] == {"single-unit.yaml": 1, "units.csv": 1}
    assert len(scored) == without[1] == units  # every unit through the rules once
    assert saved.stderr.count("Đã lưu") == len(list(History(tmp_path / "h.sqlite3").all())) > 0


def test_saving_again_asks(tmp_path):
    db = tmp_path / "h.sqlite3"
    single = ROOT / "evaluations" / "single-unit.yaml"
    assert run("evaluate", single, "--save", "--db", db).exit_code == 0
    kept = run("evaluate", single, "--save", "--db", db, input="n\n")
    assert "Thay thế bằng kết quả mới?" in kept.stderr and "giữ bản đã lưu" in kept.stderr
    no_answer = run("evaluate", single, "--save", "--db", db, input="")
    assert no_answer.exit_code == 0 and "giữ bản đã lưu" in no_answer.stderr
    before = History(db).get("09652", "2024").saved_at
    replaced = run("evaluate", single, "--save", "--db", db, input="y\n")
    assert "Đã lưu 09652 kỳ 2024" in replaced.stderr
    assert run("evaluate", single, "--save", "--db", db, "--yes").exit_code == 0
    assert History(db).get("09652", "2024").saved_at >= before


def test_history_export_csv(tmp_path, history, criteria, unit_inputs):
    saved_twice(history, criteria, unit_inputs)
    out = tmp_path / "history.csv"
    result = run("history", "--export", out, "--db", history.path)
    assert result.exit_code == 0 and "2" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["unit_code"], r["period"]) for r in rows] == [("09652", "2023"), ("09652", "2024")]
    assert rows[0]["activities_held"] == "0" and rows[1]["activities_held"] == "2"
    assert rows[0]["staff_assigned"] == "có" and rows[1]["criteria_digest"] == criteria.digest
    assert int(rows[1]["total"]) > int(rows[0]["total"]) and rows[0]["criterion_13"] != ""
    assert run("history").exit_code == 2  # neither a unit nor --export


def test_what_if_results_are_never_saved(tmp_path):
    db = tmp_path / "h.sqlite3"
    single = ROOT / "evaluations" / "single-unit.yaml"
    result = run("evaluate", single, "--save", "--db", db, "--set", "activities_held=2")
    assert result.exit_code == 2 and "--set" in result.output
    assert not db.exists()


def test_serve_binds_loopback_by_default_and_needs_a_token_elsewhere(tmp_path):
    serve = next(c for c in main.commands["serve"].params if c.name == "host")
    assert serve.default == "127.0.0.1"
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", "--host", "0.0.0.0", "--port", "0",
                                "--db", str(tmp_path / "h.sqlite3")], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert "?token=" in line
        token = re.search(r"token=([\w-]+)", line).group(1)
        assert len(token) >= 24
        assert "mã truy cập" in process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
