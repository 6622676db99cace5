"""The per-request memo (app.memo, issue 17's query budget): read once per page, never across requests,
never stale after a write in the same request, and a caller's changes never reach the next caller."""

from __future__ import annotations

import asyncio

import pytest

from app import memo


async def test_one_read_per_key_within_a_request_and_none_outside_one():
    reads: list[int] = []

    async def load() -> list[dict]:
        reads.append(1)
        await asyncio.sleep(0)
        return [{"code": "day"}]

    assert await memo.once("k", load) == [{"code": "day"}]
    assert await memo.once("k", load) == [{"code": "day"}]
    assert len(reads) == 2  # outside a request nothing is kept
    token = memo.open_request()
    try:
        together = await asyncio.gather(*(memo.once("k", load) for _ in range(5)))  # sections gathered at once
        assert together == [[{"code": "day"}]] * 5 and len(reads) == 3
        first = await memo.once("k", load)
        first[0]["code"] = "changed by a caller"
        assert (await memo.once("k", load))[0]["code"] == "day" and len(reads) == 3
        memo.forget()  # a write transaction ended
        await memo.once("k", load)
        assert len(reads) == 4
    finally:
        memo.close_request(token)
    token = memo.open_request()
    try:
        await memo.once("k", load)
        assert len(reads) == 5  # a new request reads again
    finally:
        memo.close_request(token)


async def test_a_failed_read_is_not_kept():
    calls: list[int] = []

    async def flaky() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return 7

    token = memo.open_request()
    try:
        with pytest.raises(RuntimeError):
            await memo.once("x", flaky)
        assert await memo.once("x", flaky) == 7
    finally:
        memo.close_request(token)


async def test_a_write_transaction_empties_the_memo(prepared_database):
    from app.db import write_transaction

    reads: list[int] = []

    async def load() -> int:
        reads.append(1)
        return len(reads)

    token = memo.open_request()
    try:
        await memo.once("y", load)
        async with write_transaction():
            pass
        await memo.once("y", load)
        assert len(reads) == 2
    finally:
        memo.close_request(token)
