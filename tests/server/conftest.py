from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def library():
    from engine.criteria.versions import CriteriaLibrary

    return CriteriaLibrary.load()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """argon2 at its cheapest here: its cost parameters are argon2-cffi's business (engine/store/users.py keeps
    its defaults), these tests are about who may do what. A hash made with other parameters still verifies."""
    from argon2 import PasswordHasher

    from engine.store import users

    kept = users._HASHER
    users._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    users._HASHER = kept
