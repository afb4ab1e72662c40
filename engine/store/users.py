"""Accounts: who can sign in, with which role and over which units; passwords hashed with argon2 (argon2-cffi's
defaults, rehashed when they change); every login attempt kept for the web layer's rate limits.

    add_user(store, login, password, role, *, unit=None, area=None, province=None, unit_place=None, by="local")
        -> Account                      role: commune (unit), board (area), province (province), admin
    get_user(store, login) -> Account | None
    list_users(store) -> list[Account]
    set_disabled(store, login, disabled=True, by="local") -> Account
    set_password(store, login, password, by="local", temporary=False) -> Account
    change_password(store, login, current, new, address=None) -> Account   the owner's own change
    authenticate(store, login, password, address=None) -> Account | None   records the attempt (and an event)
    recent_failures(store, since, *, login=None, address=None) -> int       failed attempts since a moment
    register_unit(session, code, name=None, district=None, province=None)   the unit row scope is decided by

A password someone else chose (add_user or set_password with temporary=True: an administrator's page, `cfc users
add`) is temporary: its owner is sent to change it before anything else (engine/web/server/auth.py), so whoever
handed it out no longer knows the password in use.

Every change is an event (user.add, user.disable, user.enable, user.password, login.ok, login.failed). Errors
are UserError, a MessageError: one sentence in either language.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.messages import MessageError
from engine.periods import fold
from engine.store import audit
from engine.store.database import Store
from engine.store.models import ROLES, LoginAttempt, Unit, User, utcnow
from engine.units.codes import code_key

MIN_PASSWORD = 8
MAX_PASSWORD = 1024      # argon2 takes any length; a bound keeps a hostile request from costing much
_LOGIN = re.compile(r"[\w.@+-]{1,100}")
_HASHER = PasswordHasher()
# Verified when the login is unknown, so that an unknown login takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password anyone has")


class UserError(MessageError):
    """An account cannot be made or changed as asked: `key` names the sentence."""

    def __init__(self, key: str, /, **params: Any):
        self.key = key
        super().__init__(key, **params)


@dataclass(frozen=True)
class Account:
    """An account as read (never the password hash)."""

    login: str
    role: str
    unit_code: str | None
    area: tuple[str, ...]
    province: str | None
    disabled: bool
    created_at: dt.datetime
    password_temporary: bool = False
    # When the password last changed: a session remembers it, and one signed in before a change is over
    # (engine/web/server/auth.py).
    password_changed_at: dt.datetime | None = None

    def as_json(self) -> dict:
        scope = {"commune": {"unit": self.unit_code}, "board": {"area": list(self.area)},
                 "province": {"province": self.province}}.get(self.role, {})
        return {"login": self.login, "role": self.role, **scope, "disabled": self.disabled,
                "password_temporary": self.password_temporary, "created_at": self.created_at.isoformat()}


def _account(user: User) -> Account:
    return Account(user.login, user.role, user.unit_code, tuple(user.area or ()), user.province, user.disabled,
                   user.created_at, bool(user.password_temporary), user.password_changed_at)


def normalise_login(login: str) -> str:
    """A login as compared: Unicode-folded, lower case (Xa.HoaSon and xa.hoason are one account)."""
    return fold(str(login)).casefold()


def _checked_login(login: str) -> str:
    key = normalise_login(login)
    if not _LOGIN.fullmatch(key):
        raise UserError("user_bad_login", login=login)
    return key


def _checked_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise UserError("user_short_password", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise UserError("user_long_password", max=MAX_PASSWORD)
    if not _is_text(password):
        # A lone surrogate (JSON's "\\ud800") is no character anyone can type again: refused, not hashed.
        raise UserError("user_password_not_text")
    return password


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def split_area(values: Iterable[str]) -> tuple[str, ...]:
    """A board's area as given (repeated, or comma-separated): unit codes and district/province names."""
    parts = [fold(part) for value in values for part in str(value).split(",")]
    return tuple(dict.fromkeys(part for part in parts if part))


def register_unit(session: Session, code: str, name: str | None = None, district: str | None = None,
                  province: str | None = None) -> Unit:
    """The unit row for `code`, made when missing; names given fill what it lacks (never overwrite it: where a
    unit is decides who sees it, and only an administrator's account command sets that)."""
    from engine.workflow.access import place_key  # the one definition of how names compare

    unit = session.get(Unit, code)
    if unit is None:
        unit = Unit(code=code)
        session.add(unit)
    for column, value in (("name", name), ("district", district), ("province", province)):
        if getattr(unit, column) is None and value is not None and fold(str(value)):
            setattr(unit, column, fold(str(value)))
    unit.district_key, unit.province_key = place_key(unit.district), place_key(unit.province)
    return unit


def official_place(code: str | None, given: dict[str, str | None]):
    """A commune account's unit as the official list has it (engine/registry: today's list, else the one before
    1 July 2025): the name, district and province the person left blank are filled from it. Returns (the
    place, the registry's unit). Raises UserError for a code in neither list (cfc users add says so too)."""
    import datetime as _dt

    from engine.registry import REFORM_DAY, lookup

    found = lookup(code) or lookup(code, REFORM_DAY - _dt.timedelta(days=1))
    if found is None:
        raise UserError("user_unit_unknown", unit=str(code))
    official = {"name": found.name, "district": found.district, "province": found.province}
    return {key: given.get(key) or official[key] for key in official}, found


def add_user(store: Store, login: str, password: str, role: str, *, unit: str | None = None,
             area: Iterable[str] | None = None, province: str | None = None,
             unit_place: dict[str, str | None] | None = None, by: str = audit.LOCAL,
             temporary: bool = False) -> Account:
    """Make an account. A commune account names its unit (`unit_place`: its name, district and province, which
    decide which board and province see it); a board names its area; a province its province. `temporary`: the
    password was chosen for its owner, who must change it at the first sign-in. Raises UserError (bad login,
    short password, login taken, scope missing)."""
    key = _checked_login(login)
    _checked_password(password)
    if role not in ROLES:
        raise UserError("user_bad_role", role=role, roles=", ".join(ROLES))
    code = code_key(unit) if role == "commune" else None
    areas = split_area(area or ()) if role == "board" else ()
    place = fold(province) if role == "province" and province else None
    if (role == "commune" and not code) or (role == "board" and not areas) or (role == "province" and not place):
        raise UserError("user_needs_scope", role=role)
    now = utcnow()
    user = User(login=key, password_hash=_HASHER.hash(password), role=role, unit_code=code,
                area=list(areas) if role == "board" else None, province=place, disabled=False, created_at=now,
                password_changed_at=now, password_temporary=temporary)
    try:
        with store.writing() as session:
            if code:
                register_unit(session, code, **(unit_place or {}))
            session.add(user)
            session.flush()
            audit.record(session, "user.add", by, unit_code=code, after=_account(user).as_json(), at=now)
    except IntegrityError:
        raise UserError("user_exists", login=key) from None
    return _account(user)


def get_user(store: Store, login: str) -> Account | None:
    with store.reading() as session:
        user = session.scalars(select(User).where(User.login == normalise_login(login))).one_or_none()
        return _account(user) if user else None


def list_users(store: Store) -> list[Account]:
    with store.reading() as session:
        return [_account(u) for u in session.scalars(select(User).order_by(User.role, User.login))]


def _change(store: Store, login: str, by: str, action: str, change) -> Account:
    with store.writing() as session:
        user = session.scalars(select(User).where(User.login == normalise_login(login)).with_for_update()
                               ).one_or_none()
        if user is None:
            raise UserError("user_unknown", login=login)
        before = _state(user)
        change(user)
        audit.record(session, action, by, unit_code=user.unit_code, before=before, after=_state(user))
        return _account(user)


def _state(user: User) -> dict:
    """What an account event records of the account (never its password or hash)."""
    return {"login": user.login, "disabled": user.disabled, "password_temporary": bool(user.password_temporary)}


def set_disabled(store: Store, login: str, disabled: bool = True, by: str = audit.LOCAL) -> Account:
    """Disable (or enable again) an account: it can no longer sign in; its history stays."""
    return _change(store, login, by, "user.disable" if disabled else "user.enable",
                   lambda user: setattr(user, "disabled", disabled))


def set_password(store: Store, login: str, password: str, by: str = audit.LOCAL, temporary: bool = False) -> Account:
    """A new password (the event records that it changed, never the password or its hash). `temporary`: chosen
    for the owner (a reset), who must change it at the next sign-in. Every session signed in before is over."""
    _checked_password(password)
    hashed = _HASHER.hash(password)

    def change(user: User) -> None:
        user.password_hash = hashed
        user.password_changed_at = utcnow()
        user.password_temporary = temporary

    return _change(store, login, by, "user.password", change)


def change_password(store: Store, login: str, current: str, new: str, address: str | None = None) -> Account:
    """The owner changes their own password, giving the current one. A wrong current password counts as a failed
    sign-in (login_attempts and a login.failed event: the same limits slow a guesser at this door) and raises
    UserError user_wrong_password; the same password again is refused (user_same_password), as is one the rules
    refuse. The new password is final (not temporary). As authenticate: argon2 runs between transactions."""
    key = normalise_login(login)[:100]
    hashed = _stored_hash(store, key)
    current = current if isinstance(current, str) else ""
    ok = hashed is not None and _verify(hashed, current[:MAX_PASSWORD])
    if ok:
        _checked_password(new)
        if new == current:
            raise UserError("user_same_password")
        fresh = _HASHER.hash(new)
    with store.writing() as session:
        user = session.scalars(select(User).where(User.login == key).with_for_update()).one_or_none()
        # What was checked must still be the account's password (no change raced this one), the account enabled.
        ok = ok and user is not None and user.password_hash == hashed and not user.disabled
        now = utcnow()
        if not ok:
            _attempt(session, key, user, address, False, now, changing=True)
        else:
            before = _state(user)
            user.password_hash, user.password_changed_at, user.password_temporary = fresh, now, False
            audit.record(session, "user.password", key, unit_code=user.unit_code, before=before, after=_state(user),
                         at=now)
            return _account(user)
    # Raised after the transaction, so that the failed attempt is kept (a raise inside would roll it back).
    raise UserError("user_wrong_password")


def authenticate(store: Store, login: str, password: str, address: str | None = None) -> Account | None:
    """The account when the password is right and the account enabled; else None. Every attempt is recorded
    (login_attempts, for rate limits; an event, for the audit) in one transaction. A hash made with older
    argon2 parameters is replaced by one with today's.

    The password is checked between two short transactions, never inside one: an argon2 check takes a core for
    a tenth of a second or more, and on SQLite a write transaction holds the whole database's write lock — a
    burst of sign-ins at a deadline must not keep every other writer waiting."""
    key = normalise_login(login)[:100]
    password = password if isinstance(password, str) else ""
    hashed = _stored_hash(store, key)
    ok = _verify(hashed or _DUMMY_HASH, password[:MAX_PASSWORD]) and hashed is not None
    rehashed = _HASHER.hash(password) if ok and _HASHER.check_needs_rehash(hashed) else None
    with store.writing() as session:
        user = session.scalars(select(User).where(User.login == key)).one_or_none()
        # What was checked must still be the account's password, and the account still enabled.
        ok = ok and user is not None and user.password_hash == hashed and not user.disabled
        if ok and rehashed:
            user.password_hash = rehashed
        _attempt(session, key, user, address, ok, utcnow())
        return _account(user) if ok else None


def _stored_hash(store: Store, key: str) -> str | None:
    """The password hash of the account `key` (a normalised login), None when there is none: read in a short
    transaction of its own, before argon2 checks against it (authenticate, change_password)."""
    with store.reading() as session:
        return session.scalar(select(User.password_hash).where(User.login == key))


def _attempt(session: Session, key: str, user: User | None, address: str | None, ok: bool, now: dt.datetime,
             changing: bool = False) -> None:
    """A password tried, signing in or (`changing`) giving the current one to change it: kept for the rate limits
    (login_attempts) and the audit (login.ok / login.failed)."""
    session.add(LoginAttempt(at=now, login=key, address=(address or None) and address[:64], succeeded=ok))
    after = {"address": address, "while": "password_change"} if changing else {"address": address}
    audit.record(session, "login.ok" if ok else "login.failed", key, unit_code=user.unit_code if user else None,
                 after=after, at=now)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
    except UnicodeEncodeError:
        # A lone surrogate (from JSON) cannot be any password: _checked_password refuses such when they are set.
        return False


def recent_failures(store: Store, since: dt.datetime, *, login: str | None = None, address: str | None = None) -> int:
    """Failed attempts at or after `since`, for one login or one address (give one of them)."""
    query = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since,
                                                                 LoginAttempt.succeeded.is_(False))
    if login is not None:
        query = query.where(LoginAttempt.login == normalise_login(login)[:100])
    if address is not None:
        query = query.where(LoginAttempt.address == address[:64])
    with store.reading() as session:
        return session.scalar(query) or 0
