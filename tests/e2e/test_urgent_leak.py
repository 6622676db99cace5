"""W6 as a new user tries it, in Chromium at 390×844: at night the duty officer takes "楼上漏水，卫生间
天花板一直滴水" (category 渗漏) from the control room; the technician and the manager, each with the app
open on their own phone, are alerted at once (the first step, no wait), and the alert names the place
and the category once. Screenshots in /tmp/shots/seed/."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, sign_in, wait_ready
from tests.e2e.test_alerts import wait_live
from tests.e2e.test_work import wait_synced

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots/seed")


def snap(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_w6_a_leak_at_night_alerts_technician_and_manager_at_once_naming_the_place(browser, live_server):
    tag = uuid.uuid4().hex[:4]
    where = f"卫生间{tag}"
    contexts = [
        browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
        for _ in range(3)
    ]
    try:
        manager, tech, duty = (c.new_page() for c in contexts)
        for page, user in ((manager, "manager_a"), (tech, "tech_a")):
            sign_in(page, user)
            page.goto("/alerts")
            wait_ready(page)
            wait_live(page)

        sign_in(duty, "duty_a")
        duty.goto("/work/requests/new")
        wait_ready(duty)
        duty.locator("#f-channel").select_option("control_room")  # the night line (W8)
        duty.locator("#f-kind").select_option("repair")
        duty.locator("#f-category").select_option("leaks")
        duty.locator("#f-unit_search").fill("1-101")
        duty.locator("#f-unit_search").dispatch_event("change")
        expect(duty.locator("#f-unit_search")).to_have_value("1栋 1-101")
        duty.locator("#f-location").fill(where)
        duty.locator("#f-description").fill("楼上漏水，卫生间天花板一直滴水")
        snap(duty, "w6-intake-leak-at-night")
        duty.get_by_role("button", name="保存报事").click()
        wait_synced(duty)

        place = f"渗漏 · 1栋 1-101 · {where}"
        for page, name in ((tech, "technician"), (manager, "manager")):
            toast = page.locator("#live-alerts .live-alert", has_text=where)
            expect(toast).to_be_visible(timeout=10_000)  # at once: no 5-minute wait for the manager
            expect(toast.locator("strong")).to_have_text(f"紧急维修: {place}")
            assert "紧急维修：紧急维修" not in toast.inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            snap(page, f"w6-alert-{name}")
        manager.locator("#live-alerts .live-alert", has_text=where).get_by_role("link", name="打开并确认").click()
        manager.wait_for_url("**/alerts/*")
        wait_ready(manager)
        expect(manager.locator("h1")).to_contain_text(place)
        snap(manager, "w6-alert-page-manager")
    finally:
        for c in contexts:
            c.close()
