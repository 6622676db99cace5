"""Resident files (E2) and spot checks (K1 档案抽查): documents with scans, confidentiality, a seeded
draw, and the file-error rate equal to the raw spot-check rows."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from PIL import Image

from app.clock import now
from app.estate.files import DEFAULT_FILE_CHECKLIST, file_error_rate, verify_draw
from app.estate.tables import FileCheck, FileCheckItem, FileDocument


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 50, 50)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_document_received_with_its_scan_shows_who_and_when(office, signed_in):
    client, token = await signed_in(office["id"], "frontdesk")
    unit = office["units"][0]
    page = await client.get(f"/estate/units/{unit}/file")
    assert page.status_code == 200 and all(kind in page.text for kind in DEFAULT_FILE_CHECKLIST)
    answer = await client.post(
        f"/estate/units/{unit}/file",
        data={"_csrf_token": token, "kind": "身份证复印件", "note": "正反面"},
        files={"scan": ("id.png", _png(), "image/png")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    row = await FileDocument.select().where(FileDocument.unit == unit).first()
    assert row["kind"] == "身份证复印件" and len(row["attachment"]) == 64 and row["received_by"] is not None
    page = await client.get(f"/estate/units/{unit}/file")
    assert f"/api/attachments/{row['attachment']}" in page.text and "测试frontdesk" in page.text
    assert (await client.get(f"/api/attachments/{row['attachment']}")).status_code == 200
    refused = await client.post(
        f"/estate/units/{unit}/file",
        data={"_csrf_token": token, "kind": "身份证复印件"},
        files={"scan": ("x.pdf", b"%PDF-1.4 not a photo", "application/pdf")},
    )
    assert refused.status_code == 415 and "error" in refused.text
    unknown = await client.post(f"/estate/units/{unit}/file", data={"_csrf_token": token, "kind": "别的"}, files={})
    assert unknown.status_code == 422


async def test_files_are_for_the_service_centre_of_the_office_only(office, other_office, signed_in):
    unit = office["units"][0]
    for role in ("technician", "patrol", "engineering_lead", "dept_head"):
        client, _token = await signed_in(office["id"], role)
        assert (await client.get(f"/estate/units/{unit}/file")).status_code == 403, role
    client_b, _token = await signed_in(other_office["id"], "supervisor")
    assert (await client_b.get(f"/estate/units/{unit}/file")).status_code == 404


async def test_spot_check_is_reproducible_and_the_error_rate_is_the_raw_rows(office, other_office, signed_in):
    client, token = await signed_in(office["id"], "supervisor")
    start = now() - timedelta(seconds=1)
    assert (await client.post("/estate/file-checks", data={"_csrf_token": token, "size": "3"})).status_code == 303
    check = await FileCheck.select().where(FileCheck.office == office["id"]).first()
    assert await verify_draw(check["id"])
    items = await FileCheckItem.select().where(FileCheckItem.check == check["id"]).order_by(FileCheckItem.id)
    assert len(items) == 3 and {i["unit"] for i in items} <= set(office["units"])
    url = f"/estate/file-checks/items/{items[0]['id']}"
    needs = await client.post(url, data={"_csrf_token": token, "correct": "false", "errors": ""})
    assert needs.status_code == 422 and "请写明此档案的错误" in needs.text
    await client.post(url, data={"_csrf_token": token, "correct": "false", "errors": "缺身份证复印件"})
    for item in items[1:]:
        await client.post(f"/estate/file-checks/items/{item['id']}", data={"_csrf_token": token, "correct": "true"})
    rate = await file_error_rate(office["id"], start, now() + timedelta(seconds=1))
    raw = await FileCheckItem.select().where(
        (FileCheckItem.office == office["id"]) & FileCheckItem.checked_at.is_not_null()
    )
    assert (rate.wrong, rate.checked) == (sum(r["correct"] is False for r in raw), len(raw)) == (1, 3)
    assert rate.meets_target is False and round(rate.percent, 2) == 33.33
    assert (await file_error_rate(office["id"], start - timedelta(days=9), start)).checked == 0
    page = await client.get("/estate/file-checks")
    assert "缺身份证复印件" in page.text and re.search(r"随机种子\s*" + check["seed"], page.text)
    client_b, token_b = await signed_in(other_office["id"], "supervisor")
    other = await client_b.post(url, data={"_csrf_token": token_b, "correct": "true"})
    assert other.status_code in (404, 422)
    assert (await FileCheckItem.select(FileCheckItem.correct).where(FileCheckItem.id == items[0]["id"]).first())[
        "correct"
    ] is False
    frontdesk, token_f = await signed_in(office["id"], "frontdesk")
    assert (await frontdesk.post("/estate/file-checks", data={"_csrf_token": token_f, "size": "3"})).status_code == 403


async def test_the_supervisor_sets_the_office_checklist(office, signed_in):
    client, token = await signed_in(office["id"], "supervisor")
    saved = await client.post(
        "/estate/settings", data={"_csrf_token": token, "checklist": "身份证复印件\n车位协议\n"}, follow_redirects=False
    )
    assert saved.status_code == 303
    page = await client.get(f"/estate/units/{office['units'][0]}/file")
    assert "车位协议" in page.text and "装修资料" not in page.text
    assert (await client.post("/estate/settings", data={"_csrf_token": token, "checklist": ""})).status_code == 422
