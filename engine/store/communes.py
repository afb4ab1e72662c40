"""One commune account for every commune of a province, in one go (`cfc users add-communes`): a province has
around a hundred communes, and a person typing `cfc users add` and two passwords a hundred times makes mistakes.

    add_communes(store, province, day=None) -> Added(province, list, created, skipped)

The units come from the official list in force on `day` (today): each gets the login `xa.CODE` and a password
made here (readable: three groups of four letters and digits, no 0/o/1/l to mistake), returned once for the
caller to hand out and never stored but as its argon2 hash. A unit that already has a commune account, or a
login already taken, is skipped and said."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select

from engine.store import audit
from engine.store.database import Store
from engine.store.models import User
from engine.store.users import Account, UserError, add_user

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_password() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))


@dataclass
class Added:
    province: str                    # as the official list names it
    list_name: str                   # which list (the map in force on the day)
    created: list[tuple[Account, str, str]] = field(default_factory=list)   # (account, unit name, password)
    skipped: list[tuple[str, str]] = field(default_factory=list)            # (unit code, login or account)


def add_communes(store: Store, province: str, day: dt.date | None = None, by: str = audit.LOCAL,
                 on_created=None) -> Added:
    """Create the accounts. `on_created(account, unit_name, password)` is called after each one, so that the
    caller keeps every password even if a later account fails. Raises UserError for a province the list lacks."""
    from engine.registry import map_for

    admin_map = map_for(day)
    code = admin_map.find_province(province)
    if code is None:
        raise UserError("users_province_unknown", province=province, list=admin_map.label)
    added = Added(admin_map.provinces[code], admin_map.label.vi)
    with store.reading() as session:
        logins = set(session.scalars(select(User.login)))
        served = {u: login for u, login in session.execute(
            select(User.unit_code, User.login).where(User.role == "commune"))}
    for unit in admin_map.in_province(code):
        login = f"xa.{unit.code}"
        if unit.code in served or login in logins:
            added.skipped.append((unit.code, served.get(unit.code, login)))
            continue
        password = new_password()
        # Temporary: whoever hands the file of passwords out knows them; each commune chooses its own at sign-in.
        account = add_user(store, login, password, "commune", unit=unit.code, by=by, temporary=True,
                           unit_place={"name": unit.name, "district": unit.district, "province": unit.province})
        added.created.append((account, unit.name, password))
        if on_created is not None:
            on_created(account, unit.name, password)
    return added
