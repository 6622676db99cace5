"""Empty the test database and migrate it. PostgreSQL: drop and recreate the schema (the duty
log's triggers refuse DELETE and TRUNCATE, by design); SQLite: the session's data dir is new and empty."""

from __future__ import annotations

from app.db import get_engine
from app.migrate import migrate


async def reset_and_migrate() -> None:
    engine = get_engine()
    if engine.engine_type == "postgres":
        await engine.run_ddl("DROP SCHEMA IF EXISTS public CASCADE")
        await engine.run_ddl("CREATE SCHEMA public")
    await migrate()
