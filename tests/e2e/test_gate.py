"""Release slips, passes and visitors in Chromium at 390×844 (SPEC R1, V1, V2): a resident's sofa goes out
on a slip issued at the desk (not a resident: the owner's call recorded) and released at the gate with no
signal — exactly once; an expired pass refused at the gate offline; a visitor in and out offline."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, pending_count, sign_in, wait_for_worker, wait_ready

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots/slips")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_synced(page: Page, timeout: int = 30_000) -> None:
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=timeout)


def server_html(base_url: str, cookies: list, path: str) -> str:
    return httpx.get(f"{base_url}{path}", cookies={c["name"]: c["value"] for c in cookies}).text


def desk_context(browser, live_server):
    return browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)


def issue_slip_at_the_desk(browser, live_server, tag: str) -> tuple[str, str]:
    """The front desk: unit 2-102 found in the register, a mover (not a resident) takes a sofa out; the
    owner confirmed by phone. Returns the slip's id and number."""
    desk = desk_context(browser, live_server)
    try:
        page = desk.new_page()
        sign_in(page, "frontdesk_a")
        page.goto("/slips/new?q=2-102")
        page.locator("#unit-results a", has_text="2-102").first.click()
        page.wait_for_url(re.compile(r"/slips/new\?unit_id=\d+$"))
        wait_ready(page)
        expect(page.locator("#fee-status")).to_be_visible()
        page.get_by_label("其他人（非登记住户）").check()
        page.get_by_label("姓名（非登记住户）").fill(f"搬家公司刘师傅{tag}")
        page.get_by_label("证件号后 4 位").fill("5678")
        page.locator("#f-goods-item-0").fill("沙发")
        page.locator("#f-goods-quantity-0").fill("1")
        page.locator("#f-goods-item-1").fill("纸箱")
        page.locator("#f-goods-quantity-1").fill("4")
        page.get_by_label("确认人").fill("业主王芳")
        page.get_by_label("拨打号码").fill("13800138015")
        page.get_by_label("通话时间").fill("09:30")
        shot(page, "desk-form")
        page.get_by_role("button", name="开具放行条").click()
        page.wait_for_url(re.compile(r"/slips/[0-9a-f-]{36}$"))
        slip_id = page.url.rsplit("/", 1)[1]
        number = re.search(r"R\d{4}", page.locator("h1").inner_text()).group(0)
        assert "业主王芳" in page.locator("#confirmation").inner_text()
        page.goto(f"/slips/{slip_id}/print")
        wait_ready(page)
        assert page.locator(".slips-copy").count() == 2 and page.locator(".slips-copy svg").count() == 2
        shot(page, "print-view")
        page.emulate_media(media="print")
        assert page.locator(".tabbar").is_hidden()
        shot(page, "print-view-as-printed")
        return slip_id, number
    finally:
        desk.close()


def open_gate(page: Page) -> None:
    sign_in(page, "patrol_a")
    wait_for_worker(page)
    page.goto("/gate")
    wait_ready(page)
    expect(page.locator("#gate-status")).to_contain_text("数据更新于")


def go_offline(page: Page, context) -> None:
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    page.reload()  # from the phone's cache, the gate data from IndexedDB
    wait_ready(page)
    expect(page.locator("#gate-status")).to_contain_text("数据更新于")


def check(page: Page, number: str) -> None:
    page.locator("#gate-number").fill(number)
    page.get_by_role("button", name="查验").click()


def come_back(page: Page, context) -> None:
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_synced(page)


def test_a_slip_issued_at_the_desk_is_released_at_the_gate_offline_exactly_once(browser, page, context, live_server):
    """R1: the gate phone loads the gate once with signal, goes offline, releases the slip (goods
    ticked), refuses it a second time; back online the release lands once."""
    tag = uuid.uuid4().hex[:6]
    slip_id, number = issue_slip_at_the_desk(browser, live_server, tag)
    open_gate(page)
    go_offline(page, context)
    check(page, number.lower())  # typed in lower case: found all the same
    card = page.locator("#gate-result .gate-card")
    expect(card).to_have_attribute("data-state", "open")
    assert "沙发 × 1" in card.inner_text() and "非登记住户" in card.inner_text()
    release = page.get_by_role("button", name="放行", exact=True)
    expect(release).to_be_disabled()  # not before every item is ticked
    for box in card.locator("input[type=checkbox]").all():
        box.check()
    release.click()
    expect(card).to_have_attribute("data-state", "refused")
    assert pending_count(page) == 1
    check(page, number)
    expect(page.locator("#gate-result .gate-verdict")).to_contain_text("本机已于")
    shot(page, "gate-released-offline")
    come_back(page, context)
    cookies = context.cookies()
    slip = server_html(live_server, cookies, f"/slips/{slip_id}")
    assert 'id="released"' in slip and slip.count("巡查员A") == 1 and 'id="double-release"' not in slip
    page.reload()
    wait_ready(page)
    check(page, number)
    expect(page.locator("#gate-result .gate-verdict")).to_contain_text("已于")
    assert "巡查员A" in page.locator("#gate-result").inner_text()
    shot(page, "gate-page")


def test_an_expired_pass_is_refused_at_the_gate_offline(browser, page, context, live_server):
    """V2: a contractor's pass that ended yesterday is refused at the gate with no signal; a valid one is let in."""
    tag = uuid.uuid4().hex[:6]
    desk = desk_context(browser, live_server)
    try:
        form = desk.new_page()
        sign_in(form, "frontdesk_a")
        form.goto("/passes/new")
        wait_ready(form)
        form.get_by_label("姓名").fill(f"周师傅{tag}")
        form.get_by_label("证件号后 4 位").fill("402X")
        form.get_by_label("工种").select_option("electrician")
        form.get_by_role("button", name="发放出入证").click()
        expect(form.locator("#e-certificate_no")).to_be_visible()  # an electrician needs his certificate
        form.get_by_label("上岗证编号（电工、水工、燃气工）").fill("T1234567")
        form.get_by_label("有效期自").fill((date.today() - timedelta(days=10)).isoformat())
        form.get_by_label("有效期至（含当天）").fill((date.today() - timedelta(days=1)).isoformat())
        form.get_by_role("button", name="发放出入证").click()
        form.wait_for_url(re.compile(r"/passes/[0-9a-f-]{36}$"))
        number = re.search(r"P\d{4}", form.locator("h1").inner_text()).group(0)
        expect(form.locator("#pass-state")).to_have_text("已过期")
        shot(form, "pass-printable")
    finally:
        desk.close()
    open_gate(page)
    go_offline(page, context)
    check(page, number)
    expect(page.locator("#gate-result .gate-card")).to_have_attribute("data-state", "refused")
    expect(page.locator("#gate-result .gate-verdict")).to_contain_text("已于")
    expect(page.locator("#gate-result .gate-verdict")).to_contain_text("到期")
    shot(page, "gate-pass-expired-offline")
    check(page, "P0001")  # the demo's decorator, valid for a month
    expect(page.locator("#gate-result .gate-card")).to_have_attribute("data-state", "valid")
    check(page, "P9999")
    expect(page.locator("#gate-result .gate-refused")).to_contain_text("本机没有")
    context.set_offline(False)


def test_a_visitor_in_and_out_is_recorded_offline(page, context, live_server):
    """V1: the gate phone records a visitor in and out with no signal; both land once."""
    tag = uuid.uuid4().hex[:6]
    open_gate(page)
    go_offline(page, context)
    visit = page.locator("#gate-visit")
    visit.get_by_label("访客姓名").fill(f"快递员{tag}")
    visit.get_by_label("证件号后 4 位").fill("0012")
    visit.get_by_label("来访事由").fill("送货上门")
    visit.get_by_label("房号（如 3-402）").fill("1-101")
    visit.get_by_role("button", name="登记进入").click()
    row = page.locator("#gate-visits li", has_text=f"快递员{tag}")
    expect(row).to_be_visible()
    assert pending_count(page) == 1
    shot(page, "gate-visitor-in-offline")
    row.get_by_role("button", name="已离开").click()
    expect(row).to_have_count(0)
    assert pending_count(page) == 2
    come_back(page, context)
    log = server_html(live_server, context.cookies(), "/visitors")
    assert log.count(f"快递员{tag}") == 1
    entry = log.split(f"快递员{tag}")[1].split("</li>")[0]
    assert "已离开" in entry
    page.goto("/visitors")
    wait_ready(page)
    shot(page, "visitors-log")


def test_a_slip_released_on_two_offline_phones_is_flagged_to_the_supervisor(browser, page, context, live_server):
    """R1: two gate phones, both offline, release the same slip; after sync it is released once, the
    second release shown on the slip and raised to the supervisor."""
    tag = uuid.uuid4().hex[:6]
    slip_id, number = issue_slip_at_the_desk(browser, live_server, tag)
    other = desk_context(browser, live_server)
    try:
        second = other.new_page()
        phones = [(page, context, "patrol_a"), (second, other, "duty_a")]
        for phone, ctx, username in phones:
            sign_in(phone, username)
            wait_for_worker(phone)
            phone.goto("/gate")
            wait_ready(phone)
            expect(phone.locator("#gate-status")).to_contain_text("数据更新于")
            go_offline(phone, ctx)
        for phone, _ctx, _username in phones:
            check(phone, number)
            card = phone.locator("#gate-result .gate-card")
            for box in card.locator("input[type=checkbox]").all():
                box.check()
            phone.get_by_role("button", name="放行", exact=True).click()
            expect(card).to_have_attribute("data-state", "refused")
        for phone, ctx, _username in phones:
            come_back(phone, ctx)
    finally:
        other.close()
    desk = desk_context(browser, live_server)
    try:
        boss = desk.new_page()
        sign_in(boss, "super_a")
        boss.goto(f"/slips/{slip_id}")
        expect(boss.locator("#double-release")).to_contain_text("重复放行")
        assert boss.locator("#released").count() == 1
        shot(boss, "slip-released-twice")
        boss.goto("/alerts")
        expect(boss.locator("main")).to_contain_text(f"放行条 {number} 被放行两次")
    finally:
        desk.close()
