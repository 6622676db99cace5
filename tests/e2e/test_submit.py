"""The one client submit (issue 11; DESIGN "Offline model" 3): what the phone says after a change is
what became of it — synced only when the server applied it, saved on this phone while it waits,
refused with the server's reason and where to find it. In Chromium at 390×844, on the duty log."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.test_offline_duty_log import add_entry, open_duty_log, wait_synced

pytestmark = pytest.mark.e2e


def test_the_message_after_a_submit_follows_the_real_outcome(page, context, live_server):
    open_duty_log(page)
    flash = page.locator("#flash")
    tag = uuid.uuid4().hex[:6]

    add_entry(page, f"在线{tag}")
    expect(flash).to_contain_text("已同步")  # the server applied it
    page.wait_for_function("document.body.dataset.pending === '0'")

    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    add_entry(page, f"离线{tag}")
    expect(flash).to_contain_text("已保存在本机")
    expect(flash).not_to_contain_text("已同步")
    context.set_offline(False)
    wait_synced(page)

    # A real refusal: a correction of an entry that is not in this office's log.
    page.locator('[data-field="corrects"]').evaluate("(el, id) => { el.value = id; }", str(uuid.uuid4()))
    add_entry(page, f"拒收{tag}")
    expect(flash).to_contain_text("服务器拒收")
    expect(flash).to_contain_text("要更正的记录不在本管理处的值班记录中")
    expect(flash).to_contain_text("待同步")  # where to see it
    expect(flash).not_to_contain_text("已同步")
    page.wait_for_function("document.body.dataset.pending === '1'")  # kept, not dropped

    # Online, but the server cannot be reached: still waiting, not synced.
    context.route("**/api/sync", lambda route: route.abort())
    add_entry(page, f"未送达{tag}")
    expect(flash).to_contain_text("已保存在本机")
    expect(flash).not_to_contain_text("已同步")
    page.wait_for_function("document.body.dataset.pending === '2'")
