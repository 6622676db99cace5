"""The one place the Piccolo engine is made: SQLite by default, PostgreSQL via DATABASE_URL."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sqlite3
import sys
import time
from contextlib import asynccontextmanager, suppress
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlparse

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from app import memo
from app.settings import Settings, get_settings


def pool_size(engine_type: str) -> int:
    """APP_DB_POOL: connections kept open per app instance. PostgreSQL default 10 (keep instances ×
    pool below the server's max_connections); SQLite default 4 (WAL: many readers, one writer);
    APP_DB_POOL=0 on SQLite opens a connection per query, as Piccolo does."""
    value = os.environ.get("APP_DB_POOL", "").strip()
    if engine_type == "postgres":
        return max(2, int(value)) if value else 10
    if not value:
        return 4
    return max(2, int(value)) if int(value) > 0 else 0


LOCK_WARN_SECONDS = 5.0
log = logging.getLogger("app.db")


def _caller() -> str:
    """Where the app took the write lock: its innermost frames in app/ (cheap: no source lines read)."""
    frame: FrameType | None = sys._getframe(2)
    found: list[str] = []
    while frame is not None and len(found) < 3:
        name = frame.f_code.co_filename
        if "/app/" in name and not name.endswith("/app/db.py"):
            found.append(f"{name.rsplit('/app/', 1)[1]}:{frame.f_code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    return " < ".join(found) or "?"


class _PooledTransaction(SQLiteTransaction):
    """A transaction on a borrowed pool connection, given back (not closed) at the end. IMMEDIATE
    transactions first take the process's write lock, so writers queue in asyncio (no busy-waiting
    in SQLite) and a waiting writer never holds a connection that readers need."""

    __slots__ = ("_lock_held", "_pool")

    async def __aenter__(self) -> SQLiteTransaction:
        engine: PooledSQLiteEngine = self.engine  # type: ignore[assignment]
        pool = engine.pool
        if self._parent is not None or pool is None:
            return await super().__aenter__()
        # NOTE: what __aexit__ does is decided here, from this transaction's own state, never from
        # the engine's at exit time: the pool may be closed meanwhile (shutdown), and stop 12 found
        # that deciding at exit (when run_ddl had hidden the pool for a moment) left the write lock
        # taken forever and hung every writer of the process.
        self._pool = pool
        self._lock_held = self.transaction_type is not TransactionType.deferred
        if self._lock_held:
            await engine.take_write_lock()
        try:
            self.connection = await pool.get()
            try:
                await self.begin()
            except BaseException:
                engine.give_back(self.connection, pool)
                raise
        except BaseException:
            if self._lock_held:
                engine.write_lock.release()
            raise
        self.context = engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        engine: PooledSQLiteEngine = self.engine  # type: ignore[assignment]
        if self._parent is not None or getattr(self, "_pool", None) is None:
            return await super().__aexit__(exception_type, exception, traceback)
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            engine.current_transaction.reset(self.context)
            engine.give_back(self.connection, self._pool)  # never awaits: a cancelled request cannot keep the lock
            if self._lock_held:
                engine.write_lock.release()
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine opens a new connection (and an aiosqlite thread) for every query run
    outside a transaction. This one keeps a few persistent connections (WAL, foreign keys on, set
    once) from `open_pool()` to `close_pool()`: a query borrows one for its run; a transaction
    borrows one for its length. Without an open pool (scripts, migrations) it behaves as Piccolo's."""

    __slots__ = ("_cleanup", "_connections", "lock_holder", "lock_since", "pool", "write_lock")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool: asyncio.Queue | None = None
        self.write_lock = asyncio.Lock()
        self._connections: list[aiosqlite.Connection] = []
        self._cleanup: set[asyncio.Task] = set()
        self.lock_since, self.lock_holder = 0.0, ""

    async def start_pool(self, size: int) -> None:
        if self.pool is not None:
            return
        self.write_lock = asyncio.Lock()
        pool: asyncio.Queue = asyncio.Queue()
        for _ in range(size):
            connection = await aiosqlite.connect(**self.connection_kwargs)
            connection.row_factory = dict_factory  # type: ignore[assignment]
            await connection.execute("PRAGMA foreign_keys = 1")
            self._connections.append(connection)
            pool.put_nowait(connection)
        self.pool = pool

    async def close_pool(self) -> None:
        self.pool = None
        connections, self._connections = self._connections, []
        for connection in connections:
            await connection.close()

    async def take_write_lock(self) -> None:
        """The process's write lock. A wait past LOCK_WARN_SECONDS is logged with where the holder took
        it: a transaction left open, or awaiting something slow inside it, stalls every writer."""
        acquiring = asyncio.ensure_future(self.write_lock.acquire())
        try:
            while not (await asyncio.wait({acquiring}, timeout=LOCK_WARN_SECONDS))[0]:
                held = time.monotonic() - self.lock_since
                log.warning("waiting for the SQLite write lock; held for %.0f s by %s", held, self.lock_holder)
        except BaseException:
            if acquiring.done() and not acquiring.cancelled():
                self.write_lock.release()  # taken just as the waiter was cancelled: give it back
            else:
                acquiring.cancel()
            raise
        self.lock_since, self.lock_holder = time.monotonic(), _caller()

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> SQLiteTransaction:
        return _PooledTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def _run_in_new_connection(self, query: str, args=None, query_type: str = "generic", table=None):
        pool = self.pool
        if pool is None:
            return await super()._run_in_new_connection(query, args, query_type, table)
        connection = await pool.get()
        try:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        finally:
            self.give_back(connection, pool)

    def give_back(self, connection: aiosqlite.Connection, pool: asyncio.Queue) -> None:
        """Return a connection to the pool it was borrowed from. One left inside a transaction (a failed
        or cancelled COMMIT or ROLLBACK) is rolled back in a task of its own first: the pool never hands
        on an open transaction. After the pool was closed, the connection is closed too."""
        if pool is not self.pool:  # closed (shutdown) meanwhile: close_pool closed its connections
            return
        if not connection.in_transaction:
            pool.put_nowait(connection)
            return

        async def roll_back() -> None:
            with suppress(sqlite3.Error, ValueError):
                await connection.execute("ROLLBACK")
            if pool is self.pool:
                pool.put_nowait(connection)

        task = asyncio.ensure_future(roll_back())
        self._cleanup.add(task)
        task.add_done_callback(self._cleanup.discard)

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        """DDL (migrations, tests' tampering, /healthz's SELECT 1) on a connection of its own, as Piccolo
        does: never on a pooled one, whose cached statements would outlive the schema they were
        prepared for. NOTE: the pool is not hidden for this (it was, by setting `self.pool = None`
        around the await: every transaction ending meanwhile then took Piccolo's path, closed its
        pooled connection and never released the write lock — the stop 11 hang)."""
        if self.current_transaction.get() is not None or self.pool is None:
            return await super().run_ddl(ddl, in_pool)
        return await SQLiteEngine._run_in_new_connection(self, ddl)

    async def _run_in_existing_connection(
        self, connection, query: str, args=None, query_type: str = "generic", table=None
    ):
        if self.pool is None:
            return await super()._run_in_existing_connection(connection, query, args, query_type, table)
        # The pool's connections have foreign keys on and dict rows already: one round trip, not three.
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()


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
    return PooledSQLiteEngine(path=str(path), timeout=15, log_queries=settings.log_queries)


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
    try:
        if isinstance(engine, SQLiteEngine):
            async with engine.transaction(transaction_type=TransactionType.immediate) as tx:
                yield tx
        else:
            async with engine.transaction() as tx:
                yield tx
    finally:
        memo.forget()  # what this request read before the write may have changed


async def open_pool() -> None:
    engine = get_engine()
    if isinstance(engine, PostgresEngine):
        size = pool_size("postgres")
        await engine.start_connection_pool(min_size=min(2, size), max_size=size)
    elif isinstance(engine, PooledSQLiteEngine) and pool_size("sqlite"):
        await engine.start_pool(pool_size("sqlite"))


async def close_pool() -> None:
    engine = get_engine()
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close_pool()
