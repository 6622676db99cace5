"""Issue: foundation — sign in on a phone, land on today's page, switch language; screenshots of each."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, shot, sign_in

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


def test_patrol_signs_in_lands_on_today_and_switches_language(page):
    page.goto("/")
    assert "/login" in page.url
    shot(page, "login-zh")
    sign_in(page, "patrol_a")
    assert page.locator("h1").first.inner_text().startswith("今日")
    assert page.get_by_role("navigation").get_by_role("link", name="今日").is_visible()
    shot(page, "home-patrol-zh")

    page.get_by_role("link", name="我的").click()
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/profile")
    assert page.get_by_role("button", name="Sign out").is_visible()
    shot(page, "profile-patrol-en")
    page.goto("/")
    assert page.locator("h1").first.inner_text().startswith("Today")
    shot(page, "home-patrol-en")

    # Remembered per user: a new browser signing in as the same person gets English.
    page.context.clear_cookies()
    sign_in(page, "patrol_a")
    assert page.locator("h1").first.inner_text().startswith("Today")
    page.goto("/profile")
    page.get_by_role("button", name="中文").click()
    page.wait_for_url("**/profile")
    assert page.get_by_role("button", name="退出登录").is_visible()


def test_wrong_password_shows_one_clear_message(page):
    page.goto("/login")
    page.get_by_label("用户名").fill("duty_a")
    page.get_by_label("密码").fill("wrong-" + DEMO_PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误。"
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


def test_supervisor_adds_and_deactivates_staff(page):
    sign_in(page, "super_b")
    page.get_by_role("link", name="人员管理").click()
    page.get_by_role("link", name="添加人员").click()
    page.locator("form button[type=submit]").click()  # empty form
    assert page.locator("#e-username").is_visible()
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
    assert page.locator(".item.inactive", has_text="新同事").is_visible()
    # The deactivated account cannot sign in.
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("用户名").fill("newbie_b")
    page.get_by_label("密码").fill("new-pass-2026")
    page.locator("form[action='/login'] button[type=submit]").click()
    assert page.get_by_role("alert").is_visible()
