"""Issue: offline core, proved with the duty log (DESIGN "Offline model"; SPEC D5) — in Chromium at 390×844."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import subprocess
import sys
import tempfile
import time
import uuid

import httpx
import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.settings import ROOT
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, pending_count, shot, sign_in, wait_for_worker, wait_ready

pytestmark = pytest.mark.e2e


def open_duty_log(page: Page, username: str = "duty_a") -> None:
    """Sign in and open the duty log online, with the service worker in control (so it is cached)."""
    sign_in(page, username)
    wait_for_worker(page)
    page.goto("/duty-log")
    wait_ready(page)


def add_entry(page: Page, text: str, category: str = "inquiry") -> None:
    page.locator("#f-category").select_option(category)
    page.locator("#f-text").fill(text)
    page.get_by_role("button", name="记入值班记录").click()
    page.wait_for_function(
        "text => [...document.querySelectorAll('#pending-entries li, #entries li')]"
        ".some(li => li.textContent.includes(text))",
        arg=text,
    )


def server_count(base_url: str, cookies: list, text: str) -> int:
    """How many times `text` appears in the office's duty log, as the server renders it (online)."""
    jar = {c["name"]: c["value"] for c in cookies}
    html = httpx.get(f"{base_url}/duty-log", cookies=jar, headers={"hx-request": "true"}).text
    return html.count(text)


_ARRIVAL_ORDER = """
import asyncio, json, sys
from app.db import close_pool, open_pool
from app.duty.tables import DutyLogEntry

async def main():
    await open_pool()
    query = DutyLogEntry.select(DutyLogEntry.text).where(DutyLogEntry.text.like("%" + sys.argv[1] + "%"))
    rows = await query.order_by(DutyLogEntry.seq)
    await close_pool()
    print(json.dumps([r["text"] for r in rows]))

asyncio.run(main())
"""


def arrival_order(tag: str) -> list[str]:
    """The entries containing `tag` in the order of the office's chain (`seq`), read from the database
    the server uses (a separate process: this thread's event loop belongs to Playwright)."""
    done = subprocess.run(
        [sys.executable, "-c", _ARRIVAL_ORDER, tag], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def wait_synced(page: Page, timeout: int = 30_000) -> None:
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=timeout)


def test_offline_write_survives_reload_and_applies_once_in_order(page, context, live_server):
    """Test 1: three entries offline, reload offline (still pending), online → each applied once, in order."""
    open_duty_log(page)
    tag = uuid.uuid4().hex[:6]
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    texts = [f"离线记录{tag}-{i}" for i in range(3)]
    for text in texts:
        add_entry(page, text)
    assert pending_count(page) == 3
    assert page.locator("#net").inner_text() == "离线"
    page.reload()
    wait_ready(page)
    pending = page.locator("#pending-entries li")
    assert [pending.nth(i).locator(".entry-text").inner_text() for i in range(3)] == texts
    assert page.locator("#pending-count").inner_text() == "3"
    shot(page, "duty-log-offline-pending")

    context.set_offline(False)
    wait_synced(page)
    for text in texts:
        page.locator("#entries").get_by_text(text).wait_for()
    assert arrival_order(tag) == texts, "applied once each, in the order they were written"
    html = httpx.get(f"{live_server}/duty-log", cookies={c["name"]: c["value"] for c in context.cookies()}).text
    assert all(html.count(text) == 1 for text in texts)
    assert page.locator("#pending-count").is_hidden()
    shot(page, "duty-log-synced")


def test_flaky_server_backs_off_then_succeeds_without_duplicates(page, context, live_server):
    """Test 3: the sync endpoint answers 500, then drops the connection, then 503, then works; the
    client waits before each retry (backs off, no tight loop) and nothing is applied twice."""
    open_duty_log(page)
    failures = {"count": 0}
    attempts: list[float] = []

    def flaky(route):
        attempts.append(time.monotonic())
        failures["count"] += 1
        if failures["count"] == 1:
            route.fulfill(status=500, body="boom")
        elif failures["count"] == 2:
            route.abort("connectionreset")
        elif failures["count"] == 3:
            route.fulfill(status=503, body="busy")
        else:
            route.continue_()

    context.route("**/api/sync", flaky)  # the worker's own requests (Background Sync) too
    text = f"不稳定网络{uuid.uuid4().hex[:6]}"
    add_entry(page, text)
    wait_synced(page, timeout=30_000)
    assert failures["count"] >= 4
    # One backoff for the phone (pages and the worker's Background Sync share it): about 1 s, 2 s, 4 s.
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts[:4])]
    assert gaps[0] >= 0.7 and gaps[1] >= 1.4 and gaps[2] >= 2.8, gaps
    assert server_count(live_server, context.cookies(), text) == 1


def test_rejected_change_stays_with_the_reason_then_edit_and_resend(page, context, live_server):
    """Test 4: a refused change stays in the outbox with the server's message; edit + resend works;
    discarding asks for confirmation."""
    open_duty_log(page)
    tag = uuid.uuid4().hex[:6]
    # A unit that is not in this office: the server refuses it (the form only offers the office's units).
    page.evaluate("document.querySelector('#f-unit_id').options[1].value = '987654321'")
    page.locator("#f-unit_id").select_option(index=1)
    add_entry(page, f"会被拒绝{tag}")
    page.wait_for_selector("#pending-entries li.is-rejected")
    assert "不属于本管理处" in page.locator("#pending-entries li.is-rejected .error").inner_text()

    page.goto("/outbox")
    wait_ready(page)
    item = page.locator("#outbox-list li.is-rejected")
    assert item.count() == 1
    assert "不属于本管理处" in item.locator(".error").inner_text()
    assert "值班记录" in item.locator(".entry-head").inner_text()  # what it is, not its type code
    assert "duty_log.append" not in item.inner_text()
    shot(page, "outbox-rejected")
    item.get_by_role("button", name="编辑").click()
    # The refused change comes back with the fields of the form it was made in.
    page.locator("#outbox-list").get_by_label("房号（选填）").select_option("")
    page.locator("#outbox-list").get_by_label("事情经过").fill(f"改正后重发{tag}")
    page.locator("#outbox-list form button[type=submit]").click()
    wait_synced(page)
    assert server_count(live_server, context.cookies(), f"改正后重发{tag}") == 1

    # Another refused one: dismissing the confirmation keeps it; accepting discards it.
    page.goto("/duty-log")
    wait_ready(page)
    page.evaluate("document.querySelector('#f-unit_id').options[1].value = '987654321'")
    page.locator("#f-unit_id").select_option(index=1)
    add_entry(page, f"将被丢弃{tag}")
    page.wait_for_selector("#pending-entries li.is-rejected")
    page.goto("/outbox")
    wait_ready(page)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#outbox-list li.is-rejected").get_by_role("button", name="丢弃").click()
    page.wait_for_timeout(300)
    assert page.locator("#outbox-list li.is-rejected").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#outbox-list li.is-rejected").get_by_role("button", name="丢弃").click()
    page.locator("#outbox-list li.is-rejected").wait_for(state="detached")
    assert server_count(live_server, context.cookies(), f"将被丢弃{tag}") == 0


def test_two_phones_offline_in_the_same_office_both_sync_and_the_chain_verifies(browser, live_server):
    """Test 5: two devices write to one office's log while offline; both sets appear; the chain verifies."""
    phones = [browser.new_context(**PHONE, base_url=live_server) for _ in range(2)]
    try:
        pages = [phone.new_page() for phone in phones]
        for page, username in zip(pages, ["duty_a", "frontdesk_a"], strict=True):
            open_duty_log(page, username)
        tag = uuid.uuid4().hex[:6]
        for n, (phone, page) in enumerate(zip(phones, pages, strict=True)):
            phone.set_offline(True)
            for i in range(3):
                add_entry(page, f"手机{n}-{tag}-{i}")
        for phone in phones:  # signal returns to both at once: their replays meet on one chain
            phone.set_offline(False)
        for page in pages:
            wait_synced(page)
        for n in range(2):
            for i in range(3):
                assert server_count(live_server, phones[0].cookies(), f"手机{n}-{tag}-{i}") == 1
        office_id = re.search(r"office=(\d+)", pages[0].get_attribute("#entries", "hx-get")).group(1)
    finally:
        for phone in phones:
            phone.close()
    # Only this office: other tests tamper with their own offices' chains on purpose.
    result = subprocess.run(
        [sys.executable, "-m", "app", "verify-duty-log", "--office", office_id],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_closing_the_browser_mid_replay_loses_nothing_and_applies_nothing_twice(playwright_instance, live_server):
    """Test 2: entries pending; the browser is closed while a replay is in flight (the server applied
    the batch, the answer never arrived); a new browser on the same profile resends: nothing lost or doubled."""
    profile = tempfile.mkdtemp(prefix="kfzx-profile-")

    def launch():
        return playwright_instance.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=live_server, **PHONE
        )

    tag = uuid.uuid4().hex[:6]
    texts = [f"崩溃前{tag}-{i}" for i in range(3)]
    context = launch()
    page = context.pages[0] if context.pages else context.new_page()
    open_duty_log(page)
    context.set_offline(True)
    for text in texts:
        add_entry(page, text)
    state = {"forwarded": False}

    def forward_then_hang(route):
        route.fetch()  # the server applies the batch…
        state["forwarded"] = True  # …and the answer is never delivered

    context.route("**/api/sync", forward_then_hang)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(200):
        if state["forwarded"]:
            break
        page.wait_for_timeout(50)
    assert state["forwarded"]
    cookies = context.cookies()
    context.close()  # crash in the middle of the replay

    assert all(server_count(live_server, cookies, text) == 1 for text in texts)
    context = launch()
    answers: list[str] = []

    def record(route):
        response = route.fetch()
        # A 403 may come first: the browser restart dropped the CSRF session cookie, and the outbox
        # renews its token and sends again (see outbox.js refreshToken).
        if response.status == 200:
            answers.extend(r["status"] for r in response.json()["results"])
        route.fulfill(response=response)

    context.route("**/api/sync", record)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/duty-log")
        wait_ready(page)
        wait_synced(page)
        # The outbox survived the crash and was sent again; the server knew every id already.
        assert answers == ["duplicate"] * 3
        assert all(server_count(live_server, context.cookies(), text) == 1 for text in texts)
    finally:
        context.close()


_CACHED_PAGE_HAS = """async text => {
  for (const key of await caches.keys()) {
    if (!key.startsWith("pages-")) continue;
    const response = await (await caches.open(key)).match(location.pathname + location.search);
    if (response && (await response.text()).includes(text)) return true;
  }
  return false;
}"""


def test_offline_reload_shows_the_days_synced_entries_and_what_a_pending_one_is(page, context, live_server):
    """D5 offline (issue 15, words staff understand): the duty log reloaded offline shows the entries
    synced earlier that day (the page's offline copy is refreshed after each sync), and a pending entry
    shows its category, its escalation and the entry it corrects; back online it is applied once."""
    open_duty_log(page)
    tag = uuid.uuid4().hex[:6]
    first, second, third = f"已同步{tag}-1", f"已同步{tag}-2", f"离线更正{tag}"
    for text in (first, second):
        add_entry(page, text)
        wait_synced(page)
        page.locator("#entries").get_by_text(text).wait_for()
    original = page.locator("#entries li.entry", has_text=first)
    seq = re.search(r"#(\d+)", original.locator(".entry-head .muted").inner_text()).group(1)
    # The phone keeps the page as it is after the syncs (a network request: give it a moment).
    with contextlib.suppress(PlaywrightTimeout):  # the assertions below say what is missing
        page.wait_for_function(_CACHED_PAGE_HAS, arg=second, timeout=10_000)

    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    original.locator("[data-correct]").click()
    page.locator("#f-escalation").select_option("major")
    add_entry(page, third, category="emergency")
    assert pending_count(page) == 1
    page.reload()
    wait_ready(page)
    entries = page.locator("#entries")
    assert entries.get_by_text(first).count() == 1 and entries.get_by_text(second).count() == 1, (
        "the entries synced earlier today are shown offline"
    )
    pending = page.locator("#pending-entries li", has_text=third)
    words = pending.inner_text()
    assert "紧急事件" in words, words  # its category
    assert "重大：立即上报管理处经理" in words, words  # its escalation
    assert f"更正 #{seq}" in words, words  # the entry it corrects
    shot(page, "duty-log-offline-reload-pending-correction")

    context.set_offline(False)
    wait_synced(page)
    page.locator("#entries").get_by_text(third).wait_for()
    assert server_count(live_server, context.cookies(), third) == 1
