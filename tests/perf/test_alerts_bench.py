"""Alerts (issue 6): web push messages handed to a push service per second by one process, with
encryption and VAPID included; and the time from an urgent alert being raised (a duty-log entry
escalated as major, through the sync service) to its first delivery attempt, with the background
worker running as in a served app."""

from __future__ import annotations

import asyncio
import base64
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime

import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.alerts import service
from app.alerts.queue import drain_once
from app.alerts.senders import Senders
from app.alerts.tables import PushSubscription
from app.alerts.vapid import public_key
from app.alerts.worker import AlertWorker
from app.auth.tables import Staff
from app.db import get_engine
from app.duty import service as _duty  # noqa: F401  (registers duty_log.append)
from app.settings import ROOT
from app.sync.schemas import SyncRequest
from app.sync.service import apply_batch
from tests.api.alerts.conftest import add_device, as_current
from tests.perf.conftest import report
from tests.support.push_service import PushServiceDouble

N_MESSAGES = 1000
N_ALERTS = 100


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def _sink() -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.push_sink", cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    port = int((await process.stdout.readline()).strip())
    return process, f"http://127.0.0.1:{port}"


async def _subscribe_many(office_id: int, staff_ids: list[int], base_url: str, per_person: int) -> None:
    rows = []
    for staff_id in staff_ids:
        for _ in range(per_person):
            point = (
                ec.generate_private_key(ec.SECP256R1())
                .public_key()
                .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
            )
            token = uuid.uuid4().hex
            endpoint = f"{base_url}/push/{token}"
            rows.append(
                PushSubscription(
                    office=office_id,
                    staff=staff_id,
                    endpoint_hash=token + token[:32],
                    endpoint=endpoint,
                    p256dh=_b64u(point),
                    auth=_b64u(os.urandom(16)),
                    label="bench",
                    created_at=datetime.now(UTC),
                )
            )
    await PushSubscription.insert(*rows)


async def _drain_all(senders: Senders) -> tuple[int, float]:
    sent, start = 0, time.perf_counter()
    while (stats := await drain_once(senders, limit=100)).claimed:
        sent += stats.sent
    return sent, time.perf_counter() - start


async def test_push_throughput_and_time_to_first_attempt(office, make_staff):
    engine = get_engine().engine_type
    managers = [await make_staff(office["id"], "manager") for _ in range(10)]
    sink, sink_url = await _sink()
    rows = []
    try:
        # 1. Throughput: 1,000 messages (10 managers × 100 devices) to a counting push service.
        await _subscribe_many(office["id"], [m["id"] for m in managers], sink_url, N_MESSAGES // len(managers))
        await service.raise_alert(office_id=office["id"], kind="duty_major", title="吞吐基准")
        async with Senders() as senders:
            sent, seconds = await _drain_all(senders)
        assert sent == N_MESSAGES
        rows.append(
            (engine, "push messages/s, one process (encrypt + VAPID + HTTP), counting sink", f"{sent / seconds:,.0f}")
        )
        rows.append((engine, "VAPID signatures made for those messages", senders.vapid.signed))

        # The same through the verifying double (same process: it checks the JWT and decrypts each one).
        double = PushServiceDouble(public_key())
        await double.start()
        try:
            await PushSubscription.delete().where(PushSubscription.office == office["id"])
            for manager in managers[:4]:
                for _ in range(50):
                    await add_device(manager, double.new_subscription())
            await service.raise_alert(office_id=office["id"], kind="duty_major", title="校验基准")
            async with Senders() as senders:
                sent, seconds = await _drain_all(senders)
            assert sent == 200 and len(double.delivered()) == 200
            rows.append(
                (engine, "push messages/s incl. the double verifying + decrypting in-process", f"{sent / seconds:,.0f}")
            )
        finally:
            await double.stop()
            await PushSubscription.delete().where(PushSubscription.office == office["id"])

        # 2. Raised → first delivery attempt, with the worker running (wake-up + polling as served).
        await _subscribe_many(office["id"], [managers[0]["id"]], sink_url, 1)
        for manager in managers[1:]:
            await Staff.update({Staff.is_active: False}).where(Staff.id == manager["id"])
        first_attempt: dict[str, float] = {}
        all_attempted = asyncio.Event()

        class TimingSenders(Senders):
            async def push(self, subscription, payload, **kwargs):
                alert_id = msgspec.json.decode(payload)["id"]
                first_attempt.setdefault(alert_id, time.perf_counter())
                if len(first_attempt) >= N_ALERTS:
                    all_attempted.set()
                return await super().push(subscription, payload, **kwargs)

        duty = await as_current(await make_staff(office["id"], "duty"))
        worker = AlertWorker(senders=TimingSenders)
        await worker.start()
        raised: dict[str, float] = {}
        committed: dict[str, float] = {}
        try:
            for i in range(N_ALERTS):
                await asyncio.sleep(random.uniform(0.02, 0.1))
                entry_id = str(uuid.uuid4())
                raw = {
                    "id": entry_id,
                    "type": "duty_log.append",
                    "recorded_at": datetime.now(UTC).isoformat(),
                    "data": {"category": "emergency", "text": f"延迟基准 {i}", "escalation": "major"},
                }
                start = time.perf_counter()
                [result] = await apply_batch(
                    duty, SyncRequest(device_id="bench", mutations=[msgspec.Raw(msgspec.json.encode(raw))])
                )
                done = time.perf_counter()
                assert result.status == "applied", result.error
                alert = (
                    await service.Alert.select(service.Alert.id)
                    .where(service.Alert.source == f"duty_log:{entry_id}")
                    .first()
                )
                raised[str(alert["id"])] = start
                committed[str(alert["id"])] = done
            await asyncio.wait_for(all_attempted.wait(), 30)
        finally:
            await worker.stop()
        for label, start_times in (("sync request arrives", raised), ("its transaction commits", committed)):
            latencies = sorted((first_attempt[a] - start_times[a]) * 1000 for a in start_times)
            assert len(latencies) == N_ALERTS
            p50 = statistics.median(latencies)
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            measure = f"urgent alert ({label}) → first push attempt, ms"
            rows.append((engine, measure, f"p50 {p50:.1f} · p99 {p99:.1f}"))
    finally:
        sink.terminate()
        await sink.wait()
    report(f"alerts-{engine}", rows, ("database", "measure", "value"))
