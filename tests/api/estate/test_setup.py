"""`python -m app setup` on an empty database, then sign-in as the new supervisor (no demo)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from urllib.parse import urlparse, urlunparse

import asyncpg
import msgspec
import pytest

from app.auth.tables import Staff
from app.org.setup import SetupForm, setup_office
from app.org.tables import Office
from tests.conftest import ROOT

PASSWORD = "first-pass-123"


async def _empty_database() -> tuple[dict[str, str], str | None]:
    """An environment naming a database with nothing in it: a new SQLite data dir, or on PostgreSQL a
    throwaway database beside the suite's (`<name>_setup`), dropped afterwards."""
    env = {**os.environ, "APP_DATA_DIR": tempfile.mkdtemp(prefix="kfzx-setup-"), "SETUP_PASSWORD": PASSWORD}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return env | {"DATABASE_URL": ""}, None
    parts = urlparse(url)
    name = f"{parts.path.lstrip('/')}_setup"
    admin = await asyncpg.connect(urlunparse(parts._replace(path="/postgres")))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return env | {"DATABASE_URL": urlunparse(parts._replace(path=f"/{name}"))}, name


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


async def test_setup_on_an_empty_database_then_the_supervisor_signs_in():
    env, pg_name = await _empty_database()
    try:
        flags = ["--company", "新城物业", "--office", "东湖管理处", "--username", "boss", "--display-name", "王主管"]
        made = _run(env, "-m", "app", "setup", "--no-input", *flags)
        assert made.returncode == 0, made.stderr
        assert "created company 新城物业" in made.stdout
        signed_in = _run(env, "-m", "tests.api.estate.signin_probe", "boss", PASSWORD)
        assert signed_in.returncode == 0, signed_in.stdout + signed_in.stderr
        again = ["--company", "新城物业", "--office", "西湖管理处", "--username", "boss2", "--display-name", "李主管"]
        second = _run(env, "-m", "app", "setup", "--no-input", "--shifts", "two", *again)
        assert second.returncode == 0, second.stderr
        assert "added to company 新城物业 (id 1): office 西湖管理处 (id 2)" in second.stdout
        refused = _run(env, "-m", "app", "setup", "--no-input", *again)  # the same office again
        assert refused.returncode == 1 and "office" in refused.stderr
        taken = [*flags[:2], "--office", "南湖管理处", "--username", "boss2", "--display-name", "张主管"]
        refused = _run(env, "-m", "app", "setup", "--no-input", *taken)
        assert refused.returncode == 1 and "username" in refused.stderr
    finally:
        if pg_name:
            admin = await asyncpg.connect(urlunparse(urlparse(os.environ["DATABASE_URL"])._replace(path="/postgres")))
            await admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            await admin.close()


async def test_setup_adds_an_office_with_the_preset_shifts_and_a_supervisor():
    key = uuid.uuid4().hex[:8]
    form = SetupForm(company=f"公司{key}", office="一号", username=f"s{key}", display_name="主管", password=PASSWORD)
    first = await setup_office(form)
    second = await setup_office(msgspec.structs.replace(form, office="二号", username=f"t{key}", shifts="two"))
    assert first.company_created and not second.company_created and first.company_id == second.company_id
    office = await Office.select().where(Office.id == second.office_id).output(load_json=True).first()
    assert [s["start"] for s in office["shift_templates"]] == ["09:00", "20:00"]
    staff = await Staff.select(Staff.role, Staff.office).where(Staff.id == second.staff_id).first()
    assert staff == {"role": "supervisor", "office": second.office_id}


async def test_a_taken_username_undoes_the_whole_setup():
    from app.errors import RuleViolation
    from app.org.tables import Company

    key = uuid.uuid4().hex[:8]
    form = SetupForm(company=f"公司{key}", office="一号", username=f"v{key}", display_name="主管", password=PASSWORD)
    await setup_office(form)
    with pytest.raises(RuleViolation) as refused:
        await setup_office(msgspec.structs.replace(form, company=f"别的{key}"))
    assert refused.value.field == "username"
    assert not await Company.exists().where(Company.name == f"别的{key}")


@pytest.mark.parametrize(("field", "value"), [("shifts", "four"), ("time_zone", "Mars/Base")])
async def test_setup_refuses_an_unknown_preset_or_zone(field, value):
    from app.errors import RuleViolation

    key = uuid.uuid4().hex[:8]
    form = SetupForm(company=f"公司{key}", office="一号", username=f"u{key}", display_name="主管", password=PASSWORD)
    with pytest.raises(RuleViolation) as refused:
        await setup_office(msgspec.structs.replace(form, **{field: value}))
    assert refused.value.field == field
    assert not await Staff.exists().where(Staff.username == f"u{key}")
