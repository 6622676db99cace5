"""The background task that escalates due alerts and drains the delivery queue.

Started with the app (`create_app(alerts_worker=True)`, the default for a served app; switch it
off per instance with APP_ALERTS_WORKER=0). Tests leave it off and call `escalate_due` and
`drain_once` themselves with a controllable clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from app.alerts import signals
from app.alerts.queue import drain_once
from app.alerts.senders import Senders
from app.alerts.service import escalate_due
from app.alerts.vapid import vapid

log = logging.getLogger("app.alerts")
POLL_SECONDS = 1.0
BURST_POLL_SECONDS = 0.02  # right after a wake-up: the raising transaction commits within milliseconds
BATCH = 100
ERROR_PAUSE_SECONDS = 5.0


class AlertWorker:
    def __init__(
        self, poll_seconds: float = POLL_SECONDS, batch: int = BATCH, senders: Callable[[], Senders] = Senders
    ) -> None:
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.senders = senders  # the benchmark passes one that notes when each message is attempted
        self._task: asyncio.Task | None = None
        self._stop_listening: Callable[[], Awaitable[None]] | None = None

    async def start(self) -> None:
        """Returns at once: nothing here may delay the app's start (LISTEN connects in the task)."""
        vapid()  # VAPID keys are made on first run when absent
        self._task = asyncio.create_task(self._run(), name="alerts-worker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._stop_listening is not None:
            await self._stop_listening()
            self._stop_listening = None

    async def tick(self, senders: Senders) -> None:
        await escalate_due(datetime.now(UTC))
        while (await drain_once(senders, datetime.now(UTC), self.batch)).claimed >= self.batch:
            pass  # a full batch: more may be due at once

    async def _run(self) -> None:
        poller = signals.Poller(self.poll_seconds, BURST_POLL_SECONDS)
        self._stop_listening = await signals.listen()
        try:
            async with self.senders() as senders:
                while True:
                    try:
                        await self.tick(senders)
                    except asyncio.CancelledError:
                        raise
                    except Exception:  # the database restarting, a bug: log, pause, go on
                        log.exception("alerts worker: tick failed")
                        await asyncio.sleep(ERROR_PAUSE_SECONDS)
                    await poller.sleep()
        finally:
            poller.close()


_worker: AlertWorker | None = None


async def start_worker() -> None:
    global _worker
    _worker = AlertWorker()
    await _worker.start()


async def stop_worker() -> None:
    global _worker
    if _worker is not None:
        await _worker.stop()
        _worker = None
