"""Move-in in Chromium at 390×844 (SPEC M1–M3): the front desk starts a move-in, opens the inspection
with signal, then inspects the new home with no signal — two defects with photos, the owner signs —
and back online the inspection lands exactly once with its two defects for the developer."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import pending_count, sign_in, wait_for_worker, wait_ready

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots/movein")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def png(path: Path, seed: int) -> Path:
    """A real PNG photo (a gradient that differs by seed)."""
    width, height = 80, 60
    rows = []
    for y in range(height):
        pixels = b"".join(bytes(((x * 3 + seed * 40) % 256, (y * 4) % 256, seed * 60 % 256)) for x in range(width))
        rows.append(b"\x00" + pixels)
    raw = b"".join(rows)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )
    return path


def draw_signature(page: Page) -> None:
    canvas = page.locator("canvas[data-signature]").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 100
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(x + i * 10, y + (18 if i % 2 else -18), steps=2)
    page.mouse.up()


def wait_synced(page: Page, timeout: int = 30_000) -> None:
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=timeout)


def server_html(base_url: str, cookies: list, path: str) -> str:
    return httpx.get(f"{base_url}{path}", cookies={c["name"]: c["value"] for c in cookies}).text


def test_m2_the_inspection_done_offline_with_two_defects_lands_once(page, context, live_server, tmp_path):
    sign_in(page, "frontdesk_a")
    wait_for_worker(page)
    page.goto("/movein")
    wait_ready(page)
    shot(page, "01-movein-list")
    page.get_by_label("业主姓名").fill("赵新业主")
    page.locator("#open-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/movein/\d+$"))
    case_url = page.url
    shot(page, "02-case")
    assert "尚缺" in page.locator("#missing").inner_text()
    page.locator("#inspect-link").click()  # online once: the inspection page is kept for offline use
    page.wait_for_url(re.compile(r"/inspect$"))
    wait_ready(page)
    inspect_url = page.url

    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    page.goto(inspect_url)  # from the phone's cache: the new home has no signal
    wait_ready(page)
    items = page.locator("[data-item]")
    for n, note in ((0, "门锁卡滞，钥匙转不动"), (6, "客厅窗玻璃有裂纹")):
        item = items.nth(n)
        item.locator("input[value=defect]").check()
        item.locator("textarea").fill(note)
        item.locator("input[type=file]").set_input_files(str(png(tmp_path / f"d{n}.png", n + 1)))
    page.get_by_label("水表", exact=True).fill("3.5")
    page.get_by_label("电表", exact=True).fill("12.8")
    page.get_by_label("燃气（如有）").fill("0.6")
    draw_signature(page)
    shot(page, "03-inspection-offline")
    page.get_by_role("button", name="保存验收结果").click()
    page.locator("[data-done]").wait_for(state="visible")
    assert pending_count(page) == 1
    shot(page, "04-inspection-saved-offline")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    try:
        wait_synced(page)
    except Exception:
        page.goto("/outbox")
        wait_ready(page)
        shot(page, "outbox-on-failure")
        raise AssertionError(page.locator("main").inner_text()) from None
    html = server_html(live_server, context.cookies(), case_url.replace(live_server, ""))
    assert html.count('data-defect="open"') == 2 and "门锁卡滞" in html and "客厅窗玻璃有裂纹" in html
    assert html.count("与 赵新业主 共同验收") == 1
    page.goto(case_url)
    wait_ready(page)
    shot(page, "05-case-after-sync")
    page.goto("/movein/defects")
    wait_ready(page)
    assert page.locator("[data-defect]").count() >= 2
    shot(page, "06-open-defects")
