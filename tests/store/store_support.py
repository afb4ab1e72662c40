"""Shared by the store and workflow tests (a module of its own: tests/web has a conftest.py too, and `from conftest import`
would find whichever was imported first)."""
from __future__ import annotations

from pathlib import Path

import yaml

from engine.api import evaluate_inputs
from engine.store.users import register_unit
from engine.workflow import Principal

ROOT = Path(__file__).resolve().parents[2]


def evaluate_one(criteria, data: dict):
    """(the evaluation, its result): the evaluation carries the validated inputs as `.values`."""
    evaluation = evaluate_inputs(criteria, data, "web")
    return evaluation, evaluation.result


# ---------------------------------------------------------------- the workflow: units, people, figures


UNIT = "09916"

COMMUNE = Principal("xa.hoason", "commune", unit=UNIT)
COMMUNE_OTHER = Principal("xa.khac", "commune", unit="09917")
BOARD = Principal("hoidong", "board", area=("Thị xã Đoài Sơn",))
BOARD_OTHER = Principal("hoidong.hue", "board", area=("10001", "Huyện Xa"))
PROVINCE = Principal("tinh", "province", province="hà nội")
PROVINCE_OTHER = Principal("tinh.hue", "province", province="Thừa Thiên Huế")
ADMIN = Principal("quantri", "admin")
PEOPLE = [COMMUNE, COMMUNE_OTHER, BOARD, BOARD_OTHER, PROVINCE, PROVINCE_OTHER, ADMIN]
SEES_UNIT = {COMMUNE, BOARD, PROVINCE, ADMIN}


def inputs(**changes) -> dict:
    """The shipped example commune with two activities for children: 855/850, recognised."""
    data = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))
    return {**data, "activities_held": 2, **changes}


def place_units(store) -> None:
    with store.writing() as session:
        register_unit(session, UNIT, "Xã Hòa Sơn", "Thị xã Đoài Sơn", "Hà Nội")
        register_unit(session, "09917", "Xã Khác", "Huyện Khác", "Hà Nội")
        register_unit(session, "10001", "Xã Xa", "Huyện Xa", "Thừa Thiên Huế")


def bring_to(wf, state: str, period: str, unit: str = UNIT, who: Principal = ADMIN):
    """A submission of `unit` for `period` in `state`, made through the workflow itself."""
    detail = wf.save_draft(who, unit, period, inputs(), 0)
    steps = {"draft": [], "submitted": ["submit"], "returned": ["submit", "return"],
             "resubmitted": ["submit", "return", "submit"], "appraised": ["submit", "appraise"],
             "recognized": ["submit", "appraise", "recognise"], "not_recognized": ["submit", "appraise", "not_recognise"]}
    for step in steps[state]:
        detail = act(wf, who, step, unit, period, detail.version)
    assert detail.status == state
    return detail


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def act(wf, who: Principal, action: str, unit: str, period: str, version: int | None):
    """One action with valid arguments."""
    if action == "save_draft":
        return wf.save_draft(who, unit, period, inputs(), version)
    if action == "add_evidence":
        wf.add_evidence(who, unit, period, PDF, "bien-ban.pdf", 12)
        return wf.get(who, unit, period)
    if action == "submit":
        return wf.submit(who, unit, period, version)
    if action == "return":
        return wf.return_(who, unit, period, "Bổ sung biên bản họp", version)
    if action == "appraise":
        return wf.appraise(who, unit, period, [], version)
    if action == "recognise":
        return wf.recognise(who, unit, period, "12/QĐ-UBND", "2025-12-20", version)
    if action == "not_recognise":
        return wf.not_recognise(who, unit, period, "Chưa đủ minh chứng", version)
    if action == "reopen":
        return wf.reopen(who, unit, period, "Đề nghị hội đồng kiểm tra lại tiêu chí 2", version)
    raise AssertionError(action)
