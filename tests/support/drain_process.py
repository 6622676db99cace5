"""A stand-alone drainer for the "two app processes, one queue" test: connects, prints "ready",
waits for "go" on stdin, drains until the queue stays empty, prints how many messages it claimed."""

from __future__ import annotations

import asyncio
import sys


async def main() -> None:
    from app.alerts.queue import drain_once
    from app.alerts.senders import Senders
    from app.db import close_pool, open_pool

    await open_pool()
    claimed = 0
    try:
        async with Senders() as senders:
            print("ready", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
            idle = 0
            while idle < 5:
                stats = await drain_once(senders, limit=5)
                claimed += stats.claimed
                idle = 0 if stats.claimed else idle + 1
                if not stats.claimed:
                    await asyncio.sleep(0.05)
    finally:
        await close_pool()
    print(f"claimed {claimed}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
