"""Test set-up: a fresh database (SQLite by default, PostgreSQL when DATABASE_URL says so),
migrated once per session; the app in-process; small named factories for offices and staff.

The environment is set before the app is imported (STYLE: tests set the environment first).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_DATA_DIR = Path(tempfile.mkdtemp(prefix="kfzx-test-"))
os.environ["APP_DATA_DIR"] = str(_DATA_DIR)
os.environ.setdefault("DATABASE_URL", "")
os.environ["APP_LANGUAGE"] = "zh-CN"
# The loopback push-service and robot doubles (tests/support/push_service.py, push_sink.py) listen
# on 127.0.0.1 at a random port over plain http: exempt from the public-https rule (app.outbound).
os.environ.setdefault("APP_OUTBOUND_ALLOW", "127.0.0.1:*")

import itertools  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402

from app.db import close_pool, open_pool  # noqa: E402
from app.settings import get_settings  # noqa: E402
from tests.support import database, factories  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
async def prepared_database():
    """Empty the test database and apply every migration, once per session."""
    await database.reset_and_migrate()
    await open_pool()
    yield get_settings()
    await close_pool()


@pytest.fixture(scope="session")
def app(prepared_database):
    from app.main import create_app

    return create_app(manage_pool=False)


def make_client(app) -> httpx.AsyncClient:
    """An HTTP client that calls the app in this event loop (Litestar's test client runs the
    app in a thread of its own, where a PostgreSQL pool made in the test's loop cannot be used)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")


@pytest.fixture
async def client(app):
    async with make_client(app) as c:
        yield c


@pytest.fixture
def new_client(app):
    """Another browser, for tests with two people."""
    return lambda: make_client(app)


def pytest_collection_modifyitems(items):
    """Browser tests last: the fast in-process tests fail first, and no async test runs between
    browser tests (see tests/e2e/conftest.py)."""
    items.sort(key=lambda item: "browser" in item.fixturenames or "page" in item.fixturenames)


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
