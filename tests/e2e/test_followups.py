"""Issue 8 in Chromium at 390×844: a follow-up recorded offline syncs and the dashboard's follow-up
rate changes accordingly (SPEC F2, K1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import (
    free_port,
    pending_count,
    shot,
    sign_in,
    start_server,
    stop_server,
    wait_for_worker,
    wait_ready,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(demo_data):
    """One server for this module, with the follow-up scheduler off: the figures change only by what the
    test does."""
    port = free_port()
    process = start_server(port, APP_FOLLOWUPS_SCHEDULER="0")
    yield f"http://127.0.0.1:{port}"
    stop_server(process)


def followup_rate(page: Page) -> tuple[int, int]:
    page.goto("/reports")
    wait_ready(page)
    text = page.locator("tr[data-figure=followup_rate] .figure-value").inner_text()
    part, whole = re.search(r"\((\d+)/(\d+)\)", text).groups()
    return int(part), int(whole)


def test_record_a_follow_up_offline_then_the_rate_changes(page, context):
    """Open a follow-up online, record it offline (kept on the phone), come back online: it syncs once
    and the dashboard's follow-up rate counts it."""
    sign_in(page, "super_a")
    wait_for_worker(page)
    # K1: the rate counts the month's tasks done or already due; the one recorded below is counted
    # after it is done whether or not it was due yet.
    done_before, total = followup_rate(page)

    page.goto("/followups?view=open")
    wait_ready(page)
    page.locator(".followup-link").first.click()
    page.wait_for_url(re.compile(r"/followups/[0-9a-f-]{36}$"))
    wait_ready(page)
    task_url = page.url
    state = page.locator("#task-state")  # not done yet, and the page says so in either language
    assert state.get_attribute("data-state") == "open"
    assert state.inner_text() == "待办"

    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    page.locator("#f-method").select_option("phone")
    page.get_by_label("已联系上").check()
    page.get_by_label("满意", exact=True).check()
    page.locator("#f-words").fill("维修及时，很满意")
    page.get_by_role("button", name="保存回访").click()
    page.wait_for_function("document.body.dataset.pending === '1'")
    assert pending_count(page) == 1
    page.locator("#pending-followups li").first.wait_for()
    shot(page, "followup-offline-pending")

    context.set_offline(False)
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=30_000)
    page.locator("#task-records").get_by_text("维修及时，很满意").wait_for()

    done_after, total_after = followup_rate(page)
    assert done_after == done_before + 1 and total_after in (total, total + 1), (
        done_before,
        total,
        done_after,
        total_after,
    )
    shot(page, "followup-rate-after-sync")
    page.goto(task_url)
    wait_ready(page)
    assert page.locator("#task-records li").count() == 1
    assert page.locator("#task-state").get_attribute("data-state") == "done"
