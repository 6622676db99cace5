"""Issue: offline core — installable, per-user page cache, sign-out warning, updates announced, warnings."""

from __future__ import annotations

import json
import tempfile
import uuid
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    free_port,
    pending_count,
    shot,
    sign_in,
    start_server,
    stop_server,
    wait_for_worker,
    wait_ready,
)
from tests.e2e.test_offline_duty_log import add_entry, open_duty_log

pytestmark = pytest.mark.e2e


def test_manifest_and_worker_make_the_app_installable(playwright_instance, live_server):
    manifest = httpx.get(f"{live_server}/manifest.webmanifest").json()
    assert manifest["name"] == "客服中心" and manifest["display"] == "standalone"
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert httpx.get(f"{live_server}{icon['src']}").headers["content-type"] == "image/png"
    # A normal (not incognito) profile, as on a phone: Chromium's own installability check.
    context = playwright_instance.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="kfzx-install-"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        base_url=live_server,
        **PHONE,
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_in(page, "duty_a")
        wait_for_worker(page)
        errors = context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
    finally:
        context.close()


def test_pages_cached_for_one_person_are_never_shown_to_another(page, context):
    secret = f"A的页面{uuid.uuid4().hex[:6]}"
    open_duty_log(page, "duty_a")
    add_entry(page, secret)
    page.wait_for_function("document.body.dataset.pending === '0'")
    page.reload()  # the cached copy now holds the entry
    wait_ready(page)
    caches_before = page.evaluate("caches.keys()")
    assert any(k.startswith("pages-") for k in caches_before)

    page.goto("/profile")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login")
    assert not any(k.startswith("pages-") for k in page.evaluate("caches.keys()"))

    sign_in(page, "duty_b")  # another person, another office, same phone
    wait_for_worker(page)
    context.set_offline(True)
    page.goto("/duty-log")
    assert secret not in page.content()
    context.set_offline(False)


def test_sign_out_warns_when_changes_have_not_synced(page, context):
    open_duty_log(page, "frontdesk_a")
    context.set_offline(True)
    add_entry(page, f"未同步{uuid.uuid4().hex[:6]}")
    assert pending_count(page) == 1
    page.goto("/profile")
    wait_ready(page)
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_timeout(300)
    assert messages and "1" in messages[0]
    assert "/profile" in page.url  # still signed in
    context.set_offline(False)
    page.wait_for_function("document.body.dataset.pending === '0'")


def test_stale_changes_and_refused_storage_are_shown(page, context):
    sign_in(page, "duty_a")
    # Persistent storage is asked for on the first page after sign-in (once a session, not on every
    # page); headless Chromium refuses it, and the person is told.
    if page.evaluate("navigator.storage.persisted()"):
        expect(page.locator("#persist-banner")).to_have_count(0)
    else:
        expect(page.locator("#persist-banner")).to_contain_text("清除离线数据")
    wait_for_worker(page)
    page.goto("/duty-log")
    wait_ready(page)
    context.set_offline(True)
    add_entry(page, f"很久以前{uuid.uuid4().hex[:6]}")
    # Make the pending change 25 hours old, as if the phone had been in a basement since yesterday.
    page.evaluate(
        """() => new Promise((resolve, reject) => {
          const open = indexedDB.open("kfzx");
          open.onsuccess = () => {
            const tx = open.result.transaction("outbox", "readwrite");
            const store = tx.objectStore("outbox");
            store.getAll().onsuccess = (e) => {
              for (const row of e.target.result) store.put({ ...row, created_at: Date.now() - 25 * 3600 * 1000 });
            };
            tx.oncomplete = resolve; tx.onerror = reject;
          };
        })"""
    )
    page.reload()
    wait_ready(page)
    assert "24 小时" in page.locator("#stale-banner").inner_text()
    shot(page, "duty-log-stale-warning")
    context.set_offline(False)
    page.wait_for_function("document.body.dataset.pending === '0'")


def test_a_new_version_is_announced_and_applied_only_on_reload(browser, demo_data):
    port = free_port()
    server = start_server(port, APP_BUILD_ID="v1")
    context = browser.new_context(**PHONE, base_url=f"http://127.0.0.1:{port}")
    try:
        page = context.new_page()
        sign_in(page, "duty_a")
        wait_for_worker(page)
        old_caches = page.evaluate("caches.keys()")
        stop_server(server)
        server = start_server(port, APP_BUILD_ID="v2")
        page.reload()
        wait_ready(page)
        banner = page.locator("#update-banner")
        banner.wait_for(timeout=20_000)
        assert "新版本" in banner.inner_text()
        shot(page, "update-available")
        # The page keeps running the old version until the person chooses to reload.
        assert page.evaluate("navigator.serviceWorker.getRegistration().then(r => !!r.waiting)")
        with page.expect_navigation():
            banner.get_by_role("button").click()
        wait_ready(page)
        page.wait_for_function("navigator.serviceWorker.getRegistration().then(r => !r.waiting)")
        new_caches = page.evaluate("caches.keys()")
        old_shell = [k for k in old_caches if k.startswith("shell-")]
        new_shell = [k for k in new_caches if k.startswith("shell-")]
        assert len(new_shell) == 1 and new_shell != old_shell, json.dumps([old_caches, new_caches])
    finally:
        context.close()
        stop_server(server)


def test_the_duty_log_prints_like_the_paper_form(page):
    open_duty_log(page, "duty_a")
    page.emulate_media(media="print")
    assert page.locator(".tabbar").is_hidden()
    assert page.locator("#duty-log-form").is_hidden()
    assert page.locator(".print-header").is_visible()
    shot(page, "duty-log-print")


def test_an_outdated_csrf_token_is_renewed_and_nothing_is_lost(page, context, live_server):
    """A page from the cache may carry an older CSRF token than the cookie: the outbox asks for a
    fresh one once and sends; nothing is lost."""
    open_duty_log(page, "duty_a")
    page.evaluate(
        """() => new Promise((resolve) => {
          const open = indexedDB.open("kfzx");
          open.onsuccess = () => {
            const tx = open.result.transaction("meta", "readwrite");
            tx.objectStore("meta").put({ key: "csrf", value: "stale-token" });
            tx.oncomplete = resolve;
          };
        })"""
    )
    page.evaluate("document.querySelector('meta[name=csrf-token]').content = 'stale-token'")
    text = f"旧令牌{uuid.uuid4().hex[:6]}"
    add_entry(page, text)
    page.wait_for_function("document.body.dataset.pending === '0'")
    jar = {c["name"]: c["value"] for c in context.cookies()}
    assert httpx.get(f"{live_server}/duty-log", cookies=jar).text.count(text) == 1


def test_a_page_never_opened_shows_the_offline_page_with_a_way_back(page, context):
    """DESIGN "Offline model" 1 (reads): offline, a page never opened on this phone gets the precached
    offline page, which says why and leads back; online again, the real page loads."""
    never_opened = "/handover/records?status=refused"
    sign_in(page, "duty_a")
    wait_for_worker(page)
    page.reload()  # through the worker, so today's page is on the phone for the way back
    wait_ready(page)
    context.set_offline(True)
    page.goto(never_opened)
    expect(page.locator("h1")).to_have_text("无信号")
    expect(page.get_by_text("此页面未在联网时打开过，本机上没有保存。")).to_be_visible()
    shot(page, "offline-page-never-opened")
    back = page.get_by_role("link", name="返回今日")
    expect(back).to_have_attribute("href", "/")
    back.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    expect(page.locator("h1")).to_contain_text("今日")  # this person's cached page of today
    expect(page.locator(".tabbar")).to_be_visible()
    context.set_offline(False)
    page.goto(never_opened)
    expect(page.locator("h1")).to_have_text("交接班记录")
