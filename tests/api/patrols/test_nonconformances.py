"""Nonconformances (SPEC P3; DESIGN "Conflicts"): raised from a failed check to a department with a
deadline, rectified by its head, verified by a follow-up inspection; stale changes are kept as comments."""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import date, timedelta

import pytest

from app.patrols.tables import DepartmentDeadline, Nonconformance, NonconformanceEvent
from tests.api.patrols.conftest import Phone, png_bytes, statuses, sync_all, upload
from tests.support.sync import mutation


@pytest.fixture
async def failed(client, patrol, route):
    """A round with two failed checks (cleaning items) and one passed, synced."""
    phone = Phone(route)
    cps = route["checkpoints"]
    batch = [
        phone.start(),
        phone.visit(cps[0]["code"]),
        phone.finding("fail", checkpoint_id=cps[0]["id"], check_item_id=cps[0]["items"][0], note="楼道有垃圾"),
        phone.finding("fail", checkpoint_id=cps[0]["id"], check_item_id=cps[0]["items"][0], note="垃圾桶满了"),
        phone.finding("pass", checkpoint_id=cps[0]["id"], check_item_id=cps[0]["items"][1]),
        phone.finding("fail", checkpoint_id=cps[0]["id"], check_item_id=cps[0]["items"][1], note="灯不亮"),
    ]
    assert statuses(await sync_all(client, patrol["token"], batch)) == ["applied"] * 6
    return {"round": phone.round_id, "fail": [batch[2]["id"], batch[3]["id"], batch[5]["id"]], "pass": batch[4]["id"]}


def raise_nc(finding_id: str, department: str = "cleaning", **data) -> dict:
    return mutation("nonconformance.create", {"finding_id": finding_id, "department": department, **data})


def rectify(nc_id: str, note: str, expected: str = "open", cycle: int | None = 0, photos=()) -> dict:
    data = {"nonconformance_id": nc_id, "expected_state": expected, "note": note, "photos": list(photos)}
    if cycle is not None:
        data["cycle"] = cycle
    return mutation("nonconformance.rectify", data)


def verify(nc_id: str, outcome: str, note: str = "", cycle: int = 0, **data) -> dict:
    return mutation(
        "nonconformance.verify",
        {
            "nonconformance_id": nc_id,
            "expected_state": "rectified",
            "outcome": outcome,
            "note": note,
            "cycle": cycle,
            **data,
        },
    )


async def _nc(nc_id: str) -> dict:
    return await Nonconformance.select().where(Nonconformance.id == uuid.UUID(nc_id)).first()


@pytest.fixture
async def cleaning_head(office, make_staff):
    return await make_staff(office["id"], "dept_head", department="cleaning")


async def test_a_failed_check_is_raised_once_with_the_department_default_deadline(client, patrol, failed, office):
    """P3: the deadline defaults to the department's days (per office, configurable)."""
    await DepartmentDeadline.insert(DepartmentDeadline(office=office["id"], department="cleaning", days=2))
    first = raise_nc(failed["fail"][0])
    results = await sync_all(
        client,
        patrol["token"],
        [
            first,
            raise_nc(failed["fail"][0], "security"),  # the same check a second time
            raise_nc(failed["pass"]),
            raise_nc(failed["fail"][1], deadline=(date.today() - timedelta(days=3)).isoformat()),
        ],
    )
    assert statuses(results) == ["applied", "rejected", "rejected", "rejected"]
    assert results[1]["error"]["code"] == "already_raised"
    assert results[2]["error"]["code"] == "finding_passed"
    assert results[3]["error"]["code"] == "deadline_past" and results[3]["error"]["field"] == "deadline"
    nc = await _nc(first["id"])
    assert nc["state"] == "open" and nc["department"] == "cleaning" and nc["cycle"] == 0
    assert (nc["deadline"] - date.today()).days in (2, 3)  # office day vs. UTC day around midnight
    assert "检查项1-1" in nc["title"]


async def test_lifecycle_rectify_verify_failed_reopens_then_closes(
    client, new_client, patrol, failed, cleaning_head, office, make_staff, login
):
    """P3: open → rectified (the department's head, with note and photo) → verification failed → open with a
    new deadline → rectified → verified → closed. Each step is in the history."""
    created = raise_nc(failed["fail"][0])
    await sync_all(client, patrol["token"], [created])
    nc_id = created["id"]
    async with new_client() as head:
        head_token = await login(head, cleaning_head)
        photo = await upload(head, head_token, png_bytes(seed=5))
        assert statuses(await sync_all(head, head_token, [rectify(nc_id, "已清扫", photos=[photo])])) == ["applied"]
        refused = await sync_all(head, head_token, [verify(nc_id, "passed")])
        assert refused[0]["status"] == "rejected" and refused[0]["error"]["code"] == "forbidden"
    assert (await _nc(nc_id))["state"] == "rectified"
    patrols_page = (await client.get("/patrols")).text  # patrol staff do the follow-up inspection
    assert f'data-nc-id="{nc_id}"' in patrols_page[patrols_page.index('id="to-verify"') :]
    cached = json.loads(html.unescape(re.search(r"data-cache-pages='([^']*)'", patrols_page).group(1)))
    assert f"/patrols/nc/{nc_id}" in cached  # the worker caches it: the inspection can be recorded offline

    supervisor = await make_staff(office["id"], "supervisor")
    token = await login(client, supervisor)
    new_deadline = (date.today() + timedelta(days=5)).isoformat()
    no_note = await sync_all(client, token, [verify(nc_id, "failed")])
    assert no_note[0]["error"]["code"] == "note_required"
    reopened = await sync_all(client, token, [verify(nc_id, "failed", "角落仍有垃圾", new_deadline=new_deadline)])
    assert statuses(reopened) == ["applied"]
    nc = await _nc(nc_id)
    assert nc["state"] == "open" and nc["cycle"] == 1 and nc["deadline"].isoformat() == new_deadline

    async with new_client() as head:
        head_token = await login(head, cleaning_head)
        assert statuses(await sync_all(head, head_token, [rectify(nc_id, "重新清扫", cycle=1)])) == ["applied"]
    assert statuses(await sync_all(client, token, [verify(nc_id, "passed", "合格", cycle=1)])) == ["applied"]
    nc = await _nc(nc_id)
    assert nc["state"] == "closed" and nc["closed_at"] is not None

    kinds = [
        r["kind"]
        for r in await NonconformanceEvent.select(NonconformanceEvent.kind)
        .where(NonconformanceEvent.nonconformance == uuid.UUID(nc_id))
        .order_by(NonconformanceEvent.recorded_at)
    ]
    assert kinds == ["raised", "rectified", "reopened", "rectified", "verified"]
    page = await client.get(f"/patrols/nc/{nc_id}")
    assert page.status_code == 200
    assert "已清扫" in page.text and "角落仍有垃圾" in page.text and photo in page.text


async def test_a_stale_rectify_is_rejected_with_a_reason_and_its_note_and_photo_kept_as_a_comment(
    client, new_client, patrol, failed, cleaning_head, login
):
    """DESIGN "Conflicts": two phones rectify the same item offline; the second finds it moved on."""
    created = raise_nc(failed["fail"][0])
    await sync_all(client, patrol["token"], [created])
    nc_id = created["id"]
    async with new_client() as phone_1, new_client() as phone_2:
        token_1 = await login(phone_1, cleaning_head)
        token_2 = await login(phone_2, cleaning_head)
        photo = await upload(phone_2, token_2, png_bytes(seed=77))
        first = rectify(nc_id, "第一台手机：已处理")
        second = rectify(nc_id, "第二台手机：也处理了", photos=[photo])
        assert statuses(await sync_all(phone_1, token_1, [first])) == ["applied"]
        stale = await sync_all(phone_2, token_2, [second])
        again = await sync_all(phone_2, token_2, [second])  # resent: the same answer, no second comment
    assert stale[0]["status"] == again[0]["status"] == "rejected"
    assert stale[0]["error"] == again[0]["error"]
    assert stale[0]["error"]["code"] == "stale_state"
    assert "已整改，待验证" in stale[0]["error"]["message"]  # the state it found, in the user's language
    comments = (
        await NonconformanceEvent.select()
        .where((NonconformanceEvent.nonconformance == uuid.UUID(nc_id)) & (NonconformanceEvent.kind == "comment"))
        .output(load_json=True)
    )
    assert len(comments) == 1
    assert comments[0]["note"] == "第二台手机：也处理了" and comments[0]["photos"] == [photo]
    assert comments[0]["reason"] == stale[0]["error"]["message"]
    nc = await _nc(nc_id)
    assert nc["state"] == "rectified"
    rectified = await NonconformanceEvent.count().where(
        (NonconformanceEvent.nonconformance == uuid.UUID(nc_id)) & (NonconformanceEvent.kind == "rectified")
    )
    assert rectified == 1


async def test_a_rectify_made_before_a_reopen_is_stale_even_though_the_item_is_open_again(
    client, patrol, failed, office, make_staff, login
):
    """The reopen count makes "open" after a failed verification a different state from the first "open"."""
    created = raise_nc(failed["fail"][0])
    await sync_all(client, patrol["token"], [created])
    supervisor = await make_staff(office["id"], "supervisor")
    token = await login(client, supervisor)
    nc_id = created["id"]
    await sync_all(client, token, [rectify(nc_id, "第一次"), verify(nc_id, "failed", "没有处理好")])
    old_view = await sync_all(client, token, [rectify(nc_id, "旧页面上写的", cycle=0)])
    assert old_view[0]["error"]["code"] == "stale_state"
    assert statuses(await sync_all(client, token, [rectify(nc_id, "新页面上写的", cycle=1)])) == ["applied"]


async def test_only_the_departments_head_or_a_supervisor_rectifies(client, patrol, failed, office, make_staff, login):
    created = raise_nc(failed["fail"][0])
    await sync_all(client, patrol["token"], [created])
    landscaping = await make_staff(office["id"], "dept_head", department="landscaping")
    token = await login(client, landscaping)
    refused = await sync_all(client, token, [rectify(created["id"], "不是我的部门")])
    assert refused[0]["error"]["code"] == "forbidden"
    assert (await client.get(f"/patrols/nc/{created['id']}", follow_redirects=False)).status_code == 403
    box = await client.get("/patrols/inbox")
    assert created["id"] not in box.text


async def test_the_inbox_lists_the_departments_open_items_overdue_first(
    client, patrol, failed, cleaning_head, login, office
):
    late, fresh = raise_nc(failed["fail"][0]), raise_nc(failed["fail"][1])
    other_dept = raise_nc(failed["fail"][2], "engineering")
    assert statuses(await sync_all(client, patrol["token"], [fresh, late, other_dept])) == ["applied"] * 3
    await Nonconformance.update({Nonconformance.deadline: date.today() - timedelta(days=2)}).where(
        Nonconformance.id == uuid.UUID(late["id"])
    )
    await login(client, cleaning_head)
    box = await client.get("/patrols/inbox")
    assert box.status_code == 200
    late_at = box.text.index(f'data-nc-id="{late["id"]}"')
    assert late_at < box.text.index(f'data-nc-id="{fresh["id"]}"')  # overdue first
    assert "overdue" in box.text[box.text.rindex("<li", 0, late_at) : late_at]
    assert "已逾期" in box.text[late_at : late_at + 600]
    assert f'data-nc-id="{other_dept["id"]}"' not in box.text  # another department's item
    assert "data-cache-pages=" in box.text and f"/patrols/nc/{late['id']}" in box.text
    fragment = await client.get("/patrols/inbox", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and late["id"] in fragment.text
    home = await client.get("/")
    assert "检查项1-1" in home.text  # the head's home page shows the new items


async def test_plain_form_rectify_needs_a_note_and_shows_it_beside_the_field(
    client, patrol, failed, cleaning_head, login
):
    created = raise_nc(failed["fail"][0])
    await sync_all(client, patrol["token"], [created])
    token = await login(client, cleaning_head)
    url = f"/patrols/nc/{created['id']}/rectify"
    empty = await client.post(url, data={"_csrf_token": token, "expected_state": "open", "cycle": "0", "note": " "})
    assert empty.status_code == 422 and 'id="e-note"' in empty.text
    fields = {"_csrf_token": token, "expected_state": "open", "cycle": "0", "note": "已处理"}
    done = await client.post(url, data=fields, follow_redirects=False)
    assert done.status_code == 303
    assert (await _nc(created["id"]))["state"] == "rectified"
    fragment = await client.get(f"/patrols/nc/{created['id']}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "已处理" in fragment.text and 'id="rectify-form"' not in fragment.text


async def test_raising_from_the_round_page_without_javascript(client, patrol, failed):
    url = "/patrols/nonconformances"
    bad = await client.post(
        url,
        data={
            "_csrf_token": patrol["token"],
            "finding_id": failed["fail"][1],
            "department": "cleaning",
            "deadline": "2000-01-01",
        },
    )
    assert bad.status_code == 422
    ok = await client.post(
        url,
        data={"_csrf_token": patrol["token"], "finding_id": failed["fail"][1], "department": "engineering"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == f"/patrols/rounds/{failed['round']}"
    assert await Nonconformance.count().where(Nonconformance.finding == uuid.UUID(failed["fail"][1])) == 1


async def test_a_new_nonconformance_alerts_the_departments_head(client, patrol, failed, office, cleaning_head):
    """P3: the nonconformance is sent to its department's head — as an alert, not only an inbox row."""
    from app.alerts.tables import Alert, AlertRecipient

    m = raise_nc(failed["fail"][0], "cleaning")
    again = raise_nc(failed["fail"][1], "security")  # no security head in this office: nobody named
    assert statuses(await sync_all(client, patrol["token"], [m, again])) == ["applied", "applied"]
    alert = await Alert.select().where(Alert.source == f"nonconformance:{m['id']}").first()
    assert alert["kind"] == "nonconformance" and alert["url"] == f"/patrols/nc/{m['id']}"
    notified = await AlertRecipient.select(AlertRecipient.staff).where(AlertRecipient.alert == alert["id"])
    assert [r["staff"] for r in notified] == [cleaning_head["id"]]
