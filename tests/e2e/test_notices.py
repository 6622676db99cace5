"""Notices (N1) and the owner survey (N2) in Chromium at 390×844: the supervisor fills in the National
Day notice, publishes it and opens its A4 print view; a resident reads it on the public page, then again
with no signal from the phone's cache; an owner answers the survey through the link of its QR code."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import PHONE, sign_in

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots/notices")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_public_cached(page: Page, path: str, timeout: float = 30.0) -> None:
    """Until the service worker keeps `path` in its public cache (polled with evaluate: CSP-safe)."""
    deadline = time.monotonic() + timeout
    probe = "async (p) => !!(await (await caches.open('public-pages')).match(p))"
    while not page.evaluate(probe, path):
        assert time.monotonic() < deadline, "the public page was never cached"
        time.sleep(0.2)


def test_the_national_day_notice_published_printed_and_read_offline(browser, page, live_server):
    tag = uuid.uuid4().hex[:4]
    sign_in(page, "super_a")
    assert "宣传栏下次更换" in page.locator("main").inner_text()  # the home section: the board's next change
    shot(page, "00-home-board-section")
    page.goto("/notices")
    shot(page, "01-notices-index")
    page.get_by_role("link", name="节假日上班时间").click()
    page.wait_for_url(re.compile(r"/notices/new\?kind=holiday"))
    page.get_by_label("标题").fill(f"“十一”国庆节假期温馨提示 {tag}")
    page.get_by_label("开始日期").fill("2026-10-01")
    page.get_by_label("结束日期").fill("2026-10-04")
    page.get_by_label("客户服务中心电话").fill("0760-88886666")
    assert "关闭好煤气阀门" in page.get_by_label("提示事项（每行一条）").input_value()
    shot(page, "02-notice-form")
    page.get_by_role("button", name="发布").click()
    page.wait_for_url(re.compile(r"/notices/[0-9a-f-]{36}$"))
    assert f"国庆节假期温馨提示 {tag}" in page.locator("main").inner_text()
    page.get_by_role("link", name="打印（A4）").click()
    page.wait_for_url(re.compile(r"/print$"))
    page.emulate_media(media="print")
    sheet = page.locator(".ntc-sheet").inner_text()
    assert "关闭好所有水阀" in sheet and "2026.10.01 — 2026.10.04" in sheet and "08:30-12:00" in sheet
    assert not page.locator(".tabbar").is_visible()
    shot(page, "03-notice-print")
    page.emulate_media(media="screen")
    page.goto("/notices")
    public_path = page.locator("#ntc-public-link").get_attribute("href")

    resident = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
    try:
        phone = resident.new_page()
        phone.goto(public_path)
        assert f"国庆节假期温馨提示 {tag}" in phone.locator("main").inner_text()
        assert "sid" not in {c["name"] for c in resident.cookies()}  # no staff session, ever
        wait_public_cached(phone, public_path)
        shot(phone, "04-public-page")
        resident.set_offline(True)
        phone.reload()
        text = phone.locator("main").inner_text()
        assert f"国庆节假期温馨提示 {tag}" in text and "关闭好煤气阀门" in text
        assert phone.locator("#pub-offline-note").is_visible()
        shot(phone, "05-public-page-offline")
        resident.set_offline(False)
    finally:
        resident.close()


def test_a_survey_answered_through_its_qr_page_link(browser, page, live_server):
    sign_in(page, "super_a")
    page.goto("/surveys")
    page.locator("main a[href^='/surveys/']").first.click()
    page.wait_for_url(re.compile(r"/surveys/\d+$"))
    before = page.locator("#svy-rate").inner_text()
    shot(page, "06-survey-results-before")
    page.get_by_role("link", name="打印征询表（二维码）").click()
    page.wait_for_url(re.compile(r"/print$"))
    letter = page.locator(".svy-letter").first
    assert letter.locator("svg").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    letter.screenshot(path=str(SHOTS / "07-survey-letter.png"))  # one of the unit letters
    link = letter.locator("a.svy-link").get_attribute("href")
    survey_url = page.url.removesuffix("/print")

    owner = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
    try:
        phone = owner.new_page()
        phone.goto(link)
        assert "翠湖花园管理处" in phone.locator(".topbar").inner_text()
        for n, legend in enumerate(["客户服务中心", "维修", "保洁", "绿化", "秩序维护"]):
            fieldset = phone.locator("fieldset.svy-q").nth(n)
            assert legend in fieldset.locator("legend").inner_text()
            fieldset.get_by_label(str(5 - n % 2)).check()
        phone.get_by_label("您的意见和建议（可不填）").fill("电梯维修很及时。")
        shot(phone, "08-survey-answer-page")
        phone.get_by_role("button", name="提交").click()
        phone.get_by_text("您的意见已收到").wait_for()
        shot(phone, "09-survey-thanks")
        phone.goto(link)
        assert "已经填写过了" in phone.locator("main").inner_text()
        shot(phone, "10-survey-already-answered")
        assert "sid" not in {c["name"] for c in owner.cookies()}
    finally:
        owner.close()
    page.goto(survey_url)
    after = page.locator("#svy-rate").inner_text()
    count = lambda text: int(re.search(r"(\d+) /", text).group(1))  # noqa: E731
    assert count(after) == count(before) + 1
    assert "电梯维修很及时。" in page.locator("#svy-comments").inner_text()
    shot(page, "11-survey-results-after")
    page.goto("/reports")
    survey_row = page.locator("tr[data-figure='survey_satisfaction']").inner_text()
    calls_row = page.locator("tr[data-figure='satisfaction']").inner_text()
    assert "业主意见调查" in survey_row and "回访电话" in calls_row
    page.locator("#figure-rates").screenshot(path=str(SHOTS / "12-reports-satisfaction.png"))
