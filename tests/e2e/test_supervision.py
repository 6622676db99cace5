"""The supervisor's Monday report (SPEC G1) and storm mode (G3) in Chromium at 390×844: the supervisor
opens this week's report drafted from the app's figures, edits it and submits it; the manager switches
storm mode on and a staff member's phone shows the stand-by alert; switched off with a summary."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import PHONE, pending_count, sign_in, wait_for_worker, wait_ready

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots/reports")


def snap(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_g1_the_supervisor_opens_the_monday_report_drafted_from_the_figures_edits_and_submits(page: Page):
    sign_in(page, "super_a")
    home = page.locator("section.card", has=page.get_by_role("heading", name="工作汇报"))
    assert "周工作汇报" in home.inner_text()  # the home page reminds: this week's report is due (or late)
    snap(page, "00-home-reminder")
    page.goto(home.get_by_role("link", name="工作汇报").get_attribute("href"))  # a live alert may cover the link
    snap(page, "01-reports-due")
    page.locator("#due-reports a", has_text="周工作汇报").click()
    page.wait_for_url(re.compile(r"/supervision/reports/weekly/\d{4}-\d{2}-\d{2}$"))
    body = page.get_by_label("报告内容")
    draft = body.input_value()
    assert "一、考核指标" in draft and "回访率" in draft and "巡查：完成" in draft and "投诉：" in draft
    assert page.locator("#report-figures").is_visible()
    snap(page, "02-weekly-draft")
    tag = uuid.uuid4().hex[:4]
    body.fill(draft.replace("五、下周工作计划\n- ", f"五、下周工作计划\n- 检查3栋地下车库排水（{tag}）"))
    page.locator("#report-submit").click()
    page.wait_for_url(re.compile(r"/supervision/reports/weekly/"))
    assert "已提交" in page.locator("#report-status").inner_text()
    assert f"检查3栋地下车库排水（{tag}）" in page.locator("#report-body").inner_text()
    snap(page, "03-weekly-submitted")


def test_g3_storm_mode_switched_on_a_staff_phone_sees_the_stand_by_alert(browser, page: Page, live_server):
    sign_in(page, "manager_a")
    page.goto("/supervision/storm")
    page.get_by_label("灾害类型").select_option("typhoon")
    page.locator("#f-duty_manager_id").select_option(index=1)  # the first manager or department head
    page.get_by_label("给全体人员的说明（可不填）").fill("台风今晚登陆，全员留守")
    page.locator("#storm-on-form button[type=submit]").click()
    page.locator("#storm-on").wait_for()
    snap(page, "04-storm-on")
    phone = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
    try:
        tech = phone.new_page()
        sign_in(tech, "tech_a")
        tech.goto("/")
        text = tech.locator("main").inner_text()
        assert "台风：全体人员留守待命" in text and "防汛防台：台风" in text
        snap(tech, "05-staff-phone-stand-by")
    finally:
        phone.close()
    page.goto("/supervision/storm")
    page.locator("#arrived-form button").click()
    page.locator("#storm-arrival .badge").wait_for()  # "30 分钟内" once the arrival is recorded
    assert "30 分钟内" in page.locator("#storm-arrival").inner_text()
    page.get_by_label("总结：经过、损失、采取的措施").fill("无人员伤亡，树木倒伏2棵已清理")
    page.locator("#storm-off-form button[type=submit]").click()
    page.get_by_text("防汛防台未启动").or_(page.locator("#storm-on-form")).first.wait_for()
    assert "树木倒伏2棵已清理" in page.locator("main").inner_text()
    snap(page, "06-storm-off")


def test_g3_the_duty_managers_arrival_tapped_offline_syncs_once_with_the_time_of_the_tap(page: Page, context):
    """G3 offline: on site with no signal, the arrival tap is kept on the phone and sent once when the
    signal is back; the time recorded is the tap's (against the 30-minute limit), not the sync's."""
    sign_in(page, "manager_a")
    wait_for_worker(page)
    page.goto("/supervision/storm")
    wait_ready(page)
    page.get_by_label("灾害类型").select_option("rainstorm")
    page.locator("#f-duty_manager_id").select_option(index=1)
    page.locator("#storm-on-form button[type=submit]").click()
    page.locator("#arrived-form").wait_for()
    wait_ready(page)
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    tapped_from = datetime.now(UTC)
    page.locator("#arrived-form button").click()
    page.locator("#pending-arrival li").first.wait_for()
    tapped_to = datetime.now(UTC)
    assert pending_count(page) == 1
    assert "值班经理到场" in page.locator("#pending-arrival").inner_text()  # named in words, not a code
    snap(page, "07-arrival-tapped-offline")
    time.sleep(4)  # still no signal: the sync comes seconds later
    back_online = datetime.now(UTC)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=30_000)
    arrival = page.locator("#storm-arrival time")
    arrival.wait_for()
    arrived = datetime.fromisoformat(arrival.get_attribute("datetime"))
    assert tapped_from - timedelta(seconds=1) <= arrived <= tapped_to + timedelta(seconds=1) < back_online
    assert "30 分钟内" in page.locator("#storm-arrival").inner_text()
    snap(page, "08-arrival-synced")
    page.goto("/outbox")
    wait_ready(page)
    assert page.locator("li.pending-item").count() == 0 and pending_count(page) == 0  # nothing refused or left
    page.goto("/supervision/storm")
    assert page.locator("#storm-arrival time").count() == 1 and page.locator("#arrived-form").count() == 0
    page.get_by_label("总结：经过、损失、采取的措施").fill("地下车库积水已排干")
    page.locator("#storm-off-form button[type=submit]").click()
    page.locator("#storm-on-form").wait_for()
