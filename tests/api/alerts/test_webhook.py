"""The work-chat robot channel (WeCom 企业微信 / DingTalk 钉钉) and the office's alert settings page:
urgent alerts are posted to the group with the same retry rules, and the record says so."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import timedelta

import msgspec
import pytest

from app.alerts import service
from app.alerts.queue import MAX_ATTEMPTS, backoff, drain_once
from app.alerts.tables import AlertDelivery, AlertEvent, AlertSettings
from app.auth.tables import Staff
from tests.api.alerts.conftest import as_current


async def _configure(client, token, robot_url: str, kind: str = "wecom", **fields) -> object:
    form = {
        "webhook_kind": kind,
        "webhook_url": robot_url,
        "webhook_secret": fields.pop("secret", ""),
        "_csrf_token": token,
    }
    for code in ("urgent_repair", "duty_major", "nonconformance", "handover_refused"):
        form.update(
            {f"{code}-push": "on", f"{code}-inapp": "on", f"{code}-step1-to": "manager", f"{code}-step1-wait": "5"}
        )
        if code in ("urgent_repair", "duty_major"):
            form[f"{code}-webhook"] = "on"
    form.update(fields)
    return await client.post("/alerts/settings", data=form)


@pytest.fixture
async def office_admin(client, office, make_staff, login):
    supervisor = await make_staff(office["id"], "supervisor")
    return {"staff": supervisor, "token": await login(client, supervisor)}


async def _webhook_rows(alert_id) -> list[dict]:
    return (
        await AlertDelivery.select()
        .where((AlertDelivery.alert == alert_id) & (AlertDelivery.channel == "webhook"))
        .order_by(AlertDelivery.created_at)
    )


async def _webhook_events(alert_id) -> list[str]:
    rows = (
        await AlertEvent.select(AlertEvent.action)
        .where((AlertEvent.alert == alert_id) & (AlertEvent.channel == "webhook"))
        .order_by(AlertEvent.id)
    )
    return [r["action"] for r in rows]


async def test_an_urgent_alert_is_posted_to_the_wecom_group(
    client, office, make_staff, office_admin, robot, senders, t0
):
    """The robot double receives {"msgtype": "text", "text": {"content": …, "mentioned_mobile_list": […]}}."""
    response = await _configure(client, office_admin["token"], robot.wecom_url)
    assert response.status_code == 200, response.text
    manager = await make_staff(office["id"], "manager")
    await Staff.update({Staff.phone: "13800001111", Staff.display_name: "王经理"}).where(Staff.id == manager["id"])
    alert_id = await service.raise_alert(
        office_id=office["id"], kind="duty_major", title="3栋电梯困人", body="值班员已到场", now=t0
    )
    stats = await drain_once(senders, t0)
    assert stats.sent >= 1
    [post] = robot.posts
    assert post.path == "/cgi-bin/webhook/send" and post.query == {"key": "test-key"}
    assert post.body == {
        "msgtype": "text",
        "text": {
            "content": "【重大事项（值班记录）】3栋电梯困人\n值班员已到场\n已通知：王经理\n请在应用中确认收到。",
            "mentioned_mobile_list": ["13800001111"],
        },
    }
    [row] = await _webhook_rows(alert_id)
    assert row["status"] == "sent" and row["staff"] is None
    assert await _webhook_event_rows(alert_id) == [{"action": "delivered", "detail": "王经理"}]


async def test_the_group_delivery_record_says_whom_the_post_was_for(
    client, office, make_staff, office_admin, login, robot, senders, t0
):
    """The "delivered" record of a group post names the people it was for (mentioned by mobile or
    not), the alert page shows them in its record and its deliveries; a post naming nobody (the
    acknowledgement) records nobody."""
    await _configure(client, office_admin["token"], robot.wecom_url)
    first, second = await make_staff(office["id"], "manager"), await make_staff(office["id"], "manager")
    await Staff.update({Staff.phone: "13800001111", Staff.display_name: "王经理"}).where(Staff.id == first["id"])
    await Staff.update({Staff.display_name: "李经理"}).where(Staff.id == second["id"])
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="地库积水", now=t0)
    await drain_once(senders, t0)
    [row] = await _webhook_rows(alert_id)
    assert msgspec.json.decode(row["payload"])["to"] == [
        {"id": first["id"], "name": "王经理"},
        {"id": second["id"], "name": "李经理"},
    ]
    [delivered] = await AlertEvent.select(AlertEvent.staff, AlertEvent.detail).where(
        (AlertEvent.alert == alert_id) & (AlertEvent.action == "delivered") & (AlertEvent.channel == "webhook")
    )
    assert delivered == {"staff": None, "detail": "王经理、李经理"}
    await service.acknowledge(await as_current(first), alert_id, now=t0 + timedelta(minutes=1))
    await drain_once(senders, t0 + timedelta(minutes=1))
    assert [e["detail"] for e in await _webhook_event_rows(alert_id)] == ["王经理、李经理", ""]

    await login(client, first)
    html = (await client.get(f"/alerts/{alert_id}")).text
    record = re.findall(r'<li class="event is-delivered">(.*?)</li>', html, re.S)
    assert any("工作群" in item and "王经理、李经理" in item for item in record), record
    assert "→ 工作群 (王经理、李经理)" in " ".join(html.split())


async def _webhook_event_rows(alert_id) -> list[dict]:
    return (
        await AlertEvent.select(AlertEvent.action, AlertEvent.detail)
        .where((AlertEvent.alert == alert_id) & (AlertEvent.channel == "webhook"))
        .order_by(AlertEvent.id)
    )


async def test_dingtalk_robot_is_signed_and_mentions_by_mobile(
    client, office, make_staff, office_admin, robot, senders, t0
):
    secret = "SEC" + "x" * 40
    response = await _configure(client, office_admin["token"], robot.dingtalk_url, kind="dingtalk", secret=secret)
    assert response.status_code == 200, response.text
    manager = await make_staff(office["id"], "manager")
    await Staff.update({Staff.phone: "13900002222"}).where(Staff.id == manager["id"])
    await service.raise_alert(office_id=office["id"], kind="duty_major", title="火警", now=t0)
    await drain_once(senders, t0)
    [post] = robot.posts
    assert post.body["msgtype"] == "text" and post.body["at"] == {"atMobiles": ["13900002222"], "isAtAll": False}
    assert (
        post.body["text"]["content"].startswith("【重大事项（值班记录）】火警")
        and "@13900002222" in post.body["text"]["content"]
    )
    timestamp, sign = post.query["timestamp"], post.query["sign"]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert sign == expected.decode() and post.query["access_token"] == "test-token"


async def test_a_failing_robot_is_retried_and_every_attempt_is_recorded(
    client, office, make_staff, office_admin, robot, senders, t0
):
    """HTTP 500, then 200 with an errcode (rate limit), then accepted: three attempts, two retries recorded."""
    await _configure(client, office_admin["token"], robot.wecom_url)
    await make_staff(office["id"], "manager")
    robot.answer(500)
    robot.answer(200, errcode=45009, errmsg="api freq out of limit")
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="停电", now=t0)
    await drain_once(senders, t0)
    [row] = await _webhook_rows(alert_id)
    assert row["status"] == "pending" and row["last_status"] == 500
    second = t0 + backoff(1)
    await drain_once(senders, second)
    [row] = await _webhook_rows(alert_id)
    assert row["status"] == "pending" and "45009" in row["last_error"]
    await drain_once(senders, second + backoff(2))
    [row] = await _webhook_rows(alert_id)
    assert row["status"] == "sent" and row["attempts"] == 3
    assert len(robot.posts) == 3 and len(robot.accepted()) == 1
    assert await _webhook_events(alert_id) == ["retry", "retry", "delivered"]
    details = await AlertEvent.select(AlertEvent.detail).where(
        (AlertEvent.alert == alert_id) & (AlertEvent.action == "retry")
    )
    assert "HTTP 500" in details[0]["detail"] and "45009" in details[1]["detail"]


async def test_a_robot_that_never_answers_fails_after_the_last_attempt(
    client, office, make_staff, office_admin, robot, senders, t0
):
    await _configure(client, office_admin["token"], robot.wecom_url)
    await make_staff(office["id"], "manager")
    for _ in range(MAX_ATTEMPTS):
        robot.answer(503)
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="一直失败", now=t0)
    now = t0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        await drain_once(senders, now)
        now += backoff(attempt)
    [row] = await _webhook_rows(alert_id)
    assert row["status"] == "failed" and row["attempts"] == MAX_ATTEMPTS
    assert (await _webhook_events(alert_id))[-1] == "failed"
    assert (await drain_once(senders, now + timedelta(days=1))).claimed == 0


async def test_the_channel_set_per_alert_kind_decides(client, office, make_staff, office_admin, robot, t0):
    """Nonconformances are not posted to the group (channel off); with no robot set up, the record says so."""
    await _configure(client, office_admin["token"], robot.wecom_url)
    head = await make_staff(office["id"], "dept_head", department="cleaning")
    alert_id = await service.raise_alert(
        office_id=office["id"], kind="nonconformance", title="大堂地面未清洁", recipients=[head["id"]], now=t0
    )
    assert await _webhook_rows(alert_id) == []
    await AlertSettings.update({AlertSettings.webhook_kind: "", AlertSettings.webhook_url: ""}).where(
        AlertSettings.office == office["id"]
    )
    await make_staff(office["id"], "manager")
    urgent = await service.raise_alert(office_id=office["id"], kind="duty_major", title="无机器人", now=t0)
    assert await _webhook_rows(urgent) == []
    assert await _webhook_events(urgent) == ["no_webhook"]


async def test_an_acknowledgement_is_posted_to_the_group(client, office, make_staff, office_admin, robot, senders, t0):
    await _configure(client, office_admin["token"], robot.wecom_url)
    manager = await make_staff(office["id"], "manager")
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="水管爆裂", now=t0)
    await service.acknowledge(await as_current(manager), alert_id, "十分钟到", now=t0 + timedelta(minutes=1))
    await drain_once(senders, t0 + timedelta(minutes=1))
    contents = [p.body["text"]["content"] for p in robot.posts]
    assert len(contents) == 2 and contents[1].startswith("【重大事项（值班记录）】水管爆裂\n")
    assert "已确认。 十分钟到" in contents[1]


async def test_the_settings_page_checks_what_it_is_given(client, office_admin):
    """422 with the message beside each wrong field; nothing saved."""
    response = await _configure(
        client,
        office_admin["token"],
        "http://example.com/hook",
        **{"duty_major-push": "", "duty_major-inapp": "", "duty_major-webhook": "", "urgent_repair-step2-wait": "x"},
    )
    assert response.status_code == 422
    html = response.text
    assert 'id="e-webhook_url"' in html and "https://" in html
    assert "请至少选择一种通知方式" in html
    assert 'id="e-urgent_repair-step2-wait"' not in html  # step 2 has no target: its wait is not read
    response = await _configure(
        client, office_admin["token"], "ftp://example.com", **{"urgent_repair-step3-to": "manager"}
    )
    assert response.status_code == 422
    assert 'id="e-urgent_repair-step3-to"' in response.text and "不能有空级" in response.text
    response = await _configure(
        client,
        office_admin["token"],
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        **{"urgent_repair-step1-wait": "99999"},
    )
    assert response.status_code == 422 and 'id="e-urgent_repair-step1-wait"' in response.text
    assert not await AlertSettings.exists().where(
        AlertSettings.office == (await as_current(office_admin["staff"])).office_id
    )


async def test_saved_settings_are_shown_and_used(client, office, office_admin, make_staff, t0):
    response = await _configure(
        client,
        office_admin["token"],
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        **{
            "urgent_repair-step1-to": "recipients",
            "urgent_repair-step1-wait": "3",
            "urgent_repair-step2-to": "manager",
            "urgent_repair-step2-wait": "10",
        },
    )
    assert response.status_code == 200 and "已保存" in response.text
    page = await client.get("/alerts/settings")
    assert 'value="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"' in page.text
    settings = await service.office_settings(office["id"])
    ladder = [(s.to, s.wait_minutes) for s in settings.kinds["urgent_repair"].ladder]
    assert ladder == [("recipients", 3), ("manager", 10)]
    assert settings.kinds["nonconformance"].channels == ["push", "inapp"]


async def test_only_supervisors_and_managers_change_alert_settings(client, office, make_staff, login):
    duty = await make_staff(office["id"], "duty")
    await login(client, duty)
    assert (await client.get("/alerts/settings")).status_code == 403


async def test_the_test_button_posts_to_the_group(client, office_admin, robot, senders):
    await _configure(client, office_admin["token"], robot.wecom_url)
    response = await client.post("/alerts/settings/webhook-test", data={"_csrf_token": office_admin["token"]})
    assert response.status_code == 200
    await drain_once(senders)
    [post] = robot.posts
    assert post.body["text"]["content"].startswith("【测试消息】客服中心应用的测试消息")
