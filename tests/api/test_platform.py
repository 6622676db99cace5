"""Migrations from empty on both databases, the health check, the OpenAPI schema, bad form input."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from urllib.parse import urlparse, urlunparse

import pytest

from app.db import get_engine
from app.settings import ROOT

EXPECTED_TABLES = {"office", "staff", "auth_session", "duty_log_entry", "applied_mutation", "attachment"}


def _migrate(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_migrations_apply_from_empty_on_sqlite_and_again_as_a_no_op():
    data_dir = tempfile.mkdtemp(prefix="kfzx-migrate-")
    env = {**os.environ, "APP_DATA_DIR": data_dir, "DATABASE_URL": ""}
    first = _migrate(env)
    assert first.returncode == 0, first.stderr
    assert _migrate(env).returncode == 0
    with sqlite3.connect(os.path.join(data_dir, "app.sqlite3")) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert tables >= EXPECTED_TABLES


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs in the PostgreSQL pass of make test"
)
async def test_migrations_apply_from_empty_on_postgresql():
    """A fresh PostgreSQL database, migrated by the CLI."""
    url = os.environ["DATABASE_URL"]
    engine = get_engine()
    name = f"kfzx_migrate_{os.getpid()}"
    await engine.run_ddl(f"DROP DATABASE IF EXISTS {name}")
    await engine.run_ddl(f"CREATE DATABASE {name}")
    try:
        fresh = urlunparse(urlparse(url)._replace(path=f"/{name}"))
        result = _migrate({**os.environ, "DATABASE_URL": fresh})
        assert result.returncode == 0, result.stderr
        import asyncpg

        conn = await asyncpg.connect(fresh)
        try:
            rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        finally:
            await conn.close()
        assert {r["tablename"] for r in rows} >= EXPECTED_TABLES
    finally:
        await engine.run_ddl(f"DROP DATABASE IF EXISTS {name}")


async def test_healthz_checks_the_database(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": get_engine().engine_type}


async def test_openapi_schema_is_served(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/sync" in response.json()["paths"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"username": "", "password": "x"}, "username"),
        ({"username": "x" * 500, "password": "x"}, "username"),
        ({"username": "someone", "password": ""}, "password"),
        ({"username": "someone", "password": "p" * 100_000}, "password"),
    ],
)
async def test_bad_login_input_gets_a_4xx_with_the_message_beside_the_field(client, fields, field):
    from tests.support.factories import csrf_token

    token = await csrf_token(client)
    response = await client.post("/login", data={**fields, "_csrf_token": token})
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.text


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"username": "", "display_name": "张三", "role": "duty", "password": "long-enough"}, "username"),
        ({"username": "有中文", "display_name": "张三", "role": "duty", "password": "long-enough"}, "username"),
        ({"username": "ok_name", "display_name": "", "role": "duty", "password": "long-enough"}, "display_name"),
        ({"username": "ok_name", "display_name": "张" * 41, "role": "duty", "password": "long-enough"}, "display_name"),
        ({"username": "ok_name", "display_name": "张三", "role": "pilot", "password": "long-enough"}, "role"),
        ({"username": "ok_name", "display_name": "张三", "role": "duty", "password": "short"}, "password"),
        (
            {"username": "ok_name", "display_name": "张三", "role": "duty", "password": "long-enough", "phone": "abc"},
            "phone",
        ),
        ({"username": "ok_name", "display_name": "张三", "role": "dept_head", "password": "long-enough"}, "department"),
    ],
)
async def test_bad_staff_form_input_is_a_422_with_the_message_beside_the_field(
    client, office, make_staff, login, fields, field
):
    token = await login(client, await make_staff(office["id"], "supervisor"))
    response = await client.post("/staff", data={**fields, "_csrf_token": token})
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.text
    assert 'role="alert"' in response.text


async def test_a_whole_empty_staff_form_lists_every_missing_field(client, office, make_staff, login):
    token = await login(client, await make_staff(office["id"], "supervisor"))
    response = await client.post("/staff", data={"_csrf_token": token})
    assert response.status_code == 422
    for field in ("username", "display_name", "role", "password"):
        assert f'id="e-{field}"' in response.text


async def test_supervisor_adds_edits_and_deactivates_staff_of_own_office(client, office, make_staff, login, unique):
    from app.auth.tables import Staff

    token = await login(client, await make_staff(office["id"], "supervisor"))
    username = f"new_{unique}".lower()
    created = await client.post(
        "/staff",
        data={
            "username": username,
            "display_name": "新人",
            "role": "duty",
            "password": "long-enough",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    member = await Staff.select().where(Staff.username == username).first()
    assert member["office"] == office["id"]
    edited = await client.post(
        f"/staff/{member['id']}",
        data={"display_name": "新人改名", "role": "frontdesk", "phone": "138 0000 0000", "_csrf_token": token},
        follow_redirects=False,
    )
    assert edited.status_code == 303
    await client.post(f"/staff/{member['id']}/active", data={"active": "0", "_csrf_token": token})
    row = await Staff.select().where(Staff.id == member["id"]).first()
    assert (row["display_name"], row["role"], row["is_active"]) == ("新人改名", "frontdesk", False)
    duplicate = await client.post(
        "/staff",
        data={
            "username": username,
            "display_name": "重名",
            "role": "duty",
            "password": "long-enough",
            "_csrf_token": token,
        },
    )
    assert duplicate.status_code == 422 and 'id="e-username"' in duplicate.text


async def test_non_supervisors_cannot_manage_staff(client, office, make_staff, login):
    token = await login(client, await make_staff(office["id"], "duty"))
    assert (await client.get("/staff", follow_redirects=False)).status_code == 403
    response = await client.post(
        "/staff",
        data={"username": "x_y", "display_name": "x", "role": "duty", "password": "long-enough", "_csrf_token": token},
    )
    assert response.status_code == 403


def test_several_instances_need_their_secrets_from_the_environment(monkeypatch, tmp_path):
    """Issue 16: with APP_INSTANCES > 1 a key made in one instance's data dir would refuse every
    form posted to another, so start-up stops with a message naming what to set."""
    from app.settings import SettingsError, load_settings

    monkeypatch.setenv("APP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("APP_INSTANCES", "2")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/x")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("VAPID_PRIVATE_KEY", raising=False)
    with pytest.raises(SettingsError, match="SECRET_KEY and VAPID_PRIVATE_KEY"):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("VAPID_PRIVATE_KEY", "v")
    assert load_settings().instances == 2
    monkeypatch.setenv("DATABASE_URL", "")
    with pytest.raises(SettingsError, match="PostgreSQL"):
        load_settings()
    result = subprocess.run(
        [sys.executable, "-m", "app", "migrate"],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "", "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/x"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_the_client_time_window_is_configurable(monkeypatch, tmp_path):
    from app.settings import load_settings

    monkeypatch.setenv("APP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("APP_RECORDED_AT_PAST_DAYS", "7")
    monkeypatch.setenv("APP_RECORDED_AT_FUTURE_DAYS", "2")
    settings = load_settings()
    assert (settings.recorded_at_past_days, settings.recorded_at_future_days) == (7, 2)
