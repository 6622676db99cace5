"""Issue: alerts that reach a person (W6, D6, D7) — in Chromium at 390×844.

- A push message delivered through the DevTools protocol runs the service worker's real `push`
  handler: a notification is shown, the open page hears of it, and tapping through opens the alert;
  a click on the notification, dispatched in the worker, runs its `notificationclick` handler.
- An alert raised on the server appears on an open page at once (server-sent events), is opened
  and acknowledged there.
- Where the browser has no push service (many Android phones in mainland China), the profile page
  says so and what still reaches the person.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, shot, sign_in, wait_for_worker, wait_ready

pytestmark = pytest.mark.e2e
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def report_major(base_url: str, text: str) -> None:
    """The duty officer (another phone) logs a major issue: D6 says the manager hears of it at once."""
    with httpx.Client(base_url=base_url) as duty:
        token = CSRF.search(duty.get("/login").text).group(1)
        duty.post("/login", data={"username": "duty_a", "password": DEMO_PASSWORD, "_csrf_token": token})
        token = CSRF.search(duty.get("/duty-log").text).group(1)
        entry = {"category": "emergency", "text": text, "escalation": "major"}
        mutation = {"id": str(uuid.uuid4()), "type": "duty_log.append", "recorded_at": datetime.now(UTC).isoformat()}
        body = {"device_id": "duty-phone", "mutations": [{**mutation, "data": entry}]}
        response = duty.post("/api/sync", json=body, headers={"x-csrftoken": token})
        assert response.json()["results"][0]["status"] == "applied", response.text


def wait_live(page: Page) -> None:
    """The page's live-alert stream is connected."""
    page.wait_for_function("document.documentElement.dataset.alertsLive === '1'")


def notifications(page: Page) -> list[dict]:
    return page.evaluate(
        """navigator.serviceWorker.ready
             .then((r) => r.getNotifications())
             .then((list) => list.map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data})))"""
    )


def push_payload(alert_id: str, alert_url: str, title: str) -> dict:
    """What the server sends at the second ladder step (see app.alerts.service.push_payload)."""
    return {
        "id": alert_id,
        "title": title,
        "body": "仍无人确认。",
        "url": alert_url,
        "kind": "duty_major",
        "needs_ack": True,
        "level": 1,
    }


def deliver_push(context, page: Page, origin: str, payload: dict) -> None:
    """Run the worker's `push` handler for real, through the DevTools protocol (DESIGN "Testing notes")."""
    cdp = context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    def ours() -> list[dict]:
        return [r for r in registrations if r["scopeURL"].startswith(origin) and not r["isDeleted"]]

    for _ in range(50):
        if ours():
            break
        page.wait_for_timeout(100)
    registration_id = ours()[0]["registrationId"]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registration_id, "data": json.dumps(payload)},
    )
    page.wait_for_function("id => (document.documentElement.dataset.lastPush || '').includes(id)", arg=payload["id"])


# Tap a shown notification, as the phone's tray does: the worker's own `notificationclick` listener
# runs. NOTE: a script-made event may not call waitUntil, so this stands in for the browser's and
# waits for the promise the listener hands it (the page it opened; Chromium resolves `navigate()`
# with the client's old URL, so the test looks at the page itself).
CLICK_NOTIFICATION = """async (tag) => {
  const [notification] = await self.registration.getNotifications({ tag });
  if (!notification) return { error: "no notification" };
  const click = new NotificationEvent("notificationclick", { notification });
  const kept = [];
  Object.defineProperty(click, "waitUntil", { value: (promise) => kept.push(promise) });
  self.dispatchEvent(click);
  const [client] = await Promise.all(kept);
  return { waited: kept.length, client: Boolean(client) };
}"""


def test_an_alert_raised_on_the_server_appears_at_once_and_is_acknowledged(page, context, live_server):
    """In-app live alert: no reload; the list refreshes; open it from the toast; acknowledge it with
    no signal (kept on the phone), and it reaches the server when the signal is back."""
    sign_in(page, "manager_a")
    page.goto("/alerts")
    wait_ready(page)
    wait_live(page)
    text = f"B座电梯困人{uuid.uuid4().hex[:4]}"
    report_major(live_server, text)
    toast = page.locator("#live-alerts .live-alert", has_text=text)
    expect(toast).to_be_visible(timeout=10_000)
    expect(page.locator("#alert-list")).to_contain_text(text)  # the list refreshed by itself
    expect(page.locator("#alert-badge")).to_be_visible()
    shot(page, "alerts-live-toast")

    toast.get_by_role("link", name="打开并确认").click()
    page.wait_for_url(re.compile(r"/alerts/[0-9a-f-]{36}$"))
    wait_ready(page)
    expect(page.locator("h1")).to_have_text(text)
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    page.get_by_label("回复（可选）").fill("十分钟内到场")
    page.get_by_role("button", name="确认收到").click()
    expect(page.locator('[data-outbox-list="alert.acknowledge"] li')).to_contain_text("十分钟内到场")
    shot(page, "alert-ack-offline")
    context.set_offline(False)
    expect(page.locator("#ack-done")).to_contain_text("十分钟内到场", timeout=20_000)
    record = page.locator(".alert-record")
    expect(record).to_contain_text("已在打开的应用中显示")
    expect(record).to_contain_text("已确认")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "alert-acknowledged")


def test_a_push_message_shows_a_notification_and_tapping_through_opens_the_alert(page, context, live_server):
    """The worker's push handler for real (ServiceWorker.deliverPushMessage): a notification with the
    alert's title, tagged with its id and carrying its page; the page shows it too; tapping through
    closes the notification and opens the alert's page."""
    context.grant_permissions(["notifications"], origin=live_server)
    sign_in(page, "manager_a")
    wait_for_worker(page)
    text = f"水泵房漏水{uuid.uuid4().hex[:4]}"
    report_major(live_server, text)
    page.goto("/alerts")
    wait_ready(page)
    link = page.locator("#alert-list a", has_text=text)
    alert_url = link.get_attribute("href")
    alert_id = alert_url.rsplit("/", 1)[1]

    payload = push_payload(alert_id, alert_url, f"重大事项（值班记录）：{text}")
    deliver_push(context, page, live_server, payload)
    assert json.loads(page.evaluate("document.documentElement.dataset.lastPush")) == {"id": alert_id, "shown": True}
    [shown] = [n for n in notifications(page) if n["tag"] == alert_id]
    assert shown == {
        "title": payload["title"],
        "body": "仍无人确认。",
        "tag": alert_id,
        "data": {"url": alert_url, "id": alert_id},
    }
    toast = page.locator(f'#live-alerts [data-alert-id="{alert_id}"][data-via="push"]')
    expect(toast).to_be_visible()
    shot(page, "alerts-push-toast")
    toast.get_by_role("link", name="打开并确认").click()
    page.wait_for_url(f"**{alert_url}")
    wait_ready(page)
    expect(page.locator("h1")).to_have_text(text)
    assert [n for n in notifications(page) if n["tag"] == alert_id] == []  # the tray keeps no stale copy


def test_tapping_the_notification_runs_the_workers_click_handler(page, context, live_server):
    """The worker's own `notificationclick` path: the notification shown by a real push is clicked
    in the worker; the handler closes it and takes the open page to the alert (no second window)."""
    context.grant_permissions(["notifications"], origin=live_server)
    sign_in(page, "manager_a")
    wait_for_worker(page)
    text = f"消防栓漏水{uuid.uuid4().hex[:4]}"
    report_major(live_server, text)
    page.goto("/alerts")
    wait_ready(page)
    alert_url = page.locator("#alert-list a", has_text=text).get_attribute("href")
    alert_id = alert_url.rsplit("/", 1)[1]
    deliver_push(context, page, live_server, push_payload(alert_id, alert_url, f"重大事项（值班记录）：{text}"))
    assert [n["tag"] for n in notifications(page)].count(alert_id) == 1

    [worker] = [w for w in context.service_workers if w.url == f"{live_server}/sw.js"]
    clicked = worker.evaluate(CLICK_NOTIFICATION, alert_id)
    assert clicked == {"waited": 1, "client": True}
    page.wait_for_url(f"**{alert_url}")
    wait_ready(page)
    expect(page.locator("h1")).to_have_text(text)
    assert [p.url for p in context.pages] == [f"{live_server}{alert_url}"]
    assert worker.evaluate("(tag) => self.registration.getNotifications({ tag }).then((l) => l.length)", alert_id) == 0
    expect(page.locator(".alert-record")).to_contain_text("已打开")  # the server saw the page opened


def test_without_a_push_service_the_profile_says_what_still_reaches_you(browser, live_server):
    """Headless Chromium, like many Android phones sold in China, has no push service: turning
    notifications on fails with a message naming the channels that still work."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, base_url=live_server, locale="zh-CN"
    )
    try:
        context.grant_permissions(["notifications"], origin=live_server)
        page = context.new_page()
        sign_in(page, "tech_a")
        page.goto("/profile")
        wait_ready(page)
        expect(page.locator("#alert-devices")).to_contain_text("还没有手机为你接收推送通知")
        page.get_by_role("button", name="在此手机上开启通知").click()
        status = page.locator("#push-status")
        expect(status).to_contain_text("应用打开时仍会显示提醒", timeout=30_000)  # after the worker is ready
        expect(status).to_contain_text("工作群")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "profile-push-unavailable")
    finally:
        context.close()


def test_the_supervisor_sets_up_the_work_chat_robot(page):
    sign_in(page, "super_a")
    page.goto("/alerts")
    page.get_by_role("link", name="提醒设置").click()
    page.get_by_label("机器人").select_option("wecom")
    page.get_by_label("Webhook 地址").fill("http://example.com/not-https")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#e-webhook_url")).to_contain_text("https://")
    shot(page, "alert-settings-error")
    # A loopback address that answers nothing: no test ever posts to a real group.
    page.get_by_label("Webhook 地址").fill("https://127.0.0.1:9/cgi-bin/webhook/send?key=demo")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main [role=status]")).to_contain_text("已保存")
    expect(page.get_by_label("Webhook 地址")).to_have_value("https://127.0.0.1:9/cgi-bin/webhook/send?key=demo")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("机器人").select_option("")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main [role=status]")).to_contain_text("已保存")
