"""Notices (SPEC N1, Q1): published by the supervisor, shown in the A4 print view and on the office's
public page with nothing about anyone; offices kept apart; bad input gets messages beside the fields."""

from __future__ import annotations

import re
from datetime import timedelta

from app.clock import now, zone
from app.notices.service import BOARD_DAYS, board_status
from app.notices.tables import Notice, NoticeBoard
from tests.api.notices.conftest import HOLIDAY, public_link, publish


async def test_a_published_notice_is_on_the_public_page_and_in_the_print_view(office, signed_in, new_client):
    """N1: the National Day notice published → its print view and the office's public page show it."""
    client, token = await signed_in(office["id"])
    answer = await publish(client, token)
    assert answer.status_code == 303, answer.text
    notice_url = answer.headers["location"]
    printed = await client.get(notice_url + "/print")
    assert printed.status_code == 200
    for text in ("国庆节假期温馨提示", "08:30-12:00", "关闭好煤气阀门", "2026.10.01", "0760-88888888"):
        assert text in printed.text, text
    link = await public_link(client)
    async with new_client() as anonymous:
        public = await anonymous.get(link)
    assert public.status_code == 200
    assert "国庆节假期温馨提示" in public.text and "关闭好所有水阀" in public.text
    assert "csrf" not in public.text.lower()


async def test_the_public_page_leaks_no_resident_data(office, signed_in, new_client):
    """N1: the public page shows only what the notices say — grep it for every resident's name and phone
    of the office's units, as added through the estate register."""
    client, token = await signed_in(office["id"])
    people = [("欧阳建国", "13812345671"), ("司马丽华", "13912345672"), ("诸葛明", "13712345673")]
    for unit, (name, phone) in zip(office["units"], people, strict=False):
        form = {"unit_id": unit, "name": name, "kind": "owner", "phone": phone, "_csrf_token": token}
        assert (await client.post("/estate/residents", data=form, follow_redirects=False)).status_code == 303
    assert (await publish(client, token)).status_code == 303
    assert (
        await publish(client, token, kind="outage", title="停水通知", body="因管道检修暂停供水。")
    ).status_code == 303
    link = await public_link(client)
    async with new_client() as anonymous:
        html = (await anonymous.get(link)).text
    assert "停水通知" in html
    for name, phone in people:
        assert name not in html and phone not in html and phone[-4:] not in html
    assert "13900000000" not in html  # the factory's residents' phone (their name, 住户, is a common word)
    for unit_number in ("1-101", "1-102", "2-101", "2-102"):
        assert unit_number not in html


async def test_offices_are_kept_apart(office, other_office, signed_in, new_client):
    """Office B's supervisor cannot see or withdraw A's notice; A's public page never shows B's notices."""
    a, token_a = await signed_in(office["id"])
    b, token_b = await signed_in(other_office["id"])
    url_a = (await publish(a, token_a)).headers["location"]
    assert (await publish(b, token_b, title="金桂苑停电通知", kind="outage")).status_code == 303
    assert (await b.get(url_a)).status_code == 404
    assert (await b.get(url_a + "/print")).status_code == 404
    withdraw = await b.post(url_a + "/withdraw", data={"_csrf_token": token_b}, follow_redirects=False)
    assert withdraw.status_code == 422
    assert (await Notice.select(Notice.withdrawn_at).where(Notice.office == office["id"]).first())[
        "withdrawn_at"
    ] is None
    async with new_client() as anonymous:
        html = (await anonymous.get(await public_link(a))).text
    assert "国庆节" in html and "金桂苑停电通知" not in html


async def test_bad_input_gets_messages_beside_the_fields(office, signed_in):
    """A 10,000-character notice, reversed dates, an unknown kind: 422 with messages, never a 500."""
    client, token = await signed_in(office["id"])
    answer = await publish(client, token, body="通" * 10_000, ends_on="2026-09-30", title="")
    assert answer.status_code == 422
    assert 'id="e-body"' in answer.text and "4000" in answer.text and 'id="e-title"' in answer.text
    answer = await publish(client, token, ends_on="2026-09-30")
    assert answer.status_code == 422 and 'id="e-ends_on"' in answer.text and "早于" in answer.text
    answer = await publish(client, token, kind="party")
    assert answer.status_code == 422
    answer = await publish(client, token, body="通" * 4000)
    assert answer.status_code == 303  # 4000 is the edge: accepted
    assert await Notice.count().where(Notice.office == office["id"]) == 1


async def test_only_the_supervisor_publishes(office, signed_in):
    client, token = await signed_in(office["id"], "frontdesk")
    assert (await client.get("/notices")).status_code == 200
    assert (await publish(client, token)).status_code == 403
    assert not await Notice.exists().where(Notice.office == office["id"])


async def test_the_board_change_is_due_every_two_weeks(office, signed_in):
    """N1: the board changed 13 days ago is not due; 14 days ago it is due (the edge); never recorded: due."""
    client, token = await signed_in(office["id"])
    status = await board_status(office["id"])
    assert status.due and status.changed_at is None
    answer = await client.post("/notices/board", data={"_csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    assert not (await board_status(office["id"])).due
    for days, due in ((BOARD_DAYS - 1, False), (BOARD_DAYS, True)):
        await NoticeBoard.update({NoticeBoard.changed_at: now() - timedelta(days=days)}).where(
            NoticeBoard.office == office["id"]
        )
        assert (await board_status(office["id"])).due is due, days
    home = await client.get("/")
    assert "宣传栏" in home.text and "notices" in home.text


async def test_next_quarters_topics_link_to_the_notices_that_used_them(office, signed_in):
    """Q1: the topics decided from last quarter's consultations are offered on the notice form; a notice
    naming one is listed under it."""
    from app.followups.consultations import quarter_label
    from app.followups.tables import NoticeTopics
    from app.notices.service import _previous_quarter

    client, token = await signed_in(office["id"])
    staff_id = (await client.get("/api/session")).json()["staff_id"]
    label = quarter_label(now(), zone(None))
    await NoticeTopics.insert(
        NoticeTopics(
            office=office["id"], quarter=label, topics="防台风\n装修须知", decided_by=staff_id, decided_at=now()
        )
    )
    assert _previous_quarter("2027-Q1") == "2026-Q4" and _previous_quarter("2026-Q3") == "2026-Q2"
    form = await client.get("/notices/new?kind=weather")
    assert '<option value="防台风"' in form.text
    assert (await publish(client, token, kind="weather", title="防台风提示", topic="防台风")).status_code == 303
    page = await client.get("/notices")
    section = re.search(r'id="ntc-topics".*?</section>', page.text, re.S).group(0)
    assert "防台风提示" in section and "装修须知" in section
    assert HOLIDAY["title"] not in section
