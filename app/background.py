"""Background steps that run every few minutes beside the app (follow-up generation, P5's weekly
rounds): one loop for all of them — a failure is logged and tried again next time, never fatal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable


class Periodic:
    """`step()` at start-up and then every `interval` seconds, until stopped (with the app's lifespan)."""

    def __init__(self, name: str, step: Callable[[], Awaitable[None]], interval: float, log: logging.Logger) -> None:
        self.name, self.step, self.interval, self.log = name, step, interval, log
        self._task: asyncio.Task | None = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database restarting, a bug: log and go on next time
                self.log.exception("%s: run failed", self.name)
            await asyncio.sleep(self.interval)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
