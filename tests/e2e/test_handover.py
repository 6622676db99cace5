"""Issue 5: the shift handover in Chromium at 390×844 — offline on one phone, both people signing
(SPEC H1–H7, D10); a wrong signature refused at sync and signed again without losing anything."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page

from app.demo.roster import demo_assignee
from app.duty.service import shift_of
from app.org.service import DEFAULT_INVENTORY, DEFAULT_SHIFTS
from app.roster.service import month_key, next_shift
from tests.e2e.conftest import DEMO_PASSWORD, PHONE, pending_count, shot, sign_in, wait_for_worker, wait_ready

pytestmark = pytest.mark.e2e

TZ = ZoneInfo("Asia/Shanghai")
NAMES = {"duty": "值班员{K}", "frontdesk": "前台{K}", "duty2": "值班员{K}2"}
KEYS = DEFAULT_INVENTORY.index("钥匙")


def _people(office: str) -> dict:
    """Who hands over now and who takes over, by the demo roster (app.demo.roster)."""
    now = shift_of(datetime.now(TZ), DEFAULT_SHIFTS)
    after = next_shift(*now, DEFAULT_SHIFTS)
    out, inc = demo_assignee(*now), demo_assignee(*after)
    return {
        "shift": now,
        "next": after,
        "outgoing": f"{out}_{office}",
        "incoming": f"{inc}_{office}",
        "outgoing_name": NAMES[out].format(K=office.upper()),
        "incoming_name": NAMES[inc].format(K=office.upper()),
    }


def _client(base_url: str, username: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base_url)
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text).group(1)
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "_csrf_token": token})
    assert response.status_code in (200, 303), response.text
    return client, client.get("/api/session").json()["csrf_token"]  # a sign-in issues a new token


def _publish_next_month_if_needed(base_url: str, office: str, people: dict) -> None:
    """The demo publishes this month only; when the incoming shift is next month, the supervisor publishes it."""
    if people["next"][0].month == people["shift"][0].month:
        return
    client, token = _client(base_url, f"super_{office}")
    key = month_key(people["next"][0].replace(day=1))
    client.post(f"/roster/{key}/publish", data={"_csrf_token": token})  # 422 when already published: fine


def _open_desk(page: Page, username: str) -> None:
    sign_in(page, username)
    wait_for_worker(page)
    page.goto("/handover")
    wait_ready(page)
    page.wait_for_function("document.documentElement.dataset.handoverReady === '1'")


def _prepare(page: Page, keys: int, item: str = "") -> None:
    form = page.locator("#prepare-form")
    for i in range(len(DEFAULT_INVENTORY)):
        form.locator(f"#f-inv_count_{i}").fill(str(keys if i == KEYS else 1))
    if item:
        form.locator("#f-item_text_0").fill(item)
    form.get_by_label("本班工作已完成").check()
    form.get_by_role("button", name="填写完毕，请接班人接班").click()
    page.locator("#takeover").wait_for(state="visible")


def _recount(page: Page, keys: int) -> None:
    form = page.locator("#takeover-form")
    for i in range(len(DEFAULT_INVENTORY)):
        form.locator(f"#f-rc_count_{i}").fill(str(keys if i == KEYS else 1))


def _on_duty(base_url: str, cookies: list) -> dict:
    jar = {c["name"]: c["value"] for c in cookies}
    return httpx.get(f"{base_url}/api/on-duty", cookies=jar).json()


def test_offline_on_one_phone_refused_for_missing_property_then_accepted_and_synced_once(
    page, context, browser, live_server
):
    """H5 then H7, offline: the incoming refuses for "public property missing" (the outgoing stays on
    duty, the supervisor sees the refusal), then a second handover is accepted with both people signing
    on the same phone; all of it reaches the server in one sync."""
    people = _people("a")
    _publish_next_month_if_needed(live_server, "a", people)
    _open_desk(page, people["outgoing"])
    batches: list[int] = []

    def count_sync(route):
        body = route.request.post_data_json or {}
        if body.get("mutations"):
            batches.append(len(body["mutations"]))
        route.continue_()

    context.route("**/api/sync", count_sync)
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")

    # 1 · The outgoing prepares: two keys on the desk, a repair carried over.
    _prepare(page, keys=2, item="3栋电梯异响，已报维保，待回复")
    takeover = page.locator("#takeover-form")
    assert "3栋电梯异响" in page.locator("#takeover").inner_text()
    assert people["outgoing_name"] in page.locator("#takeover").inner_text()
    # 2 · The incoming counts one key only and refuses: public property missing (H5).
    _recount(page, keys=1)
    takeover.locator("#f-incoming").select_option(label=people["incoming_name"])
    takeover.get_by_label("公物缺失").check()
    takeover.locator("#f-secret-in").fill(DEMO_PASSWORD)
    shot(page, "handover-refusing")
    takeover.get_by_role("button", name="拒接").click()
    notice = page.locator("#handover-notice")
    page.wait_for_function("document.getElementById('handover-notice').textContent.includes('继续值班')")
    assert "公物缺失" in notice.inner_text() and people["outgoing_name"] in notice.inner_text()
    assert "继续值班" in notice.inner_text()  # D10
    page.locator("#prepare").wait_for(state="visible")
    assert page.locator("#f-secret-in").input_value() == ""  # the secret is not kept on the page

    # The key is found: prepared again, recounted, both sign on this phone.
    _prepare(page, keys=2)
    _recount(page, keys=2)
    takeover.get_by_label("我已查阅本班值班记录和遗留事项").check()
    takeover.locator("#f-incoming").select_option(label=people["incoming_name"])
    takeover.locator("#f-secret-in").fill(DEMO_PASSWORD)
    takeover.locator("#f-secret-out").fill(DEMO_PASSWORD)
    takeover.get_by_role("button", name="接班并签名").click()
    page.wait_for_function("document.getElementById('handover-notice').textContent.includes('完成接班')")
    assert pending_count(page) == 4
    stored = page.evaluate(
        "new Promise(r => { const q = indexedDB.open('kfzx'); q.onsuccess = () => {"
        " const g = q.result.transaction('outbox').objectStore('outbox').getAll();"
        " g.onsuccess = () => r(JSON.stringify(g.result)); }; })"
    )
    assert DEMO_PASSWORD not in stored  # only ciphertext waits in the outbox
    assert batches == []
    shot(page, "handover-offline-done")

    # Back online: one sync carries all four changes.
    context.set_offline(False)
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=30_000)
    assert batches == [4]
    duty = _on_duty(live_server, context.cookies())
    assert duty["source"] == "handover" and duty["on_duty"]["name"] == people["incoming_name"]
    assert duty["last_refusal"] is None  # accepted after the refusal
    page.locator("[data-on-duty-name]").filter(has_text=people["incoming_name"]).wait_for()
    shot(page, "handover-synced")

    # The supervisor sees the refusal (H5: the supervisor is notified).
    supervisor = browser.new_context(**PHONE, base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        boss = supervisor.new_page()
        sign_in(boss, "super_a")
        title = boss.get_by_role("link", name="拒绝交接", exact=True)  # the section's own heading
        refusals = boss.locator("section.card").filter(has=title)
        assert "公物缺失" in refusals.inner_text() and people["incoming_name"] in refusals.inner_text()
        refusals.get_by_role("link", name="拒绝交接", exact=True).click()
        boss.locator("li.record.refused a").first.click()
        assert "继续值班" in boss.locator("[data-refused]").inner_text()
        shot(boss, "handover-refusal-record")
    finally:
        supervisor.close()


def test_a_wrong_password_is_refused_at_sync_and_signed_again_without_retyping_the_checklist(page, live_server):
    """H7: the server checks the signature when the change arrives; the refused change stays on the phone
    with the message beside the field, and signing again sends the same checklist."""
    people = _people("b")
    _publish_next_month_if_needed(live_server, "b", people)
    _open_desk(page, people["outgoing"])
    _prepare(page, keys=1)
    page.wait_for_function("document.body.dataset.pending === '0'")  # online: applied at once
    takeover = page.locator("#takeover-form")
    _recount(page, keys=1)
    takeover.locator("#f-takeover-note").fill("钥匙已当面点清")
    takeover.get_by_label("我已查阅本班值班记录和遗留事项").check()
    takeover.locator("#f-incoming").select_option(label=people["incoming_name"])
    takeover.locator("#f-secret-in").fill("not-the-password")
    takeover.locator("#f-secret-out").fill(DEMO_PASSWORD)
    takeover.get_by_role("button", name="接班并签名").click()
    error = page.locator("#takeover small.error[data-js-error]")
    error.wait_for()
    assert people["incoming_name"] in error.inner_text() and "重新签名" in error.inner_text()
    assert pending_count(page) == 1  # kept on the phone, refused
    assert takeover.locator("#f-takeover-note").input_value() == "钥匙已当面点清"
    shot(page, "handover-signature-refused")

    takeover.locator("#f-secret-in").fill(DEMO_PASSWORD)  # the outgoing's signature is kept as it was
    takeover.get_by_role("button", name="接班并签名").click()
    page.wait_for_function("document.body.dataset.pending === '0'")
    duty = _on_duty(live_server, page.context.cookies())
    assert duty["on_duty"]["name"] == people["incoming_name"]
    record = httpx.get(
        f"{live_server}/handover/records", cookies={c["name"]: c["value"] for c in page.context.cookies()}
    ).text
    assert "已接班" in record


_TWO_PHONE_OFFICE = """
import asyncio, json, sys
from app.auth.tables import Staff
from app.db import close_pool, open_pool
from tests.api.roster.support import current_shift, following, publish
from tests.support import factories

async def main(tag):
    await open_pool()
    office = await factories.make_office("双机交接管理处" + tag)
    people = {}
    for key, role, name in (("out", "duty", "交班人"), ("in", "frontdesk", "接班人")):
        person = await factories.make_staff(office["id"], role, key + tag, password=sys.argv[2])
        await Staff.update({Staff.display_name: name + tag}).where(Staff.id == person["id"])
        people[key] = {"id": person["id"], "username": person["username"], "name": name + tag}
    now = current_shift()
    await publish(office["id"], [(*now, people["out"]["id"]), (*following(now), people["in"]["id"])])
    await close_pool()
    print(json.dumps(people))

asyncio.run(main(sys.argv[1]))
"""


def _two_phone_office() -> dict:
    """A fresh office whose roster names an outgoing now and an incoming next (the demo offices'
    shifts are handed over by the tests above; a shift is handed over once)."""
    import json
    import subprocess
    import sys
    import uuid

    from app.settings import ROOT

    tag = uuid.uuid4().hex[:5]
    done = subprocess.run(
        [sys.executable, "-c", _TWO_PHONE_OFFICE, tag, DEMO_PASSWORD],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def test_h7_on_two_phones_the_incoming_signs_offline_then_the_outgoing_countersigns(browser, live_server):
    """H7 "or on their own phones": the outgoing prepares on theirs; the incoming, on theirs and with
    no signal, recounts, accepts and signs with only their own PIN; synced, the outgoing is still on
    duty (D10) and their phone asks them to countersign; once they do, the incoming is on duty."""
    people = _two_phone_office()
    phones = [
        browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
        for _ in range(2)
    ]
    try:
        outgoing, incoming = (phone.new_page() for phone in phones)
        _open_desk(outgoing, people["out"]["username"])
        _prepare(outgoing, keys=1)
        outgoing.wait_for_function("document.body.dataset.pending === '0'")

        _open_desk(incoming, people["in"]["username"])
        phones[1].set_offline(True)
        incoming.wait_for_function("!navigator.onLine")
        takeover = incoming.locator("#takeover-form")
        _recount(incoming, keys=1)
        takeover.get_by_label("我已查阅本班值班记录和遗留事项").check()
        takeover.locator("#f-incoming").select_option(label=people["in"]["name"])
        takeover.locator("#f-secret-in").fill(DEMO_PASSWORD)  # the outgoing's PIN left empty: their own phone
        takeover.get_by_role("button", name="接班并签名").click()
        incoming.wait_for_function("document.getElementById('handover-notice').textContent.includes('自己的手机')")
        assert pending_count(incoming) == 1
        phones[1].set_offline(False)
        incoming.wait_for_function("document.body.dataset.pending === '0'", timeout=30_000)
        duty = _on_duty(live_server, phones[1].cookies())
        assert duty["on_duty"]["name"] == people["out"]["name"]  # not relieved until both have signed

        outgoing.reload()
        wait_ready(outgoing)
        countersign = outgoing.locator("#countersign")
        countersign.wait_for(state="visible")
        assert people["in"]["name"] in countersign.inner_text()
        shot(outgoing, "handover-countersign")
        countersign.locator("#f-countersign-secret").fill(DEMO_PASSWORD)
        countersign.get_by_role("button", name="以交班人身份签名").click()
        # Queued first (sealing the signature takes a moment), then sent: wait for both. Online, the
        # notice says "已签名" (the "on this phone … when there is signal" words only while it waits).
        outgoing.wait_for_function("document.getElementById('handover-notice').textContent.includes('签名：')")
        outgoing.wait_for_function("document.body.dataset.pending === '0'", timeout=30_000)
        duty = _on_duty(live_server, phones[0].cookies())
        assert duty["source"] == "handover" and duty["on_duty"]["name"] == people["in"]["name"]
        outgoing.locator("[data-on-duty-name]").filter(has_text=people["in"]["name"]).wait_for()
    finally:
        for phone in phones:
            phone.close()
