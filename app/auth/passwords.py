"""Password and PIN hashing with Argon2id (memory-hard), off the event loop in a small bounded pool.

One Argon2 check costs tens of milliseconds of CPU and 64 MiB; run on the event loop, 24 parallel
wrong passwords stalled every request for 12 s. Here at most `WORKERS` checks run at once (in
threads: argon2-cffi releases the GIL) and at most `QUEUE` more wait; anything beyond is refused at
once with `PasswordCheckBusy` (the sign-in page answers 503 "busy, try again") instead of queueing
without end.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, 64 MiB, t=3
# A hash of a random password, verified when the username is unknown so that the
# answer takes as long as for a real account (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash("not-a-password-at-all")

# Hashing threads (each Argon2 check: one core, 64 MiB). Default: one core fewer than the machine
# has, at least 1 — on these 2-core machines 1: measured with 50 flooding clients, 1 worker kept
# /healthz p50 at 32 ms where 2 workers (hashing on both cores) gave 60 ms (tests/perf/test_login_flood.py).
WORKERS = int(os.environ.get("APP_LOGIN_WORKERS") or max(1, (os.cpu_count() or 2) - 1))
QUEUE = 8  # checks allowed to wait for a worker; the next one is refused
_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="argon2")


class PasswordCheckBusy(Exception):
    """Every worker is busy and the queue is full."""


class _Gate:
    """Counts checks in flight (running + waiting). The event loop is single-threaded, so the
    check-and-increment in `enter` cannot race."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.capacity = WORKERS + QUEUE

    def enter(self) -> None:
        if self.in_flight >= self.capacity:
            raise PasswordCheckBusy()
        self.in_flight += 1

    def leave(self) -> None:
        self.in_flight -= 1

    def __enter__(self) -> None:
        self.enter()

    def __exit__(self, *exc: object) -> None:
        self.leave()


gate = _Gate()


def hash_password(password: str) -> str:
    """Blocking: for the CLI, the demo seed and test factories. Request handlers use `make_hash`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Blocking: request handlers use `check_password`."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_in_pool(password_hash: str | None, password: str) -> bool:
    """`verify_password` on a pool thread, for a caller already holding a place (`with gate:`)."""
    return await asyncio.get_running_loop().run_in_executor(_pool, verify_password, password_hash, password)


async def check_password(password_hash: str | None, password: str) -> bool:
    """`verify_password` in the bounded pool; raises PasswordCheckBusy when it is full."""
    with gate:
        return await verify_in_pool(password_hash, password)


async def make_hash(password: str) -> str:
    """`hash_password` in the bounded pool; raises PasswordCheckBusy when it is full."""
    with gate:
        return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)
