"""Issue 4: patrols and nonconformances on the phone, offline (SPEC P1–P3; DESIGN "Offline model",
"Conflicts") — in Chromium at 390×844, against a real server on the test database."""

from __future__ import annotations

import hashlib
import re
import struct
import time
import uuid
import zlib
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import PHONE, pending_count, shot, sign_in, wait_for_worker, wait_ready

pytestmark = pytest.mark.e2e
GARDEN = "花园日常巡查"
CAR_PARK = "地下车库"


def png_file(tmp_path: Path, name: str, seed: int, width: int = 120, height: int = 90) -> Path:
    """A real PNG photo (a colour gradient that differs by seed)."""
    raw = b"".join(
        b"\x00"
        + bytes(
            ((x * 2 + seed * 40) % 256, (y * 3 + seed * 10) % 256, (x + y + seed) % 256)[c]
            for x in range(width)
            for c in range(3)
        )
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path = tmp_path / name
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )
    return path


def large_png(tmp_path: Path, name: str, width: int, height: int) -> Path:
    """A camera-sized PNG (a diagonal gradient), made fast: each row is a slice of one long pattern."""
    pattern = bytes(range(256)) * (width * 3 // 256 + 2)
    rows = b"".join(b"\x00" + pattern[y % 256 : y % 256 + width * 3] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path = tmp_path / name
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")
    )
    return path


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame segment (SOF0–SOF15, not DHT/JPG/DAC)."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    i = 2
    while i + 9 <= len(data):
        assert data[i] == 0xFF, f"no marker at {i}"
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    raise AssertionError("no start-of-frame segment")


class Api:
    """A signed-in HTTP client (what the server has, checked outside the browser)."""

    def __init__(self, base_url: str, username: str) -> None:
        self.client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=20)
        login = self.client.get("/login").text
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', login).group(1)
        response = self.client.post(
            "/login", data={"username": username, "password": "demo1234", "_csrf_token": self.token}
        )
        assert response.status_code == 303, response.text
        self.token = self.client.get("/api/session").json()["csrf_token"]  # a sign-in issues a new token

    def get(self, url: str, **kw) -> httpx.Response:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict) -> httpx.Response:
        return self.client.post(url, data={"_csrf_token": self.token, **data})

    def sync(self, mutations: list[dict]) -> list[dict]:
        body = {"device_id": f"api-{uuid.uuid4().hex[:6]}", "mutations": mutations}
        response = self.client.post("/api/sync", json=body, headers={"x-csrftoken": self.token})
        assert response.status_code == 200, response.text
        return response.json()["results"]


def route_codes(api: Api, name: str) -> tuple[int, list[tuple[int, str]]]:
    """A route of the supervisor's office, and (checkpoint id, code) from its printable QR sheet."""
    routes = api.get("/patrols/routes").text
    route_id = int(re.search(rf'href="/patrols/routes/(\d+)">\s*<strong>{name}</strong>', routes).group(1))
    return route_id, checkpoint_codes(api, route_id)


def checkpoint_codes(api: Api, route_id: int) -> list[tuple[int, str]]:
    sheet = api.get(f"/patrols/routes/{route_id}/qr").text
    cards = re.findall(r'data-code="([A-Z0-9]+)" data-checkpoint-id="(\d+)"', sheet)
    return [(int(cp), code) for code, cp in cards]


@pytest.fixture(scope="module")
def supervisor_api(live_server) -> Api:
    return Api(live_server, "super_a")


def controlled_by_worker(page: Page) -> None:
    """Wait for the service worker to be active and in control of this page.

    NOTE: a worker that activates while the sign-in redirect is in flight claims no page (the new page's
    navigation began before there was an active worker), so the first page after sign-in may stay
    uncontrolled; the next navigation is controlled, which a reload gives."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
        wait_ready(page)
    wait_for_worker(page)


def open_walk(page: Page, username: str, route_id: int) -> None:
    sign_in(page, username)
    controlled_by_worker(page)
    page.goto(f"/patrols/routes/{route_id}/walk")
    wait_ready(page)
    page.wait_for_selector("#walk[data-ready='1']")


def confirm(page: Page, code: str) -> None:
    page.locator("#f-code").fill(code)
    page.get_by_role("button", name="确认到达").click()


def record_failed_check(page: Page, checkpoint_id: int, item: str, note: str, photo: Path) -> None:
    page.locator(f"#cp-{checkpoint_id} [data-record]").click()
    form = page.locator("#finding-form")
    form.locator("#f-check_item_id").select_option(label=item)
    form.get_by_label("不合格").check()
    form.locator("#f-note").fill(note)
    form.locator("#f-photos").set_input_files(str(photo))
    form.get_by_role("button", name="保存检查").click()
    page.wait_for_selector(f"#cp-{checkpoint_id} [data-cp-findings] li.fail")


def wait_synced(page: Page, timeout: int = 30_000) -> None:
    page.wait_for_function("document.body.dataset.pending === '0'", timeout=timeout)


def test_a_round_walked_offline_survives_a_reload_and_syncs_everything_exactly_once(
    page, context, live_server, supervisor_api, tmp_path
):
    """Open a round online, go offline, visit every checkpoint (code typed), record two failed checks with a
    photo each and raise one as a nonconformance, finish, reload offline (all pending), go online: the
    round, its visits, findings, the nonconformance and the photo bytes are on the server exactly once."""
    route_id, checkpoints = route_codes(supervisor_api, GARDEN)
    assert len(checkpoints) >= 4
    open_walk(page, "patrol_a", route_id)
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_selector("#round-active:not([hidden])")  # queued (write-ahead) …
    page.wait_for_function(  # … and, online, applied at once: the outbox is empty again
        "async () => (await (await import('/static/js/outbox.js')).pendingCount()) === 0"
    )
    round_id = page.locator("#walk").get_attribute("data-round-id")

    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    for checkpoint_id, code in reversed(checkpoints):  # out of order
        confirm(page, code.lower())
        page.wait_for_selector(f"#cp-{checkpoint_id}.visited")
    assert page.locator("[data-visited-count]").inner_text() == str(len(checkpoints))

    photos = [png_file(tmp_path, "gate.png", 1), png_file(tmp_path, "garden.png", 2)]
    first, second = checkpoints[0][0], checkpoints[1][0]
    record_failed_check(page, first, "岗亭内外整洁", "岗亭门口有烟头", photos[0])
    nc_form = page.locator("#nc-form")
    nc_form.wait_for(state="visible")
    assert nc_form.locator("#f-department").input_value() == "cleaning"  # the check item's department
    assert nc_form.locator("#f-deadline").input_value() != ""  # the department's usual deadline
    nc_form.get_by_role("button", name="开具不合格项").click()
    page.wait_for_selector(f"#cp-{first} [data-cp-findings] li.fail:has-text('不合格项')")
    record_failed_check(page, second, "地面无垃圾、无积水", "喷泉边有积水", photos[1])
    page.locator("#nc-form").get_by_role("button", name="暂不").click()
    page.locator("#f-finish-note").fill("东门烟头已通知保洁")
    page.locator("#finish-form button[type=submit]").click()
    page.wait_for_selector("#round-finished:not([hidden])")
    assert "所有巡查点都已到过" in page.locator("[data-finished-skipped]").inner_text()
    expected_pending = len(checkpoints) + 2 + 1 + 1  # visits, findings, one nonconformance, finish
    dump = page.evaluate(
        "async () => JSON.stringify((await (await import('/static/js/outbox.js')).entries())"
        ".map(e => [e.type, e.status, e.data.code || e.data.note || '']))"
    )
    assert pending_count(page) == expected_pending, dump
    shot(page, "patrol-round-offline")

    page.reload()
    wait_ready(page)
    page.wait_for_selector("#walk[data-ready='1']")
    assert page.locator("#round-finished").is_visible()
    assert page.locator("li.checkpoint.visited").count() == len(checkpoints)
    assert page.locator("#pending-count").inner_text() == str(expected_pending)
    assert page.locator("[data-outbox-list='checkpoint.visit'] li").count() == len(checkpoints)
    assert "待同步" in page.locator(f"#cp-{first} [data-cp-status]").inner_text()
    # The checks and the nonconformance recorded offline are still there, still waiting.
    assert page.locator("[data-outbox-list='finding.create'] li").count() == 2
    assert page.locator("[data-outbox-list='nonconformance.create'] li").count() == 1
    for checkpoint_id in (first, second):
        expect(page.locator(f"#cp-{checkpoint_id} [data-cp-findings] li.fail")).to_contain_text("等待同步")
    expect(page.locator(f"#cp-{first} [data-cp-findings] li.fail")).to_contain_text("不合格项")
    expect(page.locator(f"#cp-{second} [data-cp-findings] li.fail")).not_to_contain_text("不合格项")
    shot(page, "patrol-round-offline-reloaded")

    context.set_offline(False)
    wait_synced(page)
    doc = Api(live_server, "patrol_a").get(f"/api/patrols/rounds/{round_id}").json()
    assert doc["status"] == "finished" and doc["skipped"] == []
    assert sorted(v["checkpoint_id"] for v in doc["visits"]) == sorted(cp for cp, _ in checkpoints)
    assert all(v["method"] == "typed" for v in doc["visits"])
    assert [(f["checkpoint_id"], f["result"], len(f["photos"])) for f in doc["findings"]] == [
        (first, "fail", 1),
        (second, "fail", 1),
    ]
    assert len(doc["nonconformances"]) == 1
    assert doc["nonconformances"][0]["finding_id"] == doc["findings"][0]["id"]
    assert doc["nonconformances"][0]["department"] == "cleaning"
    for finding in doc["findings"]:
        sha = finding["photos"][0]
        body = supervisor_api.get(f"/api/attachments/{sha}").content
        assert hashlib.sha256(body).hexdigest() == sha and body[:3] == b"\xff\xd8\xff"  # resized to JPEG
    assert doc["findings"][0]["photos"] != doc["findings"][1]["photos"]
    # Uploaded blobs are gone from the phone once their change applied.
    assert page.evaluate("""async () => (await (await import('/static/js/idb.js')).all('blobs')).length""") == 0
    review = supervisor_api.get("/patrols/review").text
    assert round_id in review and "岗亭门口有烟头" in review
    shot(page, "patrol-round-synced")


def _raise_cleaning_nc(live_server: str, supervisor_api: Api, note: str) -> str:
    """Set-up through the sync API: a round of the garden route with a failed cleaning check, raised."""
    route_id, checkpoints = route_codes(supervisor_api, GARDEN)
    api = Api(live_server, "patrol_a")
    walk = api.get(f"/patrols/routes/{route_id}/walk").text
    item = int(re.search(r'<option value="(\d+)" data-department="cleaning">', walk).group(1))
    round_id, finding_id, nc_id = (str(uuid.uuid4()) for _ in range(3))
    now = datetime.now(UTC).isoformat()

    def m(type_, data, mid=None):
        return {"id": mid or str(uuid.uuid4()), "type": type_, "recorded_at": now, "data": data}

    results = api.sync(
        [
            m("patrol_round.start", {"route_id": route_id}, round_id),
            m("checkpoint.visit", {"round_id": round_id, "code": checkpoints[0][1], "method": "typed"}),
            m(
                "finding.create",
                {"round_id": round_id, "result": "fail", "check_item_id": item, "note": note},
                finding_id,
            ),
            m(
                "nonconformance.create",
                {"finding_id": finding_id, "department": "cleaning", "deadline": "2099-01-01"},
                nc_id,
            ),
        ]
    )
    assert [r["status"] for r in results] == ["applied"] * 4, results
    return nc_id


def open_nc_offline_ready(page: Page, nc_id: str) -> None:
    """The department head opens the inbox online (it caches the item pages), then the item."""
    sign_in(page, "depthead_a")
    controlled_by_worker(page)
    page.goto("/patrols/inbox")
    wait_ready(page)
    page.locator(f"[data-nc-id='{nc_id}'] a").click()
    page.wait_for_url(f"**/patrols/nc/{nc_id}")
    wait_ready(page)


def rectify(page: Page, note: str, photo: Path | None = None) -> None:
    form = page.locator("#rectify-form")
    form.locator("#f-note").fill(note)
    if photo is not None:
        form.locator("#f-rectify-photos").set_input_files(str(photo))
    form.get_by_role("button", name="提交整改").click()
    page.wait_for_function("n => Number(document.body.dataset.pending) >= n", arg=1)


def test_the_department_rectifies_offline_the_supervisor_verifies_and_a_stale_rectify_is_kept_as_a_comment(
    browser, page, context, live_server, supervisor_api, tmp_path
):
    nc_id = _raise_cleaning_nc(live_server, supervisor_api, f"垃圾桶满溢{uuid.uuid4().hex[:4]}")
    second_phone: BrowserContext = browser.new_context(
        **PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server
    )
    try:
        other = second_phone.new_page()
        open_nc_offline_ready(page, nc_id)
        open_nc_offline_ready(other, nc_id)
        assert page.locator("[data-nc-state]").get_attribute("data-nc-state") == "open"
        shot(page, "nc-dept-head-open")

        context.set_offline(True)
        second_phone.set_offline(True)
        page.reload()  # still there offline (cached when the inbox was opened)
        wait_ready(page)
        rectify(page, "已清运并冲洗", png_file(tmp_path, "after.png", 5))
        rectify(other, "第二台手机：也清理了")
        assert pending_count(page) == 1 and pending_count(other) == 1

        context.set_offline(False)
        wait_synced(page)
        page.wait_for_selector("[data-nc-state='rectified']")  # the page refreshed after the sync
        shot(page, "nc-rectified")

        verifier = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
        try:
            sup = verifier.new_page()
            sign_in(sup, "super_a")
            sup.goto(f"/patrols/nc/{nc_id}")
            wait_ready(sup)
            sup.get_by_label("整改合格：关闭").check()
            sup.locator("#verify-form #f-note").fill("跟进检查合格")
            sup.get_by_role("button", name="记录跟进检查").click()
            sup.wait_for_selector("[data-nc-state='closed']")
        finally:
            verifier.close()

        second_phone.set_offline(False)
        rejected = other.locator("[data-outbox-list='nonconformance.rectify'] li.is-rejected")
        rejected.wait_for()
        reason = rejected.locator(".error").inner_text()
        assert "已关闭" in reason and "备注" in reason
        other.wait_for_selector("[data-nc-state='closed']")  # the page shows the item as it is now
        assert "第二台手机：也清理了" in other.locator("#history [data-kind='comment']").inner_text()
        shot(other, "nc-stale-rectify-rejected")

        # Edited in the outbox and resent: judged afresh under a new id (the stale answer is kept for
        # the old one), so it is refused as stale again — not as a reused id — and its note is kept.
        other.goto("/outbox")
        wait_ready(other)
        other.locator("#outbox-list li.is-rejected").get_by_role("button", name="编辑").click()
        other.locator("#outbox-list").get_by_label("整改情况").fill("第二台手机：补充说明")
        other.locator("#outbox-list form button[type=submit]").click()
        deadline = time.monotonic() + 15
        while "第二台手机：补充说明" not in supervisor_api.get(f"/patrols/nc/{nc_id}").text:
            assert time.monotonic() < deadline, other.locator("#outbox-list").inner_text()
            time.sleep(0.3)
        expect(other.locator("#outbox-list li.is-rejected .error")).to_contain_text("已关闭")
        assert "该变更编号已用于其他内容" not in other.locator("#outbox-list").inner_text()
    finally:
        second_phone.close()

    history = supervisor_api.get(f"/patrols/nc/{nc_id}").text
    kinds = re.findall(r'data-kind="(\w+)"', history)
    assert kinds == ["raised", "rectified", "verified", "comment", "comment"]
    assert history.count("第二台手机：也清理了") == 1 and history.count("已清运并冲洗") == 1
    assert history.count("第二台手机：补充说明") == 1
    assert re.search(r'data-kind="rectified".*?data-sha256="[0-9a-f]{64}"', history, re.S)


def test_bad_input_gets_clear_messages_and_nothing_is_lost_from_the_round(
    page, context, live_server, supervisor_api, tmp_path
):
    """A code of another route, a file that is not a photo, a photo file too large: a message beside the
    field each time, nothing queued for them, and the round's other records all sync."""
    route_id, checkpoints = route_codes(supervisor_api, CAR_PARK)
    _garden, garden_checkpoints = route_codes(supervisor_api, GARDEN)
    open_walk(page, "patrol_a", route_id)
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_selector("#round-active:not([hidden])")
    context.set_offline(True)
    page.wait_for_function("!navigator.onLine")

    confirm(page, garden_checkpoints[0][1])
    error = page.locator("#e-code")
    error.wait_for()
    assert "不是本路线的巡查点" in error.inner_text()
    confirm(page, checkpoints[0][1])
    page.wait_for_selector(f"#cp-{checkpoints[0][0]}.visited")
    assert error.is_hidden()

    page.locator(f"#cp-{checkpoints[0][0]} [data-record]").click()
    form = page.locator("#finding-form")
    form.get_by_label("不合格").check()
    form.locator("#f-note").fill("入口照明不亮")
    form.locator("#f-photos").set_input_files({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a photo"})
    photos_error = page.locator("#e-photos")
    photos_error.wait_for()
    assert "只能附加照片" in photos_error.inner_text()
    queued = pending_count(page)
    form.get_by_role("button", name="保存检查").click()
    assert form.is_visible() and form.locator("#f-note").input_value() == "入口照明不亮"  # kept
    assert pending_count(page) == queued  # not queued
    big = tmp_path / "huge.jpg"  # larger than any phone photo (26 MB); a sparse file, written at once
    with big.open("wb") as f:
        f.write(b"\xff\xd8\xff")
        f.truncate(26 * 1024 * 1024)
    form.locator("#f-photos").set_input_files(str(big))
    page.wait_for_function("document.querySelector('#e-photos').textContent.includes('太大')")
    form.locator("#f-photos").set_input_files(str(png_file(tmp_path, "light.png", 9)))
    page.wait_for_function("document.querySelector('#e-photos').hidden")
    form.get_by_role("button", name="保存检查").click()
    page.wait_for_selector(f"#cp-{checkpoints[0][0]} [data-cp-findings] li.fail")
    page.locator("#nc-form").get_by_role("button", name="暂不").click()
    page.locator("#finish-form button[type=submit]").click()
    page.wait_for_selector("#round-finished:not([hidden])")
    skipped = page.locator("[data-finished-skipped]").inner_text()
    assert f"{len(checkpoints) - 1} 个巡查点未到" in skipped
    shot(page, "patrol-bad-input")

    context.set_offline(False)
    wait_synced(page)
    round_id = page.locator("#walk").get_attribute("data-round-id")
    doc = Api(live_server, "patrol_a").get(f"/api/patrols/rounds/{round_id}").json()
    assert len(doc["visits"]) == 1 and doc["visits"][0]["checkpoint_id"] == checkpoints[0][0]
    assert len(doc["findings"]) == 1 and doc["findings"][0]["note"] == "入口照明不亮"
    assert len(doc["findings"][0]["photos"]) == 1
    assert doc["skipped"] == [cp for cp, _ in checkpoints[1:]]


def start_round(page: Page) -> str:
    """Start a round online; returns its id once the server has it."""
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_selector("#round-active:not([hidden])")
    wait_synced(page)
    return page.locator("#walk").get_attribute("data-round-id")


def round_doc(live_server: str, round_id: str) -> dict:
    return Api(live_server, "patrol_a").get(f"/api/patrols/rounds/{round_id}").json()


def test_a_camera_sized_photo_reaches_the_server_at_most_1600_px(page, live_server, supervisor_api, tmp_path):
    """DESIGN "Offline model" 7: a 2400×1800 photo is resized on the phone; the server stores 1600×1200."""
    route_id, checkpoints = route_codes(supervisor_api, GARDEN)
    open_walk(page, "patrol_a", route_id)
    round_id = start_round(page)
    checkpoint_id, code = checkpoints[0]
    confirm(page, code)
    page.wait_for_selector(f"#cp-{checkpoint_id}.visited")
    record_failed_check(page, checkpoint_id, "岗亭内外整洁", "岗亭玻璃破损", large_png(tmp_path, "big.png", 2400, 1800))
    page.locator("#nc-form").get_by_role("button", name="暂不").click()
    wait_synced(page)

    [finding] = round_doc(live_server, round_id)["findings"]
    body = supervisor_api.get(f"/api/attachments/{finding['photos'][0]}").content
    width, height = jpeg_size(body)
    assert max(width, height) <= 1600
    assert (width, height) == (1600, 1200)  # the long side at the limit, the shape kept


# A camera and a QR reader for headless Chromium: the detector "sees" whatever the test puts in
# `window.__scanned`; the camera is a canvas stream.
FAKE_SCANNER = """
window.__scanned = null;
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
  constructor(options) { this.formats = options?.formats || []; }
  async detect() { return window.__scanned ? [{ rawValue: window.__scanned, format: "qr_code" }] : []; }
};
if (navigator.mediaDevices) {
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = Object.assign(document.createElement("canvas"), { width: 320, height: 240 });
    canvas.getContext("2d").fillRect(0, 0, 320, 240);
    return canvas.captureStream(5);
  };
}
"""


def test_a_checkpoint_is_confirmed_by_scanning_its_qr_code_or_by_the_phones_camera_app(
    page, context, live_server, supervisor_api
):
    """The scan button (BarcodeDetector) reads the QR code's URL and records a visit by scan; opening the
    code's URL (/patrols/c/<CODE>, as the phone's own camera app does) visits that checkpoint too."""
    context.add_init_script(FAKE_SCANNER)
    route_id, checkpoints = route_codes(supervisor_api, GARDEN)
    (scanned_id, scanned_code), (linked_id, linked_code) = checkpoints[:2]
    open_walk(page, "patrol_a", route_id)
    round_id = start_round(page)

    scan = page.get_by_role("button", name="扫描二维码")
    expect(scan).to_be_visible()  # shown only where BarcodeDetector reads QR codes
    scan.click()
    page.wait_for_selector("[data-scanner]:not([hidden])")
    page.evaluate("url => { window.__scanned = url; }", f"{live_server}/patrols/c/{scanned_code}")
    page.wait_for_selector(f"#cp-{scanned_id}.visited")
    expect(page.locator("[data-scanner]")).to_be_hidden()  # the camera is stopped
    expect(page.locator(f"#cp-{scanned_id} [data-cp-status]")).to_contain_text("扫码")
    wait_synced(page)

    page.goto(f"/patrols/c/{linked_code}")
    page.wait_for_url(f"**/patrols/routes/{route_id}/walk")  # the #code= is consumed
    page.wait_for_selector(f"#cp-{linked_id}.visited")
    wait_synced(page)

    visits = {v["checkpoint_id"]: v["method"] for v in round_doc(live_server, round_id)["visits"]}
    assert visits == {scanned_id: "scan", linked_id: "scan"}


REFUSED = {"error": {"code": "not_an_image", "message": "只能上传照片（JPEG、PNG 或 WebP 格式）。"}}


def test_a_photo_the_server_refuses_can_be_left_out_and_the_check_resent_with_its_note(
    page, context, live_server, supervisor_api, tmp_path
):
    """An upload refused (415) rejects the check; on /outbox the person leaves that photo out and sends
    again: the check reaches the server with its note and the other photo, without the refused one."""
    refused: list[str] = []

    def refuse_first_upload(route) -> None:
        if route.request.method == "PUT" and not refused:
            refused.append(route.request.url.rsplit("/", 1)[1])
            route.fulfill(status=415, json=REFUSED)
        else:
            route.fallback()

    context.route("**/api/attachments/**", refuse_first_upload)
    route_id, checkpoints = route_codes(supervisor_api, GARDEN)
    checkpoint_id, code = checkpoints[0]
    open_walk(page, "patrol_a", route_id)
    round_id = start_round(page)
    confirm(page, code)
    page.wait_for_selector(f"#cp-{checkpoint_id}.visited")
    page.locator(f"#cp-{checkpoint_id} [data-record]").click()
    form = page.locator("#finding-form")
    form.get_by_label("不合格").check()
    form.locator("#f-note").fill("路灯灯罩破裂")
    form.locator("#f-photos").set_input_files([str(png_file(tmp_path, f"lamp{n}.png", 20 + n)) for n in (1, 2)])
    form.get_by_role("button", name="保存检查").click()
    page.locator("#nc-form").get_by_role("button", name="暂不").click()
    page.wait_for_selector("[data-outbox-list='finding.create'] li.is-rejected")
    assert len(refused) == 1

    page.goto("/outbox")
    wait_ready(page)
    entry = page.locator("#outbox-list li.is-rejected")
    expect(entry.locator(".error")).to_have_text(REFUSED["error"]["message"])
    expect(entry).to_contain_text("去掉被拒收的照片")
    entry.get_by_role("button", name="编辑").click()
    assert entry.get_by_label("看到的情况").input_value() == "路灯灯罩破裂"
    expect(entry.get_by_role("checkbox")).to_have_count(2)
    entry.get_by_role("checkbox", name="服务器拒收").check()
    shot(page, "outbox-refused-photo")
    entry.get_by_role("button", name="重新发送").click()
    wait_synced(page)
    expect(page.locator("#outbox-empty")).to_be_visible()

    [finding] = round_doc(live_server, round_id)["findings"]
    assert finding["note"] == "路灯灯罩破裂" and finding["result"] == "fail"
    assert len(finding["photos"]) == 1 and refused[0] not in finding["photos"]
    assert page.evaluate("async () => (await (await import('/static/js/idb.js')).all('blobs')).length") == 0
