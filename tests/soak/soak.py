"""`make soak`: a randomised fault driver against a real server process (issue 16).

Each cycle sends new duty-log entries the way a phone's outbox does, with faults: responses dropped
(the client gives up before the answer), resends of answered and unanswered changes, batches
reordered, the same change twice in one batch, the same batch sent twice at once, and the server
killed (SIGKILL) in the middle of a request, then started again. After each phase every unanswered
change is resent until answered, and the database is checked: every change the server answered
(applied or duplicate) is in the log exactly once, and `python -m app verify-duty-log` passes.

    python -m tests.soak.soak --cycles 1000                      # SQLite in a fresh data dir
    python -m tests.soak.soak --cycles 1000 --database-url postgresql://…/scratch   # schema is dropped!
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime


def _setup_env(database_url: str) -> str:
    data_dir = tempfile.mkdtemp(prefix="kfzx-soak-")
    os.environ["APP_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = database_url
    os.environ["APP_ALERTS_WORKER"] = "0"
    return data_dir


def _mutation(text: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "type": "duty_log.append",
        "recorded_at": datetime.now(UTC).isoformat(),
        "data": {"category": "inquiry", "text": text},
    }


class Driver:
    def __init__(self, server, cookies: dict, token: str, seed: int) -> None:
        self.server, self.cookies, self.token = server, cookies, token
        self.rng = random.Random(seed)
        self.pending: dict[str, dict] = {}  # sent (or about to be), no answer yet
        self.answered: dict[str, dict] = {}  # the server said applied or duplicate
        self.rejected: list[dict] = []
        self.kills = self.requests = self.drops = 0

    async def _post(self, client, mutations: list[dict], wait: float = 10.0) -> list[dict] | None:
        self.requests += 1
        body = {"device_id": "soak", "mutations": mutations, "sent_at": datetime.now(UTC).isoformat()}
        try:
            response = await client.post("/api/sync", json=body, headers={"x-csrftoken": self.token}, timeout=wait)
        except Exception:
            return None  # dropped: no answer, the outbox keeps them
        if response.status_code != 200:
            return None
        return response.json()["results"]

    def _record(self, sent: list[dict], results: list[dict] | None) -> None:
        if results is None:
            return
        by_id = {m["id"]: m for m in sent}
        for result in results:
            m = by_id[result["id"]]
            if result["status"] in ("applied", "duplicate"):
                self.pending.pop(m["id"], None)
                self.answered[m["id"]] = m
            else:
                self.rejected.append(result)

    def _batch(self) -> list[dict]:
        fresh = [_mutation(f"巡查记录 {uuid.uuid4().hex[:8]}") for _ in range(self.rng.randint(1, 6))]
        for m in fresh:
            self.pending[m["id"]] = m
        batch = list(fresh)
        batch += self.rng.sample(list(self.pending.values()), min(len(self.pending), self.rng.randint(0, 3)))
        if self.answered and self.rng.random() < 0.3:  # a resend of something already answered
            batch += self.rng.sample(list(self.answered.values()), min(len(self.answered), 2))
        if self.rng.random() < 0.2:  # the same change twice in one batch
            batch.append(self.rng.choice(batch))
        if self.rng.random() < 0.5:
            self.rng.shuffle(batch)
        return batch

    async def cycle(self, client) -> None:
        batch = self._batch()
        fault = self.rng.random()
        if fault < 0.04:  # SIGKILL mid-request, then restart
            task = asyncio.create_task(self._post(client, batch))
            await asyncio.sleep(self.rng.uniform(0, 0.03))
            self.server.kill()
            self.kills += 1
            self._record(batch, await task)
            await asyncio.to_thread(self.server.start)
        elif fault < 0.15:  # the answer is lost on the way back
            self.drops += 1
            await self._post(client, batch, wait=self.rng.uniform(0.001, 0.02))
        elif fault < 0.3:  # the outbox and Background Sync send the same batch at once
            first, second = await asyncio.gather(self._post(client, batch), self._post(client, batch))
            self._record(batch, first)
            self._record(batch, second)
        else:
            self._record(batch, await self._post(client, batch))

    async def settle(self, client) -> None:
        """Resend everything unanswered until the server has answered it all."""
        for _ in range(50):
            if not self.pending:
                return
            items = list(self.pending.values())
            for start in range(0, len(items), 50):
                part = items[start : start + 50]
                self._record(part, await self._post(client, part))
        raise RuntimeError(f"{len(self.pending)} changes never answered")


async def _check(driver: Driver, office_id: int) -> tuple[int, int]:
    from app.duty.tables import DutyLogEntry

    rows = await DutyLogEntry.select(DutyLogEntry.id).where(DutyLogEntry.office == office_id)
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row["id"])] = counts.get(str(row["id"]), 0) + 1
    lost = sum(1 for mid in driver.answered if counts.get(mid, 0) == 0)
    doubled = sum(1 for n in counts.values() if n > 1)
    unknown = sum(1 for mid in counts if mid not in driver.answered)
    if unknown:
        print(f"  note: {unknown} entries in the log were never answered to the driver", flush=True)
    return lost, doubled


def _verify_chain() -> bool:
    result = subprocess.run([sys.executable, "-m", "app", "verify-duty-log"], capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout, result.stderr, flush=True)
    return result.returncode == 0


async def run(cycles: int, phases: int, database_url: str, seed: int) -> int:
    import httpx

    from app.db import close_pool, open_pool
    from tests.api.hardening.servers import Server, server_env
    from tests.support import database, factories

    await database.reset_and_migrate()
    await open_pool()
    office = await factories.make_office("压力测试管理处")
    staff = await factories.make_staff(office["id"], "duty", f"soak{os.getpid()}")
    server = Server(server_env(database_url, APP_DATA_DIR=os.environ["APP_DATA_DIR"])).start()
    started = time.monotonic()
    lost = doubled = 0
    chain_ok = True
    try:
        async with httpx.AsyncClient(base_url=server.url) as login_client:
            token = await factories.login(login_client, staff)
            cookies = dict(login_client.cookies)
        driver = Driver(server, cookies, token, seed)
        per_phase = max(1, cycles // phases)
        done = 0
        async with httpx.AsyncClient(base_url=server.url, cookies=cookies) as client:
            while done < cycles:
                for _ in range(min(per_phase, cycles - done)):
                    await driver.cycle(client)
                    done += 1
                await driver.settle(client)
                lost, doubled = await _check(driver, office["id"])
                chain_ok = _verify_chain() and chain_ok
                print(
                    f"  phase: cycles {done}, kills {driver.kills}, drops {driver.drops}, "
                    f"answered {len(driver.answered)}, lost {lost}, doubled {doubled}, "
                    f"chain {'ok' if chain_ok else 'BROKEN'}",
                    flush=True,
                )
                if lost or doubled or not chain_ok:
                    break
    finally:
        server.stop()
        await close_pool()
    engine = "PostgreSQL" if database_url else "SQLite"
    print(
        f"soak {engine}: cycles {done}, kills {driver.kills}, drops {driver.drops}, requests {driver.requests}, "
        f"mutations {len(driver.answered)}, rejected {len(driver.rejected)}, lost {lost}, doubled {doubled}, "
        f"duty-log chain {'verified' if chain_ok else 'BROKEN'}, {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return 0 if not (lost or doubled or driver.rejected or not chain_ok) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--phases", type=int, default=10)
    parser.add_argument("--database-url", default="", help="PostgreSQL to use (its public schema is dropped)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    _setup_env(args.database_url)
    print(f"soak seed {args.seed}", flush=True)
    return asyncio.run(run(args.cycles, args.phases, args.database_url, args.seed))


if __name__ == "__main__":
    sys.exit(main())
