"""A memo for one request: what several sections of one page read alike (the office's shift templates,
the roster of the coming days) is read once (issue 17's query budget).

The memo lives in a context variable opened by the session middleware for each request; outside a
request (background loops, scripts) nothing is memoised. It is emptied whenever a write transaction
ends, so a request that writes and then reads sees its own write. Values are handed out as deep
copies: a caller that changes what it got cannot change what the next caller gets.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable, Hashable
from contextvars import ContextVar, Token
from typing import Any, TypeVar

T = TypeVar("T")
_memo: ContextVar[dict[Hashable, asyncio.Future[Any]] | None] = ContextVar("request_memo", default=None)


def open_request() -> Token:
    return _memo.set({})


def close_request(token: Token) -> None:
    _memo.reset(token)


def forget() -> None:
    """Called when a write transaction ends: later reads in this request go to the database."""
    memo = _memo.get()
    if memo:
        memo.clear()


async def once(key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
    """`load()`'s value, read once per request for `key` (sections gathered concurrently share it)."""
    memo = _memo.get()
    if memo is None:
        return await load()
    future = memo.get(key)
    if future is None:
        future = asyncio.get_running_loop().create_future()
        memo[key] = future
        try:
            future.set_result(await load())
        except BaseException as exc:
            memo.pop(key, None)
            if isinstance(exc, Exception):
                future.set_exception(exc)
                future.exception()  # retrieved: the error travels with the caller, not as a warning
            else:
                future.cancel()
            raise
    return copy.deepcopy(await asyncio.shield(future))
