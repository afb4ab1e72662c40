"""The models say what the migrations make: Alembic's own comparison finds no difference, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from engine.store.models import Base


def test_models_match_the_newest_migration(store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def _made_by(db_url: str, revision: str, *rows: str) -> None:
    """A database as `revision` made it, holding `rows` (SQL inserts), as a province server would have it."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from engine.store.database import MIGRATIONS, database_url

    engine = create_engine(database_url(db_url))
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        for row in rows:
            connection.execute(text(row))
    engine.dispose()


def test_0003_rekeys_the_units_a_0002_database_holds(db_url):
    """A database made by 0002 (place keys lower-cased only) is re-keyed as the registry compares names, so a
    province account "Hà Nội" sees the units it held as "Thành phố Hà Nội"."""
    from sqlalchemy import text

    from engine.store import Store
    from engine.store.models import Unit
    from engine.workflow import Principal
    from engine.workflow.access import place_key

    _made_by(db_url, "0002", "INSERT INTO units (code, name, district, province, district_key, province_key) "
             "VALUES ('09916', 'Xã Thạch Thán', 'Huyện Quốc Oai', 'Thành phố Hà Nội', 'huyện quốc oai', "
             "'thành phố hà nội')")
    upgraded = Store.open(db_url, upgrade=True)
    with upgraded.reading() as session:
        keys = session.execute(text("SELECT district_key, province_key FROM units")).one()
        assert tuple(keys) == (place_key("Quốc Oai"), place_key("Hà Nội"))
        province = Principal("tinh", "province", province="Hà Nội")
        assert session.query(Unit).filter(province.visible_units()).count() == 1
    upgraded.close()


def test_0004_keeps_the_accounts_before_it_final(db_url):
    """Accounts made before temporary passwords existed keep signing in as they did: not temporary."""
    from engine.store import Store
    from engine.store.users import get_user

    _made_by(db_url, "0003", "INSERT INTO users (login, password_hash, role, province, disabled, created_at, "
             "password_changed_at) VALUES ('tinh', 'x', 'province', 'Hà Nội', false, '2026-01-01 00:00:00', "
             "'2026-01-01 00:00:00')")
    upgraded = Store.open(db_url, upgrade=True)
    assert get_user(upgraded, "tinh").password_temporary is False
    upgraded.close()
