"""The key register and lending (SPEC K2): lent offline on the duty phone and synced exactly once, a key
out is not lent again, a key not out is not returned, overdue keys flagged, offices kept apart."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.keys.service import keys_out, overdue_keys
from app.keys.tables import KeyLending, KeyNote
from tests.support.sync import mutation, sync, sync_one


async def add_key(client, token, **fields) -> int:
    form = {
        "code": f"K{uuid.uuid4().hex[:6]}",
        "name": "配电房",
        "kind": "public",
        "hook": "柜A-3号钩",
        "_csrf_token": token,
        **fields,
    }
    response = await client.post("/keys", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(re.search(r"/keys/(\d+)$", response.headers["location"]).group(1))


@pytest.fixture
async def desk(client, office, make_staff, login):
    """A duty officer on the duty phone, with two keys added by the front desk."""
    frontdesk = await make_staff(office["id"], "frontdesk")
    token = await login(client, frontdesk)
    keys = [
        await add_key(client, token),
        await add_key(client, token, kind="owner", unit_id=str(office["units"][0]), name="1-101 户门钥匙"),
    ]
    duty = await make_staff(office["id"], "duty")
    token = await login(client, duty)
    return {"token": token, "keys": keys, "office": office, "duty": duty}


def lend(key_id: int, **extra) -> dict:
    return {
        "key_id": key_id,
        "note": "维修电工进配电房",
        "borrower_name": "王师傅",
        "borrower_phone_tail": "1234",
        **extra,
    }


async def test_a_key_lent_offline_is_synced_exactly_once(client, desk):
    """K2: the outbox sends the same `key.lend` three times (lost answers); one lending, the rest duplicates."""
    m = mutation("key.lend", lend(desk["keys"][0]), recorded_at=datetime.now(UTC) - timedelta(minutes=1))
    answers = [(await sync(client, desk["token"], [m])).json()["results"][0]["status"] for _ in range(3)]
    assert answers == ["applied", "duplicate", "duplicate"]
    rows = await KeyLending.select().where(KeyLending.key == desk["keys"][0])
    assert len(rows) == 1 and rows[0]["id"] == uuid.UUID(m["id"]) and rows[0]["back_at"] is None
    assert rows[0]["borrower_name"] == "王师傅" and rows[0]["borrower_phone_tail"] == "1234"
    out = await keys_out(desk["office"]["id"])
    assert [k.key_id for k in out] == [desk["keys"][0]] and "王师傅" in out[0].borrower
    page = await client.get(f"/keys/{desk['keys'][0]}")
    assert "王师傅" in page.text and "记录归还" in page.text


async def test_a_key_out_is_not_lent_again_and_what_was_typed_is_kept(client, desk):
    """DESIGN "Conflicts": the second lending of a key already out is refused; its text is kept as a note."""
    key = desk["keys"][0]
    assert (await sync_one(client, desk["token"], "key.lend", lend(key)))["status"] == "applied"
    second = await sync_one(client, desk["token"], "key.lend", lend(key, borrower_name="李四", note="抄表"))
    assert second["status"] == "rejected" and second["error"]["code"] == "stale_state"
    assert "王师傅" in second["error"]["message"] and "先记录归还" in second["error"]["message"]
    assert await KeyLending.count().where(KeyLending.key == key) == 1
    notes = await KeyNote.select(KeyNote.text).where(KeyNote.key == key)
    assert len(notes) == 1 and "李四" in notes[0]["text"] and "抄表" in notes[0]["text"]


async def test_return_closes_the_lending_and_a_return_of_a_key_not_out_is_refused(client, desk):
    key = desk["keys"][0]
    lent = mutation("key.lend", lend(key))
    await sync(client, desk["token"], [lent])
    back = await sync_one(
        client, desk["token"], "key.return", {"key_id": key, "lending_id": lent["id"], "note": "完好"}
    )
    assert back["status"] == "applied"
    row = await KeyLending.select().where(KeyLending.id == uuid.UUID(lent["id"])).first()
    assert row["back_at"] is not None and row["return_note"] == "完好"
    again = await sync_one(client, desk["token"], "key.return", {"key_id": key, "lending_id": lent["id"]})
    assert again["status"] == "rejected" and again["error"]["code"] == "stale_state"
    assert "不在外借" in again["error"]["message"] or "已记录归还" in again["error"]["message"]
    assert await keys_out(desk["office"]["id"]) == []
    # Lent again; a stale return of the old lending (a phone that saw the first one) is refused.
    await sync_one(client, desk["token"], "key.lend", lend(key, borrower_name="赵六"))
    stale = await sync_one(client, desk["token"], "key.return", {"key_id": key, "lending_id": lent["id"]})
    assert stale["status"] == "rejected" and "赵六" in stale["error"]["message"]
    assert len(await keys_out(desk["office"]["id"])) == 1


async def test_an_overdue_key_is_flagged_after_the_offices_limit(client, desk, office, make_staff, login, new_client):
    """K2: out longer than the limit (default 4 h; the supervisor changes it) → flagged, on the home page too."""
    key = desk["keys"][0]
    out_at = datetime.now(UTC) - timedelta(minutes=3)
    await sync(client, desk["token"], [mutation("key.lend", lend(key), recorded_at=out_at)])
    now = datetime.now(UTC)
    assert await overdue_keys(office["id"], now) == []
    assert [k.key_id for k in await overdue_keys(office["id"], now + timedelta(hours=4))] == [key]
    async with new_client() as boss:
        token = await login(boss, await make_staff(office["id"], "supervisor"))
        refused = await boss.post("/keys/settings", data={"overdue_minutes": "5", "_csrf_token": token})
        assert (
            refused.status_code == 422
            and "10 到 10080 分钟" in refused.text
            and 'id="e-overdue_minutes"' in refused.text
        )
        saved = await boss.post(
            "/keys/settings", data={"overdue_minutes": "10", "_csrf_token": token}, follow_redirects=False
        )
        assert saved.status_code == 303
    assert [k.key_id for k in await overdue_keys(office["id"], now + timedelta(minutes=8))] == [key]
    # Lent five hours ago (set in the database: a phone's clock may not move a lending that far back).
    await KeyLending.update({KeyLending.out_at: now - timedelta(hours=5)}).where(KeyLending.key == key)
    home = await client.get("/")
    section = home.text[home.text.index("外借钥匙") :]
    assert "已逾期" in section[:800] and "王师傅" in section[:800]
    register = await client.get("/keys")
    assert 'class="is-overdue"' in register.text


async def test_who_took_it_is_required_and_emergency_keys_need_an_approver(
    client, desk, office, make_staff, login, new_client
):
    key = desk["keys"][0]
    nobody = await sync_one(client, desk["token"], "key.lend", {"key_id": key, "note": "开门"})
    assert nobody["status"] == "rejected" and nobody["error"]["field"] == "borrower_name"
    no_phone = await sync_one(client, desk["token"], "key.lend", {"key_id": key, "note": "开门", "borrower_name": "张"})
    assert no_phone["status"] == "rejected" and no_phone["error"]["field"] == "borrower_phone_tail"
    bad_tail = await sync_one(client, desk["token"], "key.lend", lend(key, borrower_phone_tail="12a4"))
    assert bad_tail["status"] == "rejected"
    colleague = await sync_one(
        client, desk["token"], "key.lend", {"key_id": key, "note": "巡查", "borrower_staff_id": desk["duty"]["id"]}
    )
    assert colleague["status"] == "applied"
    # An emergency key (seed 004: only with the duty manager's approval).
    async with new_client() as fd:
        token = await login(fd, await make_staff(office["id"], "frontdesk"))
        emergency = await add_key(fd, token, kind="emergency", area="地下车库", name="车库应急钥匙")
    refused = await sync_one(client, desk["token"], "key.lend", lend(emergency))
    assert refused["status"] == "rejected" and refused["error"]["field"] == "approved_by"
    assert (await sync_one(client, desk["token"], "key.lend", lend(emergency, approved_by="陈经理")))[
        "status"
    ] == "applied"


async def test_the_plain_form_lends_through_the_same_mutation_and_shows_messages_beside_fields(client, desk):
    key = desk["keys"][0]
    form = {
        "id": str(uuid.uuid4()),
        "note": "",
        "borrower_name": "王",
        "borrower_phone_tail": "12",
        "_csrf_token": desk["token"],
    }
    bad = await client.post(f"/keys/{key}/lend", data=form)
    assert bad.status_code == 422 and 'id="e-note"' in bad.text
    form |= {"note": "送水", "borrower_phone_tail": "5678"}
    for _ in range(2):  # a double tap: applied once
        ok = await client.post(f"/keys/{key}/lend", data=form, follow_redirects=False)
        assert ok.status_code == 303
    assert await KeyLending.count().where(KeyLending.key == key) == 1


async def test_register_form_checks_fields_and_owner_keys_name_their_unit(
    client, office, make_staff, login, other_office
):
    token = await login(client, await make_staff(office["id"], "frontdesk"))
    no_unit = await client.post(
        "/keys", data={"code": "O1", "name": "户门", "kind": "owner", "hook": "A1", "_csrf_token": token}
    )
    assert no_unit.status_code == 422 and 'id="e-unit_id"' in no_unit.text
    foreign = await client.post(
        "/keys",
        data={
            "code": "O1",
            "name": "户门",
            "kind": "owner",
            "hook": "A1",
            "unit_id": str(other_office["units"][0]),
            "_csrf_token": token,
        },
    )
    assert foreign.status_code == 422 and "不属于本管理处" in foreign.text
    long_code = await client.post(
        "/keys", data={"code": "X" * 31, "name": "n", "kind": "public", "hook": "A", "_csrf_token": token}
    )
    assert long_code.status_code == 422 and 'id="e-code"' in long_code.text
    await add_key(client, token, code="DUP1")
    dup = await client.post(
        "/keys", data={"code": "DUP1", "name": "n", "kind": "public", "hook": "A", "_csrf_token": token}
    )
    assert dup.status_code == 422 and 'id="e-code"' in dup.text


async def test_offices_do_not_see_each_others_keys(client, desk, other_office, make_staff, login, new_client):
    """Scoping: office B's staff cannot see, lend or return office A's keys; A's register lists only A's."""
    key = desk["keys"][0]
    await sync_one(client, desk["token"], "key.lend", lend(key))
    async with new_client() as other:
        token = await login(other, await make_staff(other_office["id"], "duty"))
        assert (await other.get(f"/keys/{key}")).status_code == 404
        listing = await other.get("/keys")
        assert listing.status_code == 200 and "王师傅" not in listing.text and f"/keys/{key}" not in listing.text
        refused = await sync_one(other, token, "key.return", {"key_id": key})
        assert refused["status"] == "rejected" and refused["error"]["code"] == "key_not_found"
        assert (await other.get(f"/keys?office={desk['office']['id']}")).status_code == 403
    assert await keys_out(other_office["id"]) == []


async def test_qa_reads_another_offices_register_only_when_asking_for_it_and_lends_nothing(
    client, desk, other_office, make_staff, login, new_client
):
    key = desk["keys"][0]
    async with new_client() as qa:
        token = await login(qa, await make_staff(other_office["id"], "qa"))
        own = await qa.get("/keys")
        assert own.status_code == 200 and f"/keys/{key}" not in own.text
        asked = await qa.get(f"/keys?office={desk['office']['id']}")
        assert asked.status_code == 200 and f"/keys/{key}" in asked.text and "借出钥匙" not in asked.text
        refused = await sync_one(qa, token, "key.lend", lend(key))
        assert refused["status"] == "rejected" and refused["error"]["code"] == "forbidden"


async def test_keys_out_are_on_the_handover_desk_for_the_incoming_to_count(client, desk):
    """K2 with H4: the handover page lists the keys out (an overdue one flagged), so the incoming counts them."""
    key = desk["keys"][0]
    await sync_one(client, desk["token"], "key.lend", lend(key, borrower_name="钱师傅"))
    page = await client.get("/handover")
    assert page.status_code == 200
    section = page.text[page.text.index('id="keys-out"') :]
    assert "钱师傅" in section[:1500] and "已逾期" not in section[:1500]
    await KeyLending.update({KeyLending.out_at: datetime.now(UTC) - timedelta(hours=5)}).where(KeyLending.key == key)
    section = (await client.get("/handover")).text
    section = section[section.index('id="keys-out"') :]
    assert "钱师傅" in section[:1500] and "已逾期" in section[:1500]
