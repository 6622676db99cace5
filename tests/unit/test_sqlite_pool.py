"""The SQLite connection pool (app.db.PooledSQLiteEngine, issue 17): the write lock is always given
back. Stop 11's browser suite hung with the pool on: /healthz's `run_ddl` hid the pool for a moment,
a transaction ending meanwhile took Piccolo's own exit path, closed its pooled connection and never
released the write lock, and every writer of the process waited for ever (the reminders loop at
start-up, while the tests polled /healthz, hit it every time)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars

from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString

from app.db import PooledSQLiteEngine


async def _engine(tmp_path, size: int = 2) -> PooledSQLiteEngine:
    engine = PooledSQLiteEngine(path=str(tmp_path / "pool.sqlite"), timeout=5)
    await engine.run_ddl("CREATE TABLE t (n INTEGER)")
    await engine.start_pool(size)
    return engine


async def test_a_transaction_ending_while_run_ddl_runs_gives_back_its_lock_and_connection(tmp_path):
    engine = await _engine(tmp_path)
    try:
        for n in range(20):
            async with engine.transaction(TransactionType.immediate):
                await engine.run_querystring(QueryString("INSERT INTO t VALUES ({})", n))
                # /healthz from another request (its own context, no transaction), started just before the end
                probes = [
                    asyncio.create_task(engine.run_ddl("SELECT 1"), context=contextvars.Context()) for _ in range(3)
                ]
                await asyncio.sleep(0)
            await asyncio.gather(*probes)
            assert not engine.write_lock.locked()
        assert engine.pool is not None and engine.pool.qsize() == 2  # no connection lost either
        async with asyncio.timeout(5):  # the next writer is not stuck behind a lost lock
            async with engine.transaction(TransactionType.immediate):
                await engine.run_querystring(QueryString("INSERT INTO t VALUES (99)"))
        rows = await engine.run_querystring(QueryString("SELECT COUNT(*) AS n FROM t"))
        assert rows[0]["n"] == 21
    finally:
        await engine.close_pool()


async def test_a_transaction_open_when_the_pool_closes_still_releases_the_lock(tmp_path):
    engine = await _engine(tmp_path)
    entered = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with engine.transaction(TransactionType.immediate):
            entered.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await entered.wait()
    closing = asyncio.create_task(engine.close_pool())  # shutdown while a write is open
    await asyncio.sleep(0.05)
    release.set()
    with contextlib.suppress(Exception):  # the connection closed under it: the write fails, as it should
        await task
    await closing
    assert not engine.write_lock.locked()
