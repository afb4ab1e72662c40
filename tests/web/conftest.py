from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from engine.history import History
from engine.criteria.model import load_criteria
from engine.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
SINGLE_UNIT = ROOT / "evaluations" / "single-unit.yaml"
SAMPLE_CSV = ROOT / "evaluations" / "sample-area" / "units.csv"


@pytest.fixture(scope="session")
def criteria():
    return load_criteria()


@pytest.fixture()
def unit_inputs() -> dict:
    """The shipped example commune: 835/850, not recognised, with gaps that flip the decision."""
    return yaml.safe_load(SINGLE_UNIT.read_text(encoding="utf-8"))


@pytest.fixture()
def history(tmp_path) -> History:
    return History(tmp_path / "history.sqlite3")


@pytest.fixture()
def client(criteria, history) -> TestClient:
    return TestClient(create_app(criteria, history, max_body=200_000))
