"""Hostile and careless input gets a 4xx with a message, never a 500 (issue 16, item 4).

Each request below gave a 500 before the central checks of app/validation.py.
"""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support.sync import mutation

BIG = str(2**63)
HUGE = str(2**64 + 1)
PATHS = [
    ("GET", "/patrols/routes/{n}/walk"),
    ("POST", "/alerts/devices/{n}/delete"),
    ("POST", "/alerts/devices/{n}/test"),
    ("GET", "/staff/{n}/edit"),
    ("POST", "/staff/{n}"),
    ("POST", "/patrols/routes/{n}"),
    ("POST", "/patrols/routes/{n}/checkpoints"),
    ("POST", "/patrols/checkpoints/{n}"),
    ("POST", "/roster/holidays/{n}/delete"),
]
QUERIES = [
    "/duty-log?day=9999-12-31",
    "/duty-log?day=0001-01-01",
    "/followups?month=9999-12",
    "/consultations/summary?quarter=9999-Q4",
    "/duty-log?day=%FF%FE",
    "/followups?month=%C3%28",
]


@pytest.fixture
async def supervisor(client, office, make_staff, login):
    staff = await make_staff(office["id"], "supervisor")
    return {"token": await login(client, staff), "office": office}


def _assert_refused(response, what: str) -> None:
    assert 400 <= response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.status_code != 403, f"{what}: refused for the role, not for the input"
    body = response.text
    message = response.json()["error"]["message"] if body.startswith("{") else body
    assert message.strip(), f"{what}: no message"


async def test_bad_input_everywhere_is_a_4xx_with_a_message(client, supervisor):
    token = supervisor["token"]
    headers = {"x-csrftoken": token}
    form = {"_csrf_token": token}
    for method, template in PATHS:
        for n in (BIG, HUGE, "-" + BIG):
            url = template.format(n=n)
            response = await client.request(method, url, data=form if method == "POST" else None)
            _assert_refused(response, f"{method} {url}")
    for url in QUERIES:
        _assert_refused(await client.get(url), url)
    for unit_id in ("²", "9" * 5000, BIG):
        response = await client.post(
            "/duty-log", data={**form, "category": "inquiry", "text": "坏单元", "unit_id": unit_id}
        )
        _assert_refused(response, f"form unit_id={unit_id[:10]}")
    deep = "[" * 50_000 + "]" * 50_000
    response = await client.post("/api/sync", content=deep, headers={**headers, "content-type": "application/json"})
    _assert_refused(response, "JSON nested 50,000 deep")
    response = await client.post(
        "/api/alerts/subscriptions", content=deep, headers={**headers, "content-type": "application/json"}
    )
    _assert_refused(response, "JSON nested 50,000 deep (Litestar-decoded body)")
    response = await client.post(
        "/duty-log",
        content=b"_csrf_token=" + token.encode() + b"&category=inquiry&text=%FF%FE",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    _assert_refused(response, "form with invalid UTF-8")
    bad = json.dumps(
        {"device_id": "d", "mutations": [mutation("duty_log.append", {"category": "inquiry", "text": "x"})]}
    )
    response = await client.post(
        "/api/sync",
        content=bad.encode().replace(b'"x"', b'"\xff\xfe"'),
        headers={**headers, "content-type": "application/json"},
    )
    assert response.status_code < 500, response.text
    nul = mutation("duty_log.append", {"category": "inquiry", "text": "空\u0000字符"}, str(uuid.uuid4()))
    response = await client.post("/api/sync", json={"device_id": "d", "mutations": [nul]}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "rejected"
