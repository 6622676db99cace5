"""The one place the Piccolo engine is made: SQLite by default, PostgreSQL via DATABASE_URL."""

from __future__ import annotations

import functools
import sqlite3
from contextlib import asynccontextmanager
from urllib.parse import unquote, urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from app.settings import Settings, get_settings


def _postgres_config(url: str) -> dict:
    parts = urlparse(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "database": parts.path.lstrip("/") or "postgres",
    }


def make_engine(settings: Settings) -> Engine:
    if settings.is_postgres:
        return PostgresEngine(
            config=_postgres_config(settings.database_url),
            log_queries=settings.log_queries,
        )
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    # NOTE: WAL is a property of the database file, so setting it once is enough;
    # Piccolo turns foreign keys on for every connection it opens.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
    return SQLiteEngine(path=str(path), timeout=15, log_queries=settings.log_queries)


@functools.cache
def get_engine() -> Engine:
    return make_engine(get_settings())


def is_postgres() -> bool:
    return get_engine().engine_type == "postgres"


@asynccontextmanager
async def write_transaction():
    """A write transaction. On SQLite it is IMMEDIATE: DESIGN "Known traps" — DEFERRED
    transactions that read then write fail with `database is locked` under concurrency."""
    engine = get_engine()
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate) as tx:
            yield tx
    else:
        async with engine.transaction() as tx:
            yield tx


async def open_pool() -> None:
    engine = get_engine()
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=10)


async def close_pool() -> None:
    engine = get_engine()
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
