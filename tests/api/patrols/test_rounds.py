"""Walking a round through the sync API (SPEC P1, P2, D9; DESIGN "Offline model"): start, visits in any
order, findings with photos, finish with skipped checkpoints; bad input rejected with a reason, nothing lost."""

from __future__ import annotations

import uuid

from app.attachments.tables import Attachment
from app.patrols.tables import Finding, PatrolRound, Visit
from tests.api.patrols.conftest import Phone, make_route, png_bytes, statuses, sync_all, upload


async def test_a_round_recorded_offline_applies_once_in_order_and_a_resend_changes_nothing(client, patrol, route):
    """P1: start, visit every checkpoint out of order, two failed checks with photos, finish; resent → duplicates."""
    phone = Phone(route)
    cps = route["checkpoints"]
    photo_a = await upload(client, patrol["token"], png_bytes(seed=11))
    photo_b = await upload(client, patrol["token"], png_bytes(seed=12))
    batch = [
        phone.start(),
        phone.visit(cps[2]["code"]),
        phone.visit(cps[0]["code"].lower(), method="scan"),  # scanned, lower case: the same code
        phone.finding(
            "fail", checkpoint_id=cps[0]["id"], check_item_id=cps[0]["items"][0], note="地面有垃圾", photos=[photo_a]
        ),
        phone.visit(cps[1]["code"]),
        phone.finding(
            "fail", checkpoint_id=cps[1]["id"], check_item_id=cps[1]["items"][1], photos=[photo_b], location="北侧"
        ),
        phone.finding("pass", checkpoint_id=cps[1]["id"], check_item_id=cps[1]["items"][0]),
        phone.finish("一切正常"),
    ]
    results = await sync_all(client, patrol["token"], batch)
    assert statuses(results) == ["applied"] * len(batch), results

    doc = (await client.get(f"/api/patrols/rounds/{phone.round_id}")).json()
    assert doc["status"] == "finished" and doc["skipped"] == []
    assert [v["checkpoint_id"] for v in doc["visits"]] == [cps[2]["id"], cps[0]["id"], cps[1]["id"]]
    assert [v["method"] for v in doc["visits"]] == ["typed", "scan", "typed"]
    assert [(f["result"], f["photos"]) for f in doc["findings"]] == [
        ("fail", [photo_a]),
        ("fail", [photo_b]),
        ("pass", []),
    ]

    again = await sync_all(client, patrol["token"], batch)  # the answer was lost; the outbox sends again
    assert statuses(again) == ["duplicate"] * len(batch)
    round_id = uuid.UUID(phone.round_id)
    assert await PatrolRound.count().where(PatrolRound.id == round_id) == 1
    assert await Visit.count().where(Visit.round == round_id) == 3
    assert await Finding.count().where(Finding.round == round_id) == 3
    assert await Attachment.count().where(Attachment.sha256 == photo_a) == 1


async def test_finishing_lists_the_checkpoints_not_visited(client, patrol, route):
    """Checkpoints may be skipped; the finish records which, in route order, and the round page lists them."""
    phone = Phone(route)
    cps = route["checkpoints"]
    results = await sync_all(client, patrol["token"], [phone.start(), phone.visit(cps[1]["code"]), phone.finish()])
    assert statuses(results) == ["applied"] * 3
    doc = (await client.get(f"/api/patrols/rounds/{phone.round_id}")).json()
    assert doc["skipped"] == [cps[0]["id"], cps[2]["id"]]
    page = await client.get(f"/patrols/rounds/{phone.round_id}")
    assert page.status_code == 200
    skipped = page.text[page.text.index('id="skipped"') :]
    assert cps[0]["name"] in skipped and cps[2]["name"] in skipped
    late = await sync_all(client, patrol["token"], [phone.visit(cps[0]["code"])])
    assert late[0]["status"] == "rejected" and late[0]["error"]["code"] == "round_finished"


async def test_a_code_of_another_route_is_refused_with_a_reason_and_the_rest_of_the_round_applies(
    client, patrol, route, office, unique
):
    """Bad input: a code of another route, an unknown code — rejected with a message naming the checkpoint and
    route; the visits around them still apply (nothing lost from the round)."""
    other = await make_route(office["id"], f"另一路线{unique}", checkpoints=1)
    phone = Phone(route)
    cps = route["checkpoints"]
    results = await sync_all(
        client,
        patrol["token"],
        [
            phone.start(),
            phone.visit(cps[0]["code"]),
            phone.visit(other["checkpoints"][0]["code"]),
            phone.visit("ZZZZ99"),
            phone.visit(cps[1]["code"]),
        ],
    )
    assert statuses(results) == ["applied", "applied", "rejected", "rejected", "applied"]
    wrong_route = results[2]["error"]
    assert wrong_route["code"] == "code_other_route" and wrong_route["field"] == "code"
    assert other["name"] in wrong_route["message"] and other["checkpoints"][0]["name"] in wrong_route["message"]
    assert results[3]["error"]["code"] == "code_unknown" and "ZZZZ99" in results[3]["error"]["message"]
    assert await Visit.count().where(Visit.round == uuid.UUID(phone.round_id)) == 2


async def test_photos_must_have_been_uploaded_by_the_office(
    client, patrol, route, other_office, make_staff, login, new_client
):
    """DESIGN "Photos": a finding naming a photo the office never uploaded is refused, not stored half."""
    stranger = await make_staff(other_office["id"], "patrol")
    async with new_client() as other:
        token_b = await login(other, stranger)
        photo_of_b = await upload(other, token_b, png_bytes(seed=99))
    phone = Phone(route)
    cp = route["checkpoints"][0]
    missing = "ab" * 32
    results = await sync_all(
        client,
        patrol["token"],
        [
            phone.start(),
            phone.visit(cp["code"]),
            phone.finding("fail", checkpoint_id=cp["id"], note="灯不亮", photos=[missing]),
            phone.finding("fail", checkpoint_id=cp["id"], note="灯不亮", photos=[photo_of_b]),
            phone.finding("fail", checkpoint_id=cp["id"], check_item_id=cp["items"][0]),  # no note, no photo
            phone.finding("pass", checkpoint_id=cp["id"]),  # a free observation needs words
        ],
    )
    assert statuses(results) == ["applied", "applied", "rejected", "rejected", "rejected", "rejected"]
    assert {r["error"]["code"] for r in results[2:4]} == {"photo_missing"}
    assert results[2]["error"]["field"] == "photos"
    assert results[4]["error"]["code"] == "note_required" and results[4]["error"]["field"] == "note"
    assert results[5]["error"]["code"] == "note_required"
    assert await Finding.count().where(Finding.round == uuid.UUID(phone.round_id)) == 0


async def test_more_than_four_photos_or_a_malformed_change_is_rejected_alone(client, patrol, route):
    phone = Phone(route)
    cp = route["checkpoints"][0]
    photos = [await upload(client, patrol["token"], png_bytes(seed=40 + i)) for i in range(5)]
    results = await sync_all(
        client,
        patrol["token"],
        [
            phone.start(),
            phone.finding("fail", checkpoint_id=cp["id"], note="太多照片", photos=photos),
            phone.finding("maybe", checkpoint_id=cp["id"], note="?"),
            phone.finding("fail", checkpoint_id=cp["id"], note="四张", photos=photos[:4]),
        ],
    )
    assert statuses(results) == ["applied", "rejected", "rejected", "applied"]
    assert results[1]["error"]["code"] == "invalid"


async def test_a_checkpoint_or_item_of_another_route_is_refused(client, patrol, route, office, unique):
    other = await make_route(office["id"], f"别的{unique}", checkpoints=1)
    phone = Phone(route)
    cp = route["checkpoints"][0]
    results = await sync_all(
        client,
        patrol["token"],
        [
            phone.start(),
            phone.finding("fail", checkpoint_id=other["checkpoints"][0]["id"], note="x"),
            phone.finding("fail", checkpoint_id=cp["id"], check_item_id=other["checkpoints"][0]["items"][0], note="x"),
            phone.finding("fail", check_item_id=cp["items"][1], note="只给检查项"),
        ],
    )
    assert statuses(results) == ["applied", "rejected", "rejected", "applied"]
    stored = await Finding.select(Finding.checkpoint, Finding.label).where(Finding.id == uuid.UUID(results[3]["id"]))
    assert stored[0]["checkpoint"] == cp["id"] and stored[0]["label"] == "检查项1-2"


async def test_visits_of_a_round_that_never_started_are_refused_with_a_reason(client, patrol, route):
    phone = Phone(route)
    results = await sync_all(client, patrol["token"], [phone.visit(route["checkpoints"][0]["code"])])
    assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "round_not_found"
    assert "未同步" in results[0]["error"]["message"] or "Unsynced" in results[0]["error"]["message"]


async def test_duty_spot_check_is_a_round_by_a_supervisor_with_the_person_checked(
    client, office, make_staff, login, unique
):
    """D9: the spot-check route has its own check items; a patrol officer cannot start it, a supervisor can."""
    spot = await make_route(office["id"], f"值班抽查{unique}", checkpoints=1, kind="spot_check", daily=0)
    duty = await make_staff(office["id"], "duty")
    patrol = await make_staff(office["id"], "patrol")
    token = await login(client, patrol)
    refused = await sync_all(client, token, [Phone(spot).start()])
    assert refused[0]["status"] == "rejected" and refused[0]["error"]["code"] == "forbidden"
    assert (await client.get(f"/patrols/routes/{spot['id']}/walk", follow_redirects=False)).status_code == 403

    supervisor = await make_staff(office["id"], "supervisor")
    token = await login(client, supervisor)
    phone = Phone(spot)
    cp = spot["checkpoints"][0]
    results = await sync_all(
        client,
        token,
        [
            phone.start(subject_staff_id=duty["id"]),
            phone.visit(cp["code"]),
            phone.finding("fail", checkpoint_id=cp["id"], check_item_id=cp["items"][0], note="值班记录未填写"),
            phone.finish(),
        ],
    )
    assert statuses(results) == ["applied"] * 4
    page = await client.get(f"/patrols/rounds/{phone.round_id}")
    assert "测试duty" in page.text and "值班记录未填写" in page.text


async def test_the_walk_page_carries_hashes_not_codes(client, patrol, route):
    """The code is the proof of having been there: the page the phone caches must not show it."""
    page = await client.get(f"/patrols/routes/{route['id']}/walk")
    assert page.status_code == 200
    for cp in route["checkpoints"]:
        assert cp["code"] not in page.text
        assert cp["name"] in page.text
    assert "data-cache-pages=" in page.text and f"/patrols/routes/{route['id']}/walk" in page.text


async def test_plain_forms_walk_a_round_without_javascript(client, patrol, route):
    """The walk page's forms post to real endpoints that apply the same mutations (no second write path)."""
    token = patrol["token"]
    round_id = str(uuid.uuid4())
    started = await client.post(
        "/patrols/rounds", data={"_csrf_token": token, "id": round_id, "route_id": route["id"]}, follow_redirects=False
    )
    assert started.status_code == 303 and started.headers["location"].endswith(f"?round={round_id}")
    cp = route["checkpoints"][0]
    visited = await client.post(
        "/patrols/visits", data={"_csrf_token": token, "round_id": round_id, "code": cp["code"]}, follow_redirects=False
    )
    assert visited.status_code == 303
    bad = await client.post(
        "/patrols/visits", data={"_csrf_token": token, "round_id": round_id, "code": "NOPE22"}, follow_redirects=False
    )
    assert bad.status_code == 422
    error_at = bad.text.index('id="e-code"')
    assert "NOPE22" in bad.text[error_at : error_at + 300]
    finding = await client.post(
        "/patrols/findings",
        data={
            "_csrf_token": token,
            "round_id": round_id,
            "check_item_id": cp["items"][0],
            "result": "fail",
            "note": "表单记录",
        },
        follow_redirects=False,
    )
    assert finding.status_code == 303
    no_note = await client.post(
        "/patrols/findings",
        data={"_csrf_token": token, "round_id": round_id, "check_item_id": cp["items"][0], "result": "fail"},
        follow_redirects=False,
    )
    assert no_note.status_code == 422 and 'id="e-note"' in no_note.text
    finished = await client.post(
        "/patrols/rounds/finish", data={"_csrf_token": token, "round_id": round_id}, follow_redirects=False
    )
    assert finished.status_code == 303 and finished.headers["location"] == f"/patrols/rounds/{round_id}"
    doc = (await client.get(f"/api/patrols/rounds/{round_id}")).json()
    assert doc["status"] == "finished" and len(doc["visits"]) == 1 and doc["findings"][0]["note"] == "表单记录"


async def test_a_round_of_an_unknown_or_retired_route_is_refused(client, patrol, route):
    from app.patrols.tables import PatrolRoute

    await PatrolRoute.update({PatrolRoute.active: False}).where(PatrolRoute.id == route["id"])
    results = await sync_all(client, patrol["token"], [Phone(route).start()])
    assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "route_not_found"
    assert (await client.get(f"/patrols/routes/{route['id']}/walk")).status_code == 404


async def test_d3_the_duty_officer_patrols_the_garden_and_records_a_nonconformance(
    client, office, route, make_staff, login
):
    """D3: on duty, the duty officer patrols the garden and corrects and records nonconformances — a
    round walked by the `duty` role, with a failed check, is applied like a patrol guard's."""
    duty = await make_staff(office["id"], "duty")
    token = await login(client, duty)
    phone = Phone(route)
    cps = route["checkpoints"]
    batch = [
        phone.start(),
        phone.visit(cps[0]["code"]),
        phone.finding("fail", checkpoint_id=cps[0]["id"], check_item_id=cps[0]["items"][0], note="花园垃圾未清"),
        phone.finish(),
    ]
    results = await sync_all(client, token, batch)
    assert statuses(results) == ["applied"] * len(batch), results
    row = await PatrolRound.select().where(PatrolRound.id == uuid.UUID(phone.round_id)).first()
    assert row["status"] == "finished"
    assert await Finding.count().where((Finding.round == row["id"]) & (Finding.result == "fail")) == 1
