"""Issue 7: requests and work orders in Chromium at 390×844 — intake at the front desk, the technician
offline end to end with a drawn signature (SPEC W1, W2, W3, W7, C4), paid services (S1–S3)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, PHONE, pending_count, shot, sign_in, wait_for_worker, wait_ready

pytestmark = pytest.mark.e2e

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def wait_synced(page: Page, timeout: int = 30_000) -> None:
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=timeout)


def draw_signature(page: Page) -> None:
    """A resident's scribble with a finger (pointer events on the canvas)."""
    canvas = page.locator("canvas[data-signature]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 100
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(x + i * 10, y + (18 if i % 2 else -18), steps=2)
    page.mouse.up()


class Api:
    """A staff member's session over plain HTTP, to set up what a test does not click through."""

    def __init__(self, base_url: str, username: str) -> None:
        self.http = httpx.Client(base_url=base_url, follow_redirects=False)
        token = CSRF.search(self.http.get("/login").text).group(1)
        response = self.http.post(
            "/login", data={"username": username, "password": DEMO_PASSWORD, "_csrf_token": token}
        )
        assert response.status_code == 303
        session = self.http.get("/api/session").json()
        self.token, self.staff_id = session["csrf_token"], session["staff_id"]

    def send(self, type_: str, data: dict) -> str:
        mutation_id = str(uuid.uuid4())
        m = {"id": mutation_id, "type": type_, "recorded_at": datetime.now(UTC).isoformat(), "data": data}
        response = self.http.post(
            "/api/sync", json={"device_id": "e2e-setup", "mutations": [m]}, headers={"x-csrftoken": self.token}
        )
        result = response.json()["results"][0]
        assert result["status"] == "applied", result
        return mutation_id

    def close(self) -> None:
        self.http.close()


def test_front_desk_intake_then_technician_offline_completes_with_signature(browser, live_server):
    """Front desk takes a repair (unit search fills the resident), issues it to tech_a; tech_a, offline,
    accepts, draws materials, completes with the resident's drawn signature; back online the order is
    complete once, the signature image is stored, and the front desk (first responder) sees it."""
    tag = uuid.uuid4().hex[:6]
    text = f"厨房水槽下水慢{tag}"
    desk_context = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
    tech_context = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
    try:
        desk = desk_context.new_page()
        sign_in(desk, "frontdesk_a")
        desk.goto("/work/requests/new")
        wait_ready(desk)
        desk.locator("#f-channel").select_option("visit")
        desk.locator("#f-kind").select_option("repair")
        desk.locator("#f-category").select_option("plumbing")
        desk.locator("#f-unit_search").fill("1-101")
        desk.locator("#f-unit_search").dispatch_event("change")
        expect(desk.locator("#f-unit_search")).to_have_value("1栋 1-101")
        expect(desk.locator("#f-resident_name")).to_have_value("张伟")
        assert desk.locator("#f-resident_phone").input_value().startswith("138")
        desk.locator("#f-description").fill(text)
        shot(desk, "work-intake-filled")
        desk.get_by_role("button", name="保存报事").click()
        wait_synced(desk)
        desk.locator("#recent-requests").get_by_text(text).click()
        desk.wait_for_url("**/work/requests/*")
        wait_ready(desk)
        expect(desk.locator("#request-state")).to_have_text("待处理")
        desk.locator("#f-assignee_id").select_option(label="维修工A")
        desk.get_by_role("button", name="派单并通知").click()
        wait_synced(desk)
        expect(desk.locator("#order-state")).to_have_text("已派工")
        order_url = desk.get_by_role("link", name="打开工作单").get_attribute("href")
        shot(desk, "work-request-issued")

        # The technician opens the order online (the page is cached), then loses signal.
        tech = tech_context.new_page()
        sign_in(tech, "tech_a")
        wait_for_worker(tech)
        tech.goto("/work/orders?view=mine")
        wait_ready(tech)
        expect(tech.locator("#order-rows").get_by_text(text)).to_be_visible()
        tech.goto(order_url)
        wait_ready(tech)
        tech_context.set_offline(True)
        tech.wait_for_function("!navigator.onLine")

        tech.get_by_role("button", name="接单").click()
        expect(tech.locator("#arrive-form")).to_be_visible()
        tech.get_by_role("button", name="我已到场").click()
        expect(tech.locator("#materials-form")).to_be_visible()
        tech.locator("#f-material-0").select_option(label="生料带 (¥2.00/卷)")
        tech.locator("#f-quantity-0").fill("2")
        tech.get_by_role("button", name="记录领料").click()
        tech.wait_for_function("document.body.dataset.pending === '3'")
        tech.locator("#f-complete-note").fill("疏通下水管，更换生料带")
        draw_signature(tech)
        # The pad is squeezed for a moment (a re-flow, a rotation): the signature must survive it.
        tech.locator("canvas[data-signature]").evaluate(
            """(c) => new Promise((done) => {
                c.style.width = "4px";
                requestAnimationFrame(() => requestAnimationFrame(() => {
                    c.style.width = "";
                    requestAnimationFrame(() => requestAnimationFrame(done));
                }));
            })"""
        )
        shot(tech, "work-signature-offline")
        tech.get_by_role("button", name="完工").click()
        tech.wait_for_function("document.body.dataset.pending === '4'")
        expect(tech.locator("[data-show-in='completed']")).to_be_visible()
        assert pending_count(tech) == 4

        # Still offline: a reload shows the cached page, the four changes waiting, the order done here.
        tech.reload()
        wait_ready(tech)
        expect(tech.locator("[data-order-pending] li")).to_have_count(4)
        expect(tech.locator("[data-show-in='completed']")).to_be_visible()
        expect(tech.locator("#complete-form")).to_be_hidden()
        shot(tech, "work-order-offline-pending")

        tech_context.set_offline(False)
        tech.evaluate("window.dispatchEvent(new Event('online'))")
        wait_synced(tech)
        expect(tech.locator("#order-state")).to_have_text("已完成", timeout=15_000)
        signature = tech.locator("#order-signature")
        expect(signature).to_be_visible()
        sha = signature.get_attribute("src").rsplit("/", 1)[1]
        # The stored image is the drawing: load it and count its ink.
        ink = signature.evaluate(
            """async (img) => {
                await img.decode();
                const c = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
                const g = c.getContext("2d"); g.drawImage(img, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let dark = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 100) dark++;
                return dark;
            }"""
        )
        assert ink > 200, ink
        shot(tech, "work-order-synced")

        # The server: completed once, the PNG stored, the materials drawn, all from the technician's phone.
        cookies = {c["name"]: c["value"] for c in tech_context.cookies()}
        image = httpx.get(f"{live_server}/api/attachments/{sha}", cookies=cookies)
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
        html = httpx.get(f"{live_server}{order_url}", cookies=cookies).text
        assert html.count('data-kind="completed"') == 1
        assert html.count('data-kind="accepted"') == 1
        assert "生料带" in html and "¥4.00" in html

        # The first responder sees it done, with the signature, on the request page.
        desk.reload()
        wait_ready(desk)
        expect(desk.locator("#order-state")).to_have_text("已完成")
        expect(desk.locator(f"img.signature-image[src$='{sha}']")).to_be_visible()
        shot(desk, "work-request-completed")
    finally:
        desk_context.close()
        tech_context.close()


def test_paid_order_refuses_cash_records_agreed_charges_and_prints_four_copies(page, live_server):
    """S1–S3 on the phone: charges from the price list with a live total; cash to the technician is
    refused beside the field before anything is queued; the agreed charges sync; the slip has four
    labelled copies with the totals, each printed on its own page."""
    tag = uuid.uuid4().hex[:6]
    desk, tech_api = Api(live_server, "frontdesk_a"), Api(live_server, "tech_a")
    try:
        request_id = desk.send(
            "request.create",
            {
                "channel": "phone",
                "kind": "repair",
                "category": "plumbing",
                "location": "3栋 3-502 厨房",
                "resident_name": "刘洋",
                "description": f"更换厨房水龙头（有偿）{tag}",
            },
        )
        order_id = desk.send(
            "work_order.issue", {"request_id": request_id, "assignee_id": tech_api.staff_id, "paid": 1}
        )
    finally:
        desk.close()
        tech_api.close()

    sign_in(page, "tech_a")
    page.goto(f"/work/orders/{order_id}")
    wait_ready(page)
    page.get_by_role("button", name="接单").click()
    wait_synced(page)
    charges = page.locator("#charges-form")
    expect(charges).to_be_visible()
    expect(page.locator("#complete-form")).to_be_hidden()  # S1: not before the resident agreed
    charges.get_by_label("更换水龙头（人工）").fill("1")
    charges.get_by_label("水龙头", exact=True).fill("1")
    expect(charges.locator("[data-charges-total]")).to_have_text("65.00")
    # S2: cash is not offered as a choice only to be refused; the form says no cash is paid.
    assert page.locator('#f-payment_method option[value="cash"]').count() == 0
    expect(charges).to_contain_text("不向维修人员支付现金")
    error = page.locator("#e-charges-payment_method")
    page.locator("#f-resident_agreed").check()
    shot(page, "work-paid-no-cash-choice")

    page.locator("#f-payment_method").select_option("bank_collection")
    expect(error).to_be_hidden()
    page.get_by_role("button", name="记录收费").click()
    wait_synced(page)
    expect(page.locator("#order-charges tfoot")).to_contain_text("¥65.00")
    expect(page.locator("#complete-form")).to_be_visible()

    page.goto(f"/work/orders/{order_id}/slip")
    wait_ready(page)
    copies = page.locator(".slip-copy")
    expect(copies).to_have_count(4)
    labels = [copies.nth(i).locator(".copy-label").inner_text() for i in range(4)]
    assert labels == ["第一联 · 客服中心（存根）", "第二联 · 工程部", "第三联 · 客服中心 · 收费凭证", "第四联 · 业户"]
    for i in range(4):
        expect(copies.nth(i).locator("[data-total='total']")).to_have_text("¥65.00")
        expect(copies.nth(i)).to_contain_text("银行托收")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.slip-copy')).breakAfter") == "page"
    assert page.locator(".tabbar").is_hidden()
    shot(page, "work-slip-print")
