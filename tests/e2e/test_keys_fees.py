"""Keys (K2), fee status ($1) and dunning ($2) in Chromium at 390×844: the front desk adds a key and imports
the finance export; the duty officer lends the key and records a dunning visit with no signal; each lands once."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import PHONE, pending_count, shot, sign_in, wait_for_worker, wait_ready

pytestmark = pytest.mark.e2e


def wait_synced(page: Page, timeout: int = 30_000) -> None:
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=timeout)


def server_html(base_url: str, cookies: list, path: str) -> str:
    return httpx.get(f"{base_url}{path}", cookies={c["name"]: c["value"] for c in cookies}).text


def add_key_and_import_fees(browser, live_server, tag: str) -> tuple[int, int]:
    """The front desk: a public-area key in the register, and an arrears row for 3栋 3-502 imported."""
    desk = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
    try:
        page = desk.new_page()
        sign_in(page, "frontdesk_a")
        page.goto("/keys/new")
        page.get_by_label("钥匙牌编号").fill(f"P-{tag}")
        page.get_by_label("钥匙名称").fill(f"水泵房{tag}")
        page.get_by_label("存放位置（钥匙柜、挂钩）").fill("1号钥匙柜 A-3")
        page.locator("form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/keys/\d+$"))
        key_id = int(page.url.rsplit("/", 1)[1])
        page.goto("/fees/import")
        csv = f"楼栋,房号,欠费月数,欠费金额,截止日期\n3栋,3-502,4,1680.00,{date.today().isoformat()}\n"
        page.locator("#f-file").set_input_files(
            {"name": "欠费.csv", "mimeType": "text/csv", "buffer": csv.encode("gb18030")}
        )
        page.get_by_role("button", name="预览").click()
        page.locator("#preview").wait_for()
        shot(page, "fees-import-preview")
        page.get_by_role("button", name="确认导入").click()
        page.wait_for_url(re.compile(r"/fees\?imported="))
        link = page.locator("#dunning-list a", has_text="3栋 3-502")
        unit_id = int(link.get_attribute("href").rsplit("/", 1)[1])
        assert "¥1,680.00" in page.locator("#dunning-list").inner_text()
        shot(page, "fees-dunning-list")
        return key_id, unit_id
    finally:
        desk.close()


def test_a_key_lent_and_a_dunning_visit_recorded_offline_each_land_once(browser, page, context, live_server):
    tag = uuid.uuid4().hex[:6]
    key_id, unit_id = add_key_and_import_fees(browser, live_server, tag)
    sign_in(page, "duty_a")
    wait_for_worker(page)
    page.goto("/keys")  # online: the register names every key page to keep for offline
    wait_ready(page)
    page.goto(f"/keys/{key_id}")
    wait_ready(page)
    page.goto("/fees")
    wait_ready(page)
    page.goto(f"/fees/units/{unit_id}")
    wait_ready(page)

    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    page.goto(f"/keys/{key_id}")  # from the phone's cache
    wait_ready(page)
    page.get_by_label("借用事由").fill(f"更换水泵密封圈{tag}")
    page.get_by_label("或借用人姓名").fill("王师傅")
    page.get_by_label("借用人手机尾号（4 位）").fill("1234")
    page.get_by_role("button", name="借出钥匙").click()
    page.locator("#pending-keys li.pending-item").wait_for()
    assert pending_count(page) == 1
    shot(page, "keys-lent-offline")

    page.goto(f"/fees/units/{unit_id}")
    wait_ready(page)
    page.get_by_label("方式").select_option("visit")
    page.get_by_label("结果").select_option("promised")
    page.get_by_label("承诺缴费日期").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_label("沟通情况").fill(f"上门表明身份和来意，业主称月底缴清{tag}")
    page.get_by_role("button", name="登记催收").click()
    page.locator("#pending-dunning li.pending-item").wait_for()
    assert pending_count(page) == 2
    shot(page, "dunning-recorded-offline")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    try:
        wait_synced(page)
    except Exception:
        page.goto("/outbox")
        wait_ready(page)
        shot(page, "keys-fees-outbox-on-failure")
        raise AssertionError(page.locator("main").inner_text()) from None
    cookies = context.cookies()
    register = server_html(live_server, cookies, "/keys")
    assert register.count(f"更换水泵密封圈{tag}") == 1  # in the keys-out list, once
    assert "王师傅" in server_html(live_server, cookies, f"/keys/{key_id}")
    history = server_html(live_server, cookies, f"/fees/units/{unit_id}")
    assert history.count(f"业主称月底缴清{tag}") == 1
    page.goto(f"/keys/{key_id}")
    wait_ready(page)
    assert "记录归还" in page.locator("#key-state").inner_text()
    shot(page, "keys-out-synced")
    page.goto("/")
    wait_ready(page)
    assert f"水泵房{tag}" in page.locator("main").inner_text()  # the home page lists the keys out
    shot(page, "home-keys-out")
    page.goto(f"/keys/{key_id}")
    wait_ready(page)

    # Back on its hook, again with no signal: the return is queued and lands once.
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    page.reload()
    wait_ready(page)
    page.get_by_label("归还备注（选填）").fill(f"完好{tag}")
    page.get_by_role("button", name="记录归还").click()
    page.locator("#pending-keys li.pending-item").wait_for()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_synced(page)
    key_page = server_html(live_server, context.cookies(), f"/keys/{key_id}")
    assert key_page.count(f"完好{tag}") == 1 and "在原处" in key_page
