"""POST /api/sync (DESIGN "Sync API"): applied once, duplicates harmless, id reuse and bad input rejected."""

from __future__ import annotations

import uuid

import pytest

from app.duty.tables import DutyLogEntry
from app.sync.tables import AppliedMutation
from tests.support.sync import mutation, sync


@pytest.fixture
async def duty(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    token = await login(client, staff)
    return {"staff": staff, "token": token, "office": office}


def _entry(text: str, **extra) -> dict:
    return {"category": "inquiry", "text": text, **extra}


async def _count(office_id: int, text: str) -> int:
    return await DutyLogEntry.count().where((DutyLogEntry.office == office_id) & (DutyLogEntry.text == text))


async def test_applied_then_duplicate_changes_nothing(client, duty):
    m = mutation("duty_log.append", _entry("住户咨询停车"))
    first = (await sync(client, duty["token"], [m])).json()["results"]
    second = (await sync(client, duty["token"], [m])).json()["results"]
    assert first == [{"id": m["id"], "status": "applied"}]
    assert second == [{"id": m["id"], "status": "duplicate"}]
    assert await _count(duty["office"]["id"], "住户咨询停车") == 1
    assert await AppliedMutation.count().where(AppliedMutation.id == m["id"]) == 1


async def test_same_id_in_one_batch_twice_is_applied_once(client, duty):
    m = mutation("duty_log.append", _entry("同批重复"))
    results = (await sync(client, duty["token"], [m, m])).json()["results"]
    assert [r["status"] for r in results] == ["applied", "duplicate"]
    assert await _count(duty["office"]["id"], "同批重复") == 1


async def test_same_id_with_different_content_is_rejected_as_id_reused(client, duty):
    mid = str(uuid.uuid4())
    await sync(client, duty["token"], [mutation("duty_log.append", _entry("原始内容"), mid)])
    results = (await sync(client, duty["token"], [mutation("duty_log.append", _entry("篡改内容"), mid)])).json()
    assert results["results"][0]["status"] == "rejected"
    assert results["results"][0]["error"]["code"] == "id_reused"
    assert await _count(duty["office"]["id"], "篡改内容") == 0


async def test_unknown_type_is_rejected_and_the_rest_apply(client, duty):
    good_before = mutation("duty_log.append", _entry("未知类型之前"))
    unknown = mutation("teleport.now", {"where": "moon"})
    good_after = mutation("duty_log.append", _entry("未知类型之后"))
    response = await sync(client, duty["token"], [good_before, unknown, good_after])
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["id"] == unknown["id"]
    assert results[1]["error"]["code"] == "unknown_type"
    assert "teleport.now" in results[1]["error"]["message"]


async def test_a_batch_where_one_item_is_rejected_applies_the_rest_in_order(client, duty):
    ms = [mutation("duty_log.append", _entry(f"批次{i}")) for i in range(5)]
    ms[2]["data"]["unit_id"] = 999_999_999  # no such unit
    results = (await sync(client, duty["token"], ms)).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "applied", "applied"]
    assert results[2]["error"]["code"] == "unit_not_found"
    assert results[2]["error"]["message"]  # a message a person can act on
    rows = (
        await DutyLogEntry.select(DutyLogEntry.text, DutyLogEntry.seq)
        .where((DutyLogEntry.office == duty["office"]["id"]) & (DutyLogEntry.text.like("批次%")))
        .order_by(DutyLogEntry.seq)
    )
    assert [r["text"] for r in rows] == ["批次0", "批次1", "批次3", "批次4"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"[]",
        b'{"mutations": []}',
        b'{"device_id": "", "mutations": []}',
        b'{"device_id": "d", "mutations": "nope"}',
        b'{"device_id": "' + b"x" * 100 + b'", "mutations": []}',
    ],
)
async def test_malformed_body_is_a_clear_4xx_never_500(client, duty, body):
    response = await client.post(
        "/api/sync", content=body, headers={"x-csrftoken": duty["token"], "content-type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_body" and error["message"]


@pytest.mark.parametrize(
    "bad",
    [
        {"id": "not-a-uuid", "type": "duty_log.append", "recorded_at": "2026-01-01T00:00:00Z", "data": _entry("x")},
        {"id": str(uuid.uuid4()), "type": "duty_log.append", "recorded_at": "yesterday", "data": _entry("x")},
        {"id": str(uuid.uuid4()), "type": "duty_log.append", "recorded_at": "2026-01-01T00:00:00Z", "data": {}},
        {
            "id": str(uuid.uuid4()),
            "type": "duty_log.append",
            "recorded_at": "2026-01-01T00:00:00Z",
            "data": {"category": "gossip", "text": "x"},
        },
        {
            "id": str(uuid.uuid4()),
            "type": "duty_log.append",
            "recorded_at": "2026-01-01T00:00:00Z",
            "data": {"category": "other", "text": "x" * 5000},
        },
        {
            "id": str(uuid.uuid4()),
            "type": "duty_log.append",
            "recorded_at": "2026-01-01T00:00:00Z",
            "data": {"category": "other", "text": "   "},
        },
        "a string, not an object",
    ],
)
async def test_malformed_mutation_is_rejected_alone(client, duty, bad):
    good = mutation("duty_log.append", _entry("坏数据旁边的好记录"))
    response = await sync(client, duty["token"], [bad, good])
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["status"] == "rejected" and results[0]["error"]["message"]
    assert results[1]["status"] == "applied"


async def test_sync_needs_a_signed_in_user_and_a_csrf_token(client, duty):
    no_csrf = await client.post("/api/sync", json={"device_id": "d", "mutations": []})
    assert no_csrf.status_code == 403
    client.cookies.clear()
    anonymous = await client.post("/api/sync", json={"device_id": "d", "mutations": []})
    assert anonymous.status_code in (401, 403)


async def test_a_mutation_cannot_reach_into_another_office(client, new_client, duty, other_office, make_staff, login):
    # An entry of office B, then office A tries to correct it.
    b_staff = await make_staff(other_office["id"], "duty")
    async with new_client() as b_client:
        b_token = await login(b_client, b_staff)
        b_entry = mutation("duty_log.append", _entry("B的记录"))
        assert (await sync(b_client, b_token, [b_entry])).json()["results"][0]["status"] == "applied"
    result = (
        await sync(client, duty["token"], [mutation("duty_log.append", _entry("改B", corrects=b_entry["id"]))])
    ).json()
    assert result["results"][0]["error"]["code"] == "corrects_not_found"
    # The mutation id of office B's entry cannot be "replayed" by office A either.
    replay = (await sync(client, duty["token"], [b_entry])).json()["results"][0]
    assert replay["status"] == "rejected"
    assert await _count(duty["office"]["id"], "B的记录") == 0


async def test_role_that_does_not_keep_the_duty_log_is_rejected(client, office, make_staff, login):
    tech = await make_staff(office["id"], "technician")
    token = await login(client, tech)
    result = (await sync(client, token, [mutation("duty_log.append", _entry("维修工写值班记录"))])).json()
    assert result["results"][0]["error"]["code"] == "forbidden"


async def test_mutation_types_appear_in_the_openapi_schema(client):
    schema = (await client.get("/schema/openapi.json")).json()
    body = schema["paths"]["/api/sync"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    components = schema["components"]["schemas"]
    assert "DutyLogAppend" in components and "DutyLogAppendData" in components
    assert components["DutyLogAppend"]["properties"]["type"]["enum"] == ["duty_log.append"]
    assert "mutations" in components[body["$ref"].split("/")[-1]]["properties"]


async def test_response_reports_server_time_for_clock_checks(client, duty):
    response = await sync(client, duty["token"], [])
    assert "server_time" in response.json()


async def test_the_outbox_page_names_every_kind_of_change_in_the_users_language(client, duty):
    """The outbox lists waiting and refused changes by what they are (值班记录), not by their type
    code: every registered mutation type has a name, given by its own domain (app.sync.registry)."""
    import json
    import re

    from app.sync import registry

    page = (await client.get("/outbox")).text
    labels = json.loads(
        re.search(r'<script type="application/json" id="mutation-labels">(.*?)</script>', page).group(1)
    )
    assert set(labels) == set(registry.known_types())
    unnamed = [tag for tag, label in labels.items() if label == tag]
    assert unnamed == [], unnamed
    assert labels["duty_log.append"] == "值班记录" and labels["handover.countersign"] == "交班人签名"
