"""Issue: foundation — sign in on a phone, land on today's page, switch language; screenshots of each."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, PHONE, set_language, shot, sign_in

pytestmark = pytest.mark.e2e

ROLES = ["patrol", "duty", "frontdesk", "technician", "engineering_lead", "supervisor", "manager", "dept_head", "qa"]
USERNAMES = {
    "patrol": "patrol_a",
    "duty": "duty_a",
    "frontdesk": "frontdesk_a",
    "technician": "tech_a",
    "engineering_lead": "englead_a",
    "supervisor": "super_a",
    "manager": "manager_a",
    "dept_head": "depthead_a",
    "qa": "qa_a",
}


def test_patrol_signs_in_lands_on_today_and_switches_language(page, live_server):
    page.goto("/")
    assert "/login" in page.url
    shot(page, "login-zh")
    sign_in(page, "patrol_a")
    expect(page.locator("h1").first).to_have_text(re.compile("^今日"))
    expect(page.get_by_role("navigation").get_by_role("link", name="今日")).to_be_visible()
    shot(page, "home-patrol-zh")

    try:
        page.get_by_role("link", name="我的").click()
        # NOTE: the profile posts the choice and comes back to /profile: wait for the new page's
        # words, not for the URL (it is /profile before and after).
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        shot(page, "profile-patrol-en")
        page.goto("/")
        expect(page.locator("h1").first).to_have_text(re.compile("^Today"))
        shot(page, "home-patrol-en")

        # Remembered per user: a new browser signing in as the same person gets English.
        page.context.clear_cookies()
        sign_in(page, "patrol_a")
        expect(page.locator("h1").first).to_have_text(re.compile("^Today"))
        page.goto("/profile")
        page.get_by_role("button", name="中文").click()
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    finally:
        # Other modules sign in as patrol_a and read Chinese: leave the account as it was.
        set_language(live_server, "patrol_a", "zh-CN")


def test_wrong_password_shows_one_clear_message(page):
    page.goto("/login")
    page.get_by_label("用户名").fill("duty_a")
    page.get_by_label("密码").fill("wrong-" + DEMO_PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误。")
    shot(page, "login-wrong-password")


@pytest.mark.parametrize("role", ROLES)
def test_every_demo_role_has_a_usable_home_page_at_360px(browser, live_server, role):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, base_url=live_server)
    page = context.new_page()
    try:
        sign_in(page, USERNAMES[role])
        assert page.locator("h1").first.is_visible()
        # Nothing wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot(page, f"home-{role}")
    finally:
        context.close()


def test_supervisor_adds_and_deactivates_staff(page, browser, live_server):
    sign_in(page, "super_b")
    page.get_by_role("link", name="人员管理").click()
    page.get_by_role("link", name="添加人员").click()
    page.locator("form button[type=submit]").click()  # empty form
    expect(page.locator("#e-username")).to_be_visible()
    shot(page, "staff-form-errors")
    page.get_by_label("用户名").fill("newbie_b")
    page.get_by_label("姓名").fill("新同事")
    page.get_by_label("岗位").select_option("duty")
    page.get_by_label("密码").fill("new-pass-2026")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/staff")
    page.get_by_role("link", name="新同事").click()
    page.get_by_role("button", name="停用账号").click()
    page.wait_for_url("**/staff")
    expect(page.locator(".item.inactive", has_text="新同事")).to_be_visible()
    # The deactivated account cannot sign in (on the new colleague's own phone).
    # NOTE: not by clearing this context's cookies: the supervisor's pages and worker still fetch in
    # the background, and each cookie-less answer sets a new CSRF cookie under the login form.
    phone = browser.new_context(**PHONE, locale="zh-CN", base_url=live_server)
    try:
        theirs = phone.new_page()
        theirs.goto("/login")
        theirs.get_by_label("用户名").fill("newbie_b")
        theirs.get_by_label("密码").fill("new-pass-2026")
        theirs.locator("form[action='/login'] button[type=submit]").click()
        expect(theirs.get_by_role("alert")).to_have_text("用户名或密码错误。")
        assert "/login" in theirs.url
    finally:
        phone.close()
