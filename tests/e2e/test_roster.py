"""Issue 5: the supervisor fills and publishes a month's roster on a phone (390×844); a holiday without a
manager on duty is refused naming the date (SPEC D1, D8)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.roster.service import month_key, next_month
from tests.e2e.conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def test_the_supervisor_fills_the_month_on_a_phone_and_publishing_waits_for_a_manager_on_the_holiday(page):
    month = next_month(next_month(datetime.now(ZoneInfo("Asia/Shanghai")).date().replace(day=1)))
    key = month_key(month)
    sign_in(page, "super_b")

    # A special day in that month, added on the holidays page.
    page.goto(f"/roster/holidays?year={month.year}")
    page.get_by_label("日期").fill(month.replace(day=12).isoformat())
    page.get_by_label("节日名称").fill("业主开放日")
    page.get_by_role("button", name="添加").click()
    assert "业主开放日" in page.locator("main").inner_text()

    # The grid starts from last month's pattern (the demo's draft), then publishing is tried.
    page.goto(f"/roster/{key}/edit")
    page.get_by_role("link", name="按上月排班填入").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the grid scrolls, not the page
    page.get_by_role("button", name="保存并发布").click()
    alert = page.get_by_role("alert").first
    assert f"{key}-12" in alert.inner_text() and "业主开放日" in alert.inner_text()
    shot(page, "roster-refused-holiday")

    # The supervisor puts themself on the day shift of every holiday named, and publishes.
    supervisor_row = page.locator("table.roster-grid tbody tr").filter(has_text="客服主管B")
    for day in sorted(set(re.findall(rf"{key}-(\d\d)", alert.inner_text()))):
        supervisor_row.locator(f"select[name$='_{int(day)}']").select_option(label="白")
    page.get_by_role("button", name="保存并发布").click()
    page.wait_for_url(f"**/roster?month={key}&published=ok")
    assert "已发布" in page.locator("main").inner_text()
    assert page.locator("table.roster-grid th.holiday").count() >= 1
    shot(page, "roster-published")
