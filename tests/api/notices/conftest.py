"""Notices and surveys tests: a signed-in client per role, residents added through the estate register."""

from __future__ import annotations

import re

import pytest

from app.public import limiter

TOKEN_LINK = re.compile(r'href="/p/notices/([A-Za-z0-9_-]+)"')


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """Each test starts with an empty public rate-limit window (the tests share one address)."""
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def signed_in(make_staff, login, new_client):
    clients = []

    async def make(office_id: int, role: str = "supervisor"):
        client = new_client()
        clients.append(client)
        token = await login(client, await make_staff(office_id, role))
        return client, token

    yield make


HOLIDAY = {
    "kind": "holiday",
    "title": "“十一”国庆节假期温馨提示",
    "body": "尊敬的各位业主/住户：\n“十一”国庆节黄金假期将至，恭祝各位业主节日快乐！",
    "starts_on": "2026-10-01",
    "ends_on": "2026-10-07",
    "hours": "早上08:30-12:00，下午14:30-18:00",
    "checklist": "关闭好煤气阀门\n关闭好各类电源开关\n关闭好各处门窗\n关闭好所有水阀",
    "contact": "0760-88888888",
    "signer": "翠湖花园管理处",
}


async def publish(client, token, **fields):
    form = {**HOLIDAY, **fields, "_csrf_token": token}
    return await client.post("/notices", data=form, follow_redirects=False)


async def public_link(client) -> str:
    page = await client.get("/notices")
    return "/p/notices/" + TOKEN_LINK.search(page.text).group(1)
