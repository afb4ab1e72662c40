"""Shared by the store tests (a module of its own: tests/web has a conftest.py too, and `from conftest import`
would find whichever was imported first)."""
from __future__ import annotations

from pathlib import Path

from engine.api import evaluate_inputs

ROOT = Path(__file__).resolve().parents[2]


def evaluate_one(criteria, data: dict):
    """(the evaluation, its result): the evaluation carries the validated inputs as `.values`."""
    evaluation = evaluate_inputs(criteria, data, "web")
    return evaluation, evaluation.result
