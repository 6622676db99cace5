"""The handover (SPEC H1–H7, D10): prepared by the outgoing, accepted or refused by the incoming, both
signing; who is on duty follows the accepted handover. Offline mutations through POST /api/sync."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.handover.tables import Handover, HandoverComment, HandoverPin
from app.org.service import DEFAULT_SHIFTS
from tests.api.roster.support import TZ, current_shift, decide, following, inventory, preceding, proof, publish, submit
from tests.support.sync import mutation, sync


@pytest.fixture
async def desk(client, office, make_staff, login):
    """An office whose roster names `outgoing` for the current shift and `incoming` for the next one;
    the client is signed in as the outgoing."""
    outgoing = await make_staff(office["id"], "duty")
    incoming = await make_staff(office["id"], "frontdesk")
    supervisor = await make_staff(office["id"], "supervisor")
    now, after = current_shift(), following(current_shift())
    await publish(office["id"], [(now[0], now[1], outgoing["id"]), (after[0], after[1], incoming["id"])])
    token = await login(client, outgoing)
    return {
        "office": office,
        "outgoing": outgoing,
        "incoming": incoming,
        "supervisor": supervisor,
        "shift": now,
        "next": after,
        "token": token,
    }


async def _results(client, token, mutations) -> list[dict]:
    response = await sync(client, token, mutations)
    assert response.status_code == 200, response.text
    return response.json()["results"]


async def _status(handover_id: str) -> str:
    row = await Handover.select(Handover.status).where(Handover.id == uuid.UUID(handover_id)).first()
    return row["status"]


async def _on_duty(client) -> dict:
    response = await client.get("/api/on-duty")
    assert response.status_code == 200, response.text
    return response.json()


async def test_accepted_handover_puts_the_incoming_on_duty_from_that_moment(client, desk):
    """H7: both sign; the incoming is on duty from the acceptance, by the handover, not the roster."""
    before = await _on_duty(client)
    assert before["source"] == "roster" and before["on_duty"]["staff_id"] == desk["outgoing"]["id"]

    s = submit(desk["shift"], open_items=[{"text": "2栋水泵异响待查", "major_repair": False}])
    hid = s["data"]["handover_id"]
    a = decide("accept", hid, desk["incoming"], desk["outgoing"], note="已清点")
    assert [r["status"] for r in await _results(client, desk["token"], [s, a])] == ["applied", "applied"]

    now = await _on_duty(client)
    assert now["on_duty"]["staff_id"] == desk["incoming"]["id"]
    assert now["source"] == "handover"
    row = await Handover.select().where(Handover.id == uuid.UUID(hid)).first()
    assert row["status"] == "accepted" and row["incoming"] == desk["incoming"]["id"]
    assert row["incoming_signed_at"] == row["outgoing_signed_at"] == row["decided_at"]


async def test_on_duty_follows_the_accepted_handover_not_the_roster_when_they_differ(client, desk):
    """The incoming took over early (during the outgoing's rostered shift): the roster still names the
    outgoing for now, but the person on duty is the one who accepted the last handover."""
    s = submit(desk["shift"])
    a = decide("accept", s["data"]["handover_id"], desk["incoming"], desk["outgoing"])
    await _results(client, desk["token"], [s, a])
    now = await _on_duty(client)
    assert [p["staff_id"] for p in now["rostered"]] == [desk["outgoing"]["id"]]
    assert now["on_duty"]["staff_id"] == desk["incoming"]["id"]
    assert now["differs_from_roster"] is True
    page = await client.get("/on-duty")
    assert page.status_code == 200
    assert f'data-on-duty="{desk["incoming"]["id"]}"' in page.text and "data-differs" in page.text


async def test_refusal_keeps_the_outgoing_on_duty_and_the_supervisor_sees_it(client, desk, login):
    """H5 + D10: a refusal for "public property missing" changes nothing on duty; the supervisor sees it."""
    s = submit(desk["shift"], inventory=inventory(**{"钥匙": 3}))
    hid = s["data"]["handover_id"]
    r = decide("refuse", hid, desk["incoming"], inventory=inventory(**{"钥匙": 2}), note="少一把钥匙")
    assert [x["status"] for x in await _results(client, desk["token"], [s, r])] == ["applied", "applied"]
    assert await _status(hid) == "refused"
    now = await _on_duty(client)
    assert now["on_duty"]["staff_id"] == desk["outgoing"]["id"]
    assert now["last_refusal"]["reasons"] == ["公物缺失"]
    # The supervisor is alerted (issue 6), with the reason, and must acknowledge.
    from app.alerts.tables import Alert, AlertRecipient

    alert = await Alert.select().where(Alert.source == f"handover:{hid}").first()
    assert alert["kind"] == "handover_refused" and "公物缺失" in alert["title"] and alert["needs_ack"]
    assert alert["url"] == f"/handover/{hid}"
    notified = await AlertRecipient.select(AlertRecipient.staff).where(AlertRecipient.alert == alert["id"])
    assert desk["supervisor"]["id"] in [r["staff"] for r in notified]

    await login(client, desk["supervisor"])
    home = await client.get("/")
    assert "拒绝交接" in home.text and "公物缺失" in home.text
    records = await client.get("/handover/records?status=refused")
    assert f"/handover/{hid}" in records.text
    record = await client.get(f"/handover/{hid}")
    assert "data-refused" in record.text and "少一把钥匙" in record.text

    # The problem fixed, a second handover of the same shift is accepted.
    s2 = submit(desk["shift"], inventory=inventory(**{"钥匙": 3}))
    a2 = decide(
        "accept", s2["data"]["handover_id"], desk["incoming"], desk["outgoing"], inventory=inventory(**{"钥匙": 3})
    )
    token = await login(client, desk["outgoing"])
    assert [x["status"] for x in await _results(client, token, [s2, a2])] == ["applied", "applied"]
    assert (await _on_duty(client))["on_duty"]["staff_id"] == desk["incoming"]["id"]


async def test_a_shift_already_handed_over_cannot_be_handed_over_again(client, desk):
    s = submit(desk["shift"])
    a = decide("accept", s["data"]["handover_id"], desk["incoming"], desk["outgoing"])
    await _results(client, desk["token"], [s, a])
    again = submit(desk["shift"])
    (result,) = await _results(client, desk["token"], [again])
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "already_handed_over"
    assert result["error"]["field"] == "shift"
    assert await Handover.count().where(Handover.id == uuid.UUID(again["data"]["handover_id"])) == 0


async def test_the_incoming_holder_is_told_the_shift_was_already_handed_over(client, desk, login):
    s = submit(desk["shift"])
    a = decide("accept", s["data"]["handover_id"], desk["incoming"], desk["outgoing"])
    await _results(client, desk["token"], [s, a])
    token = await login(client, desk["incoming"])
    (result,) = await _results(client, token, [submit(desk["shift"])])
    assert result["error"]["code"] == "already_handed_over"
    assert "已经交接" in result["error"]["message"] and "测试frontdesk" in result["error"]["message"]


async def test_a_second_pending_handover_of_the_same_shift_is_refused(client, desk):
    first, second = submit(desk["shift"]), submit(desk["shift"])
    results = await _results(client, desk["token"], [first, second])
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["error"]["code"] == "handover_pending"


@pytest.mark.parametrize(
    ("count", "code", "text"),
    [
        (-2, "inventory_negative", "不能为负数"),
        ("abc", "inventory_not_a_number", "不是数字"),
        ("3.5", "inventory_not_a_number", "不是数字"),
    ],
)
async def test_an_inventory_count_negative_or_not_a_number_is_refused_naming_the_item(client, desk, count, code, text):
    """H4: counts are whole numbers 0 or more; the message names the item and sits beside its field."""
    s = submit(desk["shift"], inventory=inventory(**{"对讲机": count}))
    (result,) = await _results(client, desk["token"], [s])
    assert result["status"] == "rejected"
    assert result["error"]["code"] == code
    assert "对讲机" in result["error"]["message"] and text in result["error"]["message"]
    assert result["error"]["field"] == "inv_count_4"
    assert await Handover.count().where(Handover.id == uuid.UUID(s["data"]["handover_id"])) == 0


async def test_a_recount_that_is_not_a_number_is_refused_at_acceptance(client, desk):
    s = submit(desk["shift"])
    await _results(client, desk["token"], [s])
    a = decide(
        "accept", s["data"]["handover_id"], desk["incoming"], desk["outgoing"], inventory=inventory(**{"电话": "一"})
    )
    (result,) = await _results(client, desk["token"], [a])
    assert result["error"]["code"] == "inventory_not_a_number" and result["error"]["field"] == "rc_count_0"
    assert await _status(s["data"]["handover_id"]) == "submitted"


async def test_the_plain_form_shows_a_bad_count_beside_its_field(client, desk):
    """The no-JavaScript form goes through the same mutation and answers 422 with the message beside the field."""
    shift = f"{desk['shift'][0].isoformat()}|{desk['shift'][1]}"
    form = {"_csrf_token": desk["token"], "id": str(uuid.uuid4()), "shift": shift, "work_done": "1"}
    form["desk_tidied_at"] = "2020-01-01T00:00"
    for i, row in enumerate(inventory()):
        form[f"inv_item_{i}"] = row["item"]
        form[f"inv_count_{i}"] = "1"
    form["inv_count_3"] = "两把"
    response = await client.post("/handover", data=form, follow_redirects=False)
    assert response.status_code == 422
    assert 'id="e-inv_count_3"' in response.text and "钥匙" in response.text


async def test_a_signature_by_someone_not_rostered_is_refused_unless_an_approved_substitute(
    client, desk, make_staff, login
):
    """Only the rostered incoming, or their approved substitute (D4), can accept."""
    stranger = await make_staff(desk["office"]["id"], "duty")
    s = submit(desk["shift"])
    hid = s["data"]["handover_id"]
    a = decide("accept", hid, stranger, desk["outgoing"])
    results = await _results(client, desk["token"], [s, a])
    assert results[1]["status"] == "rejected"
    assert results[1]["error"]["code"] == "not_rostered_incoming"
    assert results[1]["error"]["field"] == "incoming"
    assert "没有排班" in results[1]["error"]["message"] and "测试frontdesk" in results[1]["error"]["message"]
    assert await _status(hid) == "submitted"

    # The rostered incoming asks leave, the supervisor approves it and names the stranger as substitute.
    from app.roster.tables import LeaveRequest, RosterAssignment

    cell = (
        await RosterAssignment.select(RosterAssignment.id)
        .where(RosterAssignment.staff == desk["incoming"]["id"])
        .first()
    )
    await LeaveRequest.insert(
        LeaveRequest(
            office=desk["office"]["id"],
            assignment=cell["id"],
            requester=desk["incoming"]["id"],
            reason="病假",
            status="approved",
            decided_by=desk["supervisor"]["id"],
            substitute=stranger["id"],
        )
    )
    # The original incoming, now on approved leave, may no longer sign for that shift …
    original = decide("accept", hid, desk["incoming"], desk["outgoing"])
    (result,) = await _results(client, desk["token"], [original])
    assert result["error"]["code"] == "not_rostered_incoming"
    # … and the approved substitute may.
    again = decide("accept", hid, stranger, desk["outgoing"])
    (result,) = await _results(client, desk["token"], [again])
    assert result["status"] == "applied"
    assert (await _on_duty(client))["on_duty"]["staff_id"] == stranger["id"]


async def test_a_wrong_pin_or_password_is_refused_at_sync_and_nothing_is_lost(client, desk):
    """H7 offline: the signature is checked when it syncs; a wrong one is refused with a message naming
    the person, the handover stays as it was, and the same change signed again is applied."""
    s = submit(desk["shift"])
    hid = s["data"]["handover_id"]
    await _results(client, desk["token"], [s])
    bad = decide("accept", hid, desk["incoming"], desk["outgoing"], incoming_secret="wrong-password")
    (result,) = await _results(client, desk["token"], [bad])
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "signature_wrong"
    assert "测试frontdesk" in result["error"]["message"] and "重新签名" in result["error"]["message"]
    assert result["error"]["field"] == "_secret_in"
    assert await _status(hid) == "submitted"

    # The phone keeps the refused change; the person signs again and the same change (same id) is sent.
    fixed = decide("accept", hid, desk["incoming"], desk["outgoing"], mutation_id=bad["id"])
    (result,) = await _results(client, desk["token"], [fixed])
    assert result["status"] == "applied"
    assert await _status(hid) == "accepted"


async def test_a_handover_pin_signs_as_well_as_the_password(client, desk, login):
    token = await login(client, desk["incoming"])
    response = await client.post(
        "/handover/pin",
        data={"_csrf_token": token, "password": desk["incoming"]["password"], "pin": "2468", "pin_again": "2468"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert await HandoverPin.count().where(HandoverPin.staff == desk["incoming"]["id"]) == 1
    bad = await client.post(
        "/handover/pin",
        data={"_csrf_token": token, "password": "not-my-password", "pin": "1357", "pin_again": "1357"},
        follow_redirects=False,
    )
    assert bad.status_code == 422 and 'id="e-password"' in bad.text
    token = await login(client, desk["outgoing"])
    s = submit(desk["shift"])
    a = decide("accept", s["data"]["handover_id"], desk["incoming"], desk["outgoing"], incoming_secret="2468")
    assert [r["status"] for r in await _results(client, token, [s, a])] == ["applied", "applied"]


async def test_repeated_wrong_signatures_lock_that_person_for_a_while(client, desk):
    s = submit(desk["shift"])
    hid = s["data"]["handover_id"]
    await _results(client, desk["token"], [s])
    wrong = [decide("accept", hid, desk["incoming"], desk["outgoing"], incoming_secret=f"guess{i}") for i in range(6)]
    results = await _results(client, desk["token"], wrong)
    assert [r["error"]["code"] for r in results] == ["signature_wrong"] * 5 + ["signature_locked"]
    right = decide("accept", hid, desk["incoming"], desk["outgoing"])
    (result,) = await _results(client, desk["token"], [right])
    assert result["error"]["code"] == "signature_locked"
    assert await _status(hid) == "submitted"


async def test_a_signature_is_bound_to_its_own_change(client, desk):
    """A proof copied from another change (another handover or mutation id) does not sign this one."""
    s = submit(desk["shift"])
    hid = s["data"]["handover_id"]
    await _results(client, desk["token"], [s])
    a = decide("accept", hid, desk["incoming"], desk["outgoing"])
    a["data"]["incoming"] = proof(
        desk["incoming"]["password"], hid, "incoming", desk["incoming"]["id"], str(uuid.uuid4())
    )
    (result,) = await _results(client, desk["token"], [a])
    assert result["error"]["code"] == "signature_mismatch"
    a = decide("accept", hid, desk["incoming"], desk["outgoing"])
    a["data"]["incoming"]["proof"] = "v1.garbage.x.y"
    (result,) = await _results(client, desk["token"], [a])
    assert result["error"]["code"] == "signature_unreadable"


async def test_the_outgoing_signature_must_be_the_outgoings(client, desk, make_staff):
    other = await make_staff(desk["office"]["id"], "duty")
    s = submit(desk["shift"])
    a = decide("accept", s["data"]["handover_id"], desk["incoming"], other)
    results = await _results(client, desk["token"], [s, a])
    assert results[1]["error"]["code"] == "wrong_outgoing" and results[1]["error"]["field"] == "_secret_out"


async def test_a_decision_on_a_handover_decided_meanwhile_is_stale_and_its_notes_are_kept(client, desk):
    """DESIGN "Conflicts": the second decision is refused; what it carried is kept as a comment, once."""
    s = submit(desk["shift"])
    hid = s["data"]["handover_id"]
    refuse = decide("refuse", hid, desk["incoming"])
    late = decide("accept", hid, desk["incoming"], desk["outgoing"], note="我以为已经接班了")
    results = await _results(client, desk["token"], [s, refuse, late])
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["error"]["code"] == "stale_state"
    again = (await _results(client, desk["token"], [late]))[0]
    assert again == results[2]
    comments = await HandoverComment.select(HandoverComment.text).where(HandoverComment.handover == uuid.UUID(hid))
    assert [c["text"] for c in comments] == ["我以为已经接班了"]
    assert await _status(hid) == "refused"


async def test_a_signed_handover_cannot_be_changed_even_in_the_database(client, desk):
    s = submit(desk["shift"])
    a = decide("accept", s["data"]["handover_id"], desk["incoming"], desk["outgoing"])
    await _results(client, desk["token"], [s, a])
    hid = uuid.UUID(s["data"]["handover_id"])
    with pytest.raises(Exception, match="cannot be changed"):
        await Handover.update({Handover.outgoing_note: "改"}).where(Handover.id == hid)
    with pytest.raises(Exception, match="cannot be changed"):
        await Handover.delete().where(Handover.id == hid)
    assert await _status(str(hid)) == "accepted"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"work_done": False}, "work_not_done", "work_done"),
        ({"anomalies": [{"text": "消防通道有杂物", "explanation": ""}]}, "anomaly_unexplained", "anomaly_expl_0"),
        ({"inventory": inventory(**{"电脑": {"damaged": True}})}, "inventory_unexplained", "inv_note_1"),
        ({"inventory": inventory()[:-1]}, "inventory_incomplete", "inv_count_6"),
        ({"inventory": [*inventory(), {"item": "保险柜", "count": 1}]}, "inventory_unknown_item", "inv_count_0"),
        ({"shift_code": "lunch"}, "unknown_shift", "shift"),
    ],
)
async def test_the_outgoings_checklist_is_complete(client, desk, change, code, field):
    """H1–H4, H6: unfinished work carried over, anomalies explained, every item counted, damage explained."""
    (result,) = await _results(client, desk["token"], [submit(desk["shift"], **change)])
    assert result["status"] == "rejected" and result["error"]["code"] == code
    assert result["error"]["field"] == field


async def test_a_loss_since_the_last_handover_must_be_explained(client, desk, make_staff, login):
    """H4: the outgoing counted 7 radios when taking over the desk; handing over 6 needs an explanation."""
    earlier = await make_staff(desk["office"]["id"], "duty")
    await publish(desk["office"]["id"], [(*preceding(desk["shift"]), earlier["id"])])
    token = await login(client, earlier)
    s = submit(preceding(desk["shift"]), inventory=inventory(**{"对讲机": 7}))
    a = decide("accept", s["data"]["handover_id"], desk["outgoing"], earlier, inventory=inventory(**{"对讲机": 7}))
    assert [r["status"] for r in await _results(client, token, [s, a])] == ["applied", "applied"]
    token = await login(client, desk["outgoing"])
    (result,) = await _results(client, token, [submit(desk["shift"], inventory=inventory(**{"对讲机": 6}))])
    assert result["error"]["code"] == "inventory_unexplained" and "7" in result["error"]["message"]
    assert result["error"]["field"] == "inv_note_4"
    explained = submit(desk["shift"], inventory=inventory(**{"对讲机": {"count": 6, "note": "一台送修"}}))
    (result,) = await _results(client, token, [explained])
    assert result["status"] == "applied"


async def test_the_incoming_reads_the_log_and_explains_a_recount_difference(client, desk):
    """H2: the log and open items are read before accepting; H4: a difference is explained."""
    s = submit(desk["shift"])
    hid = s["data"]["handover_id"]
    await _results(client, desk["token"], [s])
    unread = decide("accept", hid, desk["incoming"], desk["outgoing"], log_read=False)
    short = decide("accept", hid, desk["incoming"], desk["outgoing"], inventory=inventory(**{"手电筒": 0}))
    results = await _results(client, desk["token"], [unread, short])
    assert [r["error"]["code"] for r in results] == ["log_not_read", "inventory_unexplained"]
    assert [r["error"]["field"] for r in results] == ["log_read", "rc_note_6"]


async def test_someone_not_on_duty_cannot_hand_over(client, desk, make_staff, login):
    bystander = await make_staff(desk["office"]["id"], "duty")
    token = await login(client, bystander)
    (result,) = await _results(client, token, [submit(desk["shift"])])
    assert result["error"]["code"] == "not_on_duty"
    assert "测试duty" in result["error"]["message"]


async def test_a_technician_takes_no_part_in_handovers(client, desk, make_staff, login):
    tech = await make_staff(desk["office"]["id"], "technician")
    token = await login(client, tech)
    (result,) = await _results(client, token, [submit(desk["shift"])])
    assert result["error"]["code"] == "forbidden"
    assert (await client.get("/handover", follow_redirects=False)).status_code == 403


async def test_handovers_of_another_office_are_invisible(client, desk, other_office, make_staff, login):
    s = submit(desk["shift"])
    await _results(client, desk["token"], [s])
    stranger = await make_staff(other_office["id"], "supervisor")
    token = await login(client, stranger)
    assert (await client.get(f"/handover/{s['data']['handover_id']}")).status_code in (403, 404)
    assert (await client.get(f"/api/on-duty?office={desk['office']['id']}")).status_code == 403
    # Accepting it from office B is "not found", not applied.
    a = decide("accept", s["data"]["handover_id"], desk["incoming"], desk["outgoing"])
    (result,) = await _results(client, token, [a])
    assert result["status"] == "rejected" and result["error"]["code"] == "handover_not_found"


async def test_the_plain_forms_prepare_and_accept_through_the_same_mutations(client, desk, login):
    """No JavaScript: the same handover.submit and handover.accept, signatures sealed on the server side."""
    shift = f"{desk['shift'][0].isoformat()}|{desk['shift'][1]}"
    hid = str(uuid.uuid4())
    form = {"_csrf_token": desk["token"], "id": hid, "shift": shift, "work_done": "1", "note": "表单交班"}
    from datetime import datetime

    from tests.api.roster.support import TZ

    form["desk_tidied_at"] = datetime.now(TZ).strftime("%Y-%m-%dT%H:%M")
    for i, row in enumerate(inventory()):
        form[f"inv_item_{i}"], form[f"inv_count_{i}"] = row["item"], "2"
    form["item_text_0"] = "电梯维保未完成"  # not a major repair: that would block the acceptance (H5)
    first = await client.post("/handover", data=form, follow_redirects=False)
    again = await client.post("/handover", data=form, follow_redirects=False)  # a double tap
    assert first.status_code == again.status_code == 303
    assert await Handover.count().where(Handover.outgoing_note == "表单交班") == 1

    page = await client.get("/handover")
    assert "电梯维保未完成" in page.text and f'action="/handover/{hid}/decide"' in page.text
    decision = {
        "_csrf_token": desk["token"],
        "mid": str(uuid.uuid4()),
        "arrived_at": datetime.now(TZ).strftime("%Y-%m-%dT%H:%M"),
        "log_read": "1",
        "incoming": str(desk["incoming"]["id"]),
        "_secret_in": desk["incoming"]["password"],
        "_secret_out": "wrong-one",
        "decision": "accept",
    }
    for i, row in enumerate(inventory()):
        decision[f"rc_item_{i}"], decision[f"rc_count_{i}"] = row["item"], "2"
    wrong = await client.post(f"/handover/{hid}/decide", data=decision, follow_redirects=False)
    assert wrong.status_code == 422 and 'id="e-_secret_out"' in wrong.text
    decision["_secret_out"] = desk["outgoing"]["password"]
    right = await client.post(f"/handover/{hid}/decide", data=decision, follow_redirects=False)
    assert right.status_code == 303, right.text
    assert await _status(hid) == "accepted"
    record = await client.get(f"/handover/{hid}")
    assert record.status_code == 200 and "电梯维保未完成" in record.text and "已接班" in record.text


async def test_a_refusal_by_plain_form_needs_a_reason(client, desk):
    s = submit(desk["shift"])
    hid = s["data"]["handover_id"]
    await _results(client, desk["token"], [s])
    form = {
        "_csrf_token": desk["token"],
        "arrived_at": "2030-01-01T00:00",
        "incoming": str(desk["incoming"]["id"]),
        "_secret_in": desk["incoming"]["password"],
        "decision": "refuse",
    }
    response = await client.post(f"/handover/{hid}/decide", data=form, follow_redirects=False)
    assert response.status_code == 422 and 'id="e-reasons"' in response.text
    form["reasons"] = ["desk_not_clean", "records_unclear"]
    form["arrived_at"] = ""
    response = await client.post(f"/handover/{hid}/decide", data=form, follow_redirects=False)
    assert response.status_code == 422  # an arrival time is needed (H1)
    from datetime import datetime

    from tests.api.roster.support import TZ

    form["arrived_at"] = datetime.now(TZ).strftime("%Y-%m-%dT%H:%M")
    response = await client.post(f"/handover/{hid}/decide", data=form, follow_redirects=False)
    assert response.status_code == 303
    row = (
        await Handover.select(Handover.refusal_reasons)
        .where(Handover.id == uuid.UUID(hid))
        .output(load_json=True)
        .first()
    )
    assert row["refusal_reasons"] == ["records_unclear", "desk_not_clean"]


async def test_d10_after_a_refusal_the_outgoing_stays_on_duty_into_the_next_shift(client, desk):
    """D10 in a new office (no handover ever accepted): once the incoming's shift has begun, the
    roster names the incoming, but the refused outgoing is the one on duty, awaiting a handover."""
    from app.handover.desk import on_duty_now
    from app.roster.service import shift_bounds

    s = submit(desk["shift"], inventory=inventory(**{"钥匙": 3}))
    r = decide("refuse", s["data"]["handover_id"], desk["incoming"], inventory=inventory(**{"钥匙": 2}))
    assert [x["status"] for x in await _results(client, desk["token"], [s, r])] == ["applied", "applied"]
    next_start, _end = shift_bounds(*desk["next"], DEFAULT_SHIFTS, TZ)
    later = await on_duty_now(desk["office"]["id"], "Asia/Shanghai", next_start + timedelta(minutes=10))
    assert [p.staff_id for p in later.rostered] == [desk["incoming"]["id"]]
    assert later.on_duty.staff_id == desk["outgoing"]["id"]
    assert later.source == "waiting" and later.awaiting_handover and later.differs_from_roster
    assert later.last_refusal is not None


async def test_h7_on_two_phones_the_incoming_signs_then_the_outgoing_countersigns(client, desk, login, new_client):
    """H7 "or on their own phones": the incoming accepts and signs on their phone; until the outgoing
    countersigns on theirs, the outgoing stays on duty (D10) and the shift cannot be prepared again;
    the countersignature is the outgoing's own, and then the incoming is on duty from that moment."""
    s = submit(desk["shift"])
    hid = s["data"]["handover_id"]
    assert (await _results(client, desk["token"], [s]))[0]["status"] == "applied"

    async with new_client() as theirs:  # the incoming's own phone
        token = await login(theirs, desk["incoming"])
        a = decide("accept", hid, desk["incoming"], desk["outgoing"])
        del a["data"]["outgoing"]
        (result,) = await _results(theirs, token, [a])
        assert result["status"] == "applied", result
    assert await _status(hid) == "signing"
    waiting = await _on_duty(client)
    assert waiting["on_duty"]["staff_id"] == desk["outgoing"]["id"] and waiting["pending_handover"] == hid
    assert waiting["pending_countersign"] is True
    state = (await client.get("/api/handover/state")).json()
    assert state["pending"]["status"] == "signing" and state["pending"]["incoming_id"] == desk["incoming"]["id"]
    (again,) = await _results(client, desk["token"], [submit(desk["shift"])])
    assert again["error"]["code"] == "handover_pending"

    def countersign(signer: dict, expected: str = "signing") -> dict:
        mid = str(uuid.uuid4())
        secret = proof(signer["password"], hid, "outgoing", signer["id"], mid)
        return mutation(
            "handover.countersign", {"handover_id": hid, "expected_state": expected, "outgoing": secret}, mid
        )

    (wrong,) = await _results(client, desk["token"], [countersign(desk["incoming"])])
    assert wrong["error"]["code"] == "wrong_outgoing" and await _status(hid) == "signing"
    (done,) = await _results(client, desk["token"], [countersign(desk["outgoing"])])
    assert done["status"] == "applied", done
    row = await Handover.select().where(Handover.id == uuid.UUID(hid)).first()
    assert row["status"] == "accepted" and row["incoming"] == desk["incoming"]["id"]
    assert row["decided_at"] == row["outgoing_signed_at"] >= row["incoming_signed_at"]
    now = await _on_duty(client)
    assert now["on_duty"]["staff_id"] == desk["incoming"]["id"] and now["source"] == "handover"
    (late,) = await _results(client, desk["token"], [countersign(desk["outgoing"])])
    assert late["error"]["code"] == "stale_state"  # signed handovers cannot change


async def test_a_countersign_for_a_handover_nobody_accepted_yet_is_refused(client, desk):
    s = submit(desk["shift"])
    hid = s["data"]["handover_id"]
    mid = str(uuid.uuid4())
    c = mutation(
        "handover.countersign",
        {
            "handover_id": hid,
            "expected_state": "signing",
            "outgoing": proof("x", hid, "outgoing", desk["outgoing"]["id"], mid),
        },
        mid,
    )
    results = await _results(client, desk["token"], [s, c])
    assert results[1]["error"]["code"] == "stale_state" and await _status(hid) == "submitted"
