"""Test set-up: a fresh database (SQLite by default, PostgreSQL when DATABASE_URL says so),
migrated once per session; the app in-process; small named factories for offices and staff.

The environment is set before the app is imported (STYLE: tests set the environment first).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

_DATA_DIR = Path(tempfile.mkdtemp(prefix="kfzx-test-"))
os.environ["APP_DATA_DIR"] = str(_DATA_DIR)
os.environ.setdefault("DATABASE_URL", "")
os.environ["APP_LANGUAGE"] = "zh-CN"

import itertools  # noqa: E402

import pytest  # noqa: E402
from litestar.testing import AsyncTestClient  # noqa: E402

from app.settings import get_settings  # noqa: E402
from tests.support import database, factories  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def prepared_database():
    """Empty the test database and apply every migration, once per session."""
    asyncio.run(database.reset_and_migrate())
    yield get_settings()


@pytest.fixture(scope="session")
def app(prepared_database):
    from app.main import create_app

    return create_app()


@pytest.fixture
async def client(app):
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as c:
        yield c


_counter = itertools.count(1)


@pytest.fixture
def unique():
    """A short unique suffix for names made by one test."""
    return f"{os.getpid()}x{next(_counter)}"


@pytest.fixture
async def office(unique):
    """A fresh office with two buildings and a few units, its own tenant."""
    return await factories.make_office(f"测试管理处{unique}")


@pytest.fixture
async def other_office(unique):
    return await factories.make_office(f"另一管理处{unique}")


@pytest.fixture
def make_staff(unique):
    async def make(office_id: int, role: str = "duty", department: str | None = None, password: str | None = None):
        return await factories.make_staff(office_id, role, f"{role}{unique}{next(_counter)}", department, password)

    return make


@pytest.fixture
def login():
    """Sign a test client in as a staff member (through the real form, CSRF included)."""
    return factories.login
