"""Every store test runs on SQLite and on PostgreSQL.

PostgreSQL is the server .ci/run starts (CFC_TEST_POSTGRES_URL); each test gets a schema of its own in it,
dropped afterwards. Without that variable, or with a server that does not answer, the PostgreSQL half FAILS:
a store tested on one database only is not what the README promises.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.store import Store

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("CFC_TEST_POSTGRES_URL")
DATABASES = ["sqlite", "postgresql"]


def _admin_url() -> str:
    if not POSTGRES_URL:
        pytest.fail("CFC_TEST_POSTGRES_URL is not set: run the tests through .ci/run, which starts PostgreSQL, "
                    "or start a server and export its URL (see .ci/postgres.sh)")
    return make_url(POSTGRES_URL).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_admin():
    """An engine on the test server, checked once: a server that cannot be reached fails the run."""
    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 — any failure to connect is the same failure here
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} cannot be reached: {error}")
    yield engine
    engine.dispose()


def _postgres_schema_url(admin, name: str) -> str:
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    url = make_url(_admin_url()).update_query_dict({"options": f"-csearch_path={name}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path) -> str:
    """An empty database: an SQLite file that does not exist yet, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "cfc.sqlite3")
        return
    admin = request.getfixturevalue("postgres_admin")
    name = "t_" + uuid.uuid4().hex[:12]
    yield _postgres_schema_url(admin, name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))


@pytest.fixture()
def store(db_url) -> Store:
    """The database at the newest schema."""
    opened = Store.open(db_url, upgrade=True)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def criteria():
    from engine.criteria.model import load_criteria

    return load_criteria()


@pytest.fixture()
def unit_inputs() -> dict:
    """The shipped example commune: 835/850, not recognised, with gaps that flip the decision."""
    return yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def library():
    from engine.criteria.versions import CriteriaLibrary

    return CriteriaLibrary.load()


@pytest.fixture()
def wf(store, library):
    """The workflow on a fresh database that knows three units (store_support.place_units)."""
    from engine.workflow import Workflow
    from store_support import place_units

    place_units(store)
    return Workflow(store, library)
