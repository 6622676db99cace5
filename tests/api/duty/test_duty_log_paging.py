"""Issue 17: a day's duty log pages (50 entries a page, the latest first page, "earlier entries" below
a number) and prints whole (whole=1): a busy day is never one huge page."""

from __future__ import annotations

import re

import pytest

from app.duty.service import PAGE_SIZE
from tests.support.sync import mutation, sync


@pytest.fixture
async def duty(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    return {"token": await login(client, staff), "office": office}


async def _write(client, token: str, n: int) -> None:
    for start in range(0, n, 50):
        batch = [
            mutation("duty_log.append", {"category": "help", "text": f"第{i + 1}条"})
            for i in range(start, min(n, start + 50))
        ]
        response = await sync(client, token, batch)
        assert all(r["status"] == "applied" for r in response.json()["results"]), response.text


def _shown(html: str) -> list[int]:
    return sorted(int(n) for n in re.findall(r'class="muted">#(\d+) ·', html))


def _earlier(html: str) -> int | None:
    m = re.search(r"before=(\d+)", html)
    return int(m.group(1)) if m else None


async def test_a_day_of_many_entries_pages_by_fifty_and_prints_whole(client, duty):
    await _write(client, duty["token"], 2 * PAGE_SIZE + 20)
    first = (await client.get("/duty-log")).text
    assert _shown(first) == list(range(PAGE_SIZE + 21, 2 * PAGE_SIZE + 21))  # the latest 50
    assert _earlier(first) == PAGE_SIZE + 21
    second = (await client.get(f"/duty-log?before={_earlier(first)}")).text
    assert _shown(second) == list(range(21, PAGE_SIZE + 21))
    last = (await client.get(f"/duty-log?before={_earlier(second)}")).text
    assert _shown(last) == list(range(1, 21)) and _earlier(last) is None
    assert "whole=1" in first
    whole = (await client.get("/duty-log?whole=1")).text
    assert _shown(whole) == list(range(1, 2 * PAGE_SIZE + 21))


async def test_exactly_a_page_of_entries_has_no_earlier_link_and_one_more_has(client, duty):
    await _write(client, duty["token"], PAGE_SIZE)
    page = (await client.get("/duty-log")).text
    assert len(_shown(page)) == PAGE_SIZE and _earlier(page) is None
    await _write(client, duty["token"], 1)
    page = (await client.get("/duty-log")).text
    assert _shown(page) == list(range(2, PAGE_SIZE + 2)) and _earlier(page) == 2


@pytest.mark.parametrize("before", ["0", "2147483648", "x"])
async def test_a_page_number_out_of_range_is_refused_not_a_500(client, duty, before):
    response = await client.get(f"/duty-log?before={before}")
    assert 400 <= response.status_code < 500
