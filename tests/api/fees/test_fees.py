"""Fee status from the finance department's export ($1) and dunning ($2): preview lists every row's problem,
confirm writes all or nothing, the same file twice changes nothing, GB18030 CSV reads; a dunning visit
recorded offline lands once; offices kept apart."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta

import pytest

from app.fees.service import fee_status
from app.fees.tables import DunningRecord, FeeImport, FeeStatus
from app.spreadsheets import read_table, write_xlsx
from tests.support.sync import mutation, sync, sync_one

HEADERS = ["楼栋", "房号", "欠费月数", "欠费金额", "截止日期"]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    """A CSV as Excel saves it (quoted where a cell has a comma)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, *rows])
    return buffer.getvalue().encode(encoding)


@pytest.fixture
async def desk(client, office, make_staff, login):
    token = await login(client, await make_staff(office["id"], "frontdesk"))
    return {"token": token, "office": office}


async def upload(client, token, content: bytes, filename: str = "欠费.csv"):
    return await client.post(
        "/fees/import", data={"_csrf_token": token}, files={"file": (filename, content)}, follow_redirects=False
    )


async def preview_of(client, token, content: bytes, filename: str = "欠费.csv") -> tuple[str, str]:
    response = await upload(client, token, content, filename)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    page = await client.get(location)
    assert page.status_code == 200
    return location, page.text


async def statuses(office_id: int) -> list[tuple]:
    rows = await FeeStatus.select().where(FeeStatus.office == office_id).order_by(FeeStatus.unit)
    return [(r["unit"], r["months_owed"], r["amount_fen"], r["as_of"], r["fee_import"]) for r in rows]


async def test_preview_then_confirm_and_the_same_file_again_changes_nothing(client, desk, office):
    """$1: nothing written at preview; confirm writes every row; a second import of the file writes nothing."""
    rows = [["1栋", "1-101", "3", "1,260.50", "2026-11-30"], ["2栋", "102", "1", "420", "2026/11/30"]]
    location, html = await preview_of(client, desk["token"], csv_bytes(rows))
    assert "2 行，2 户有变化" in html and "1栋 1-101" in html and "¥1,260.50" in html
    assert await statuses(office["id"]) == []  # a preview writes nothing
    confirmed = await client.post(location, data={"_csrf_token": desk["token"]}, follow_redirects=False)
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/fees?imported=2"
    first = await statuses(office["id"])
    assert [(u, m, a, d) for u, m, a, d, _ in first] == [
        (office["units"][0], 3, 126050, date(2026, 11, 30)),
        (office["units"][3], 1, 42000, date(2026, 11, 30)),
    ]
    imports = await FeeImport.count().where(FeeImport.office == office["id"])
    location, html = await preview_of(client, desk["token"], csv_bytes(rows))
    assert "0 户有变化" in html and "无变化" in html
    again = await client.post(location, data={"_csrf_token": desk["token"]}, follow_redirects=False)
    assert again.headers["location"] == "/fees?imported=0"
    assert await statuses(office["id"]) == first  # not even the import id changed
    assert await FeeImport.count().where(FeeImport.office == office["id"]) == imports
    status = await fee_status(office["id"], office["units"][0])
    assert (
        status is not None and status.in_arrears and status.as_of == date(2026, 11, 30) and status.amount == "1,260.50"
    )
    # A newer export updates; an older one is skipped.
    newer = [["1栋", "1-101", "0", "0", "2026-12-01"]]
    location, _ = await preview_of(client, desk["token"], csv_bytes(newer))
    await client.post(location, data={"_csrf_token": desk["token"]})
    older = [["1栋", "1-101", "5", "2000", "2026-10-31"]]
    location, html = await preview_of(client, desk["token"], csv_bytes(older))
    assert "早于现有数据" in html
    await client.post(location, data={"_csrf_token": desk["token"]})
    status = await fee_status(office["id"], office["units"][0])
    assert status is not None and not status.in_arrears and status.as_of == date(2026, 12, 1)


async def test_every_bad_row_is_listed_by_row_and_column_and_nothing_is_written(client, desk, office, other_office):
    future = (date.today() + timedelta(days=30)).isoformat()
    rows = [
        ["1栋", "1-101", "2", "800", "2026-11-30"],  # good
        ["9栋", "901", "1", "100", "2026-11-30"],  # unknown unit (row 3)
        ["1栋", "1-102", "1", "abc", "2026-11-30"],  # bad amount (row 4)
        ["1栋", "1-102", "x", "-5", "2026-11-30"],  # bad months and negative amount (row 5)
        ["", "1-102", "1", "100", "2026-11-30"],  # missing building (row 6)
        ["2栋", "2-101", "1", "100", "30/11/2026"],  # bad date (row 7)
        ["2栋", "2-101", "1", "100", future],  # a date in the future (row 8)
        ["1栋", "1-101", "2", "800", "2026-11-30"],  # the same unit twice (row 9)
        ["另一管理处", other_office["units"] and "1-101", "1", "1", "2026-11-30"],  # another office's building (10)
    ]
    location, html = await preview_of(client, desk["token"], csv_bytes(rows))
    problems = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)
    assert [(int(r), c) for r, c, _ in problems] == [
        (3, "房号"),
        (4, "欠费金额"),
        (5, "欠费月数"),
        (5, "欠费金额"),
        (6, "楼栋"),
        (7, "截止日期"),
        (8, "截止日期"),
        (9, "房号"),
        (10, "房号"),
    ]
    assert "9栋 901" in problems[0][2] and "第 2 行" in problems[7][2]
    refused = await client.post(location, data={"_csrf_token": desk["token"]})
    assert refused.status_code == 422 and "请改正所列各行" in refused.text
    assert await statuses(office["id"]) == []


async def test_gb18030_csv_and_xlsx_read_the_same(client, desk, office):
    rows = [["1栋", "1-101", "3", "999.99", "2026-11-30"]]
    content = csv_bytes(rows, "gb18030")
    assert content.decode("gb18030").startswith("楼栋") and read_table(content).headers == HEADERS
    _, html = await preview_of(client, desk["token"], content)
    assert "1栋 1-101" in html and "¥999.99" in html
    workbook = write_xlsx(HEADERS, [["1栋", "1-101", 3, 999.99, date(2026, 11, 30)]])
    _, html = await preview_of(client, desk["token"], workbook, "欠费.xlsx")
    assert "1栋 1-101" in html and "¥999.99" in html and "2026-11-30" in html
    template = await client.get("/fees/template.xlsx")
    assert read_table(template.content).headers == HEADERS


async def test_unreadable_and_missing_files_are_refused_with_a_message(client, desk):
    not_a_sheet = await upload(client, desk["token"], b"\x00\x01binary" * 100, "photo.jpg")
    assert not_a_sheet.status_code == 422 and 'id="e-file"' in not_a_sheet.text
    missing_columns = await upload(client, desk["token"], "房号,金额\n1-101,3\n".encode())
    page = await client.get(missing_columns.headers["location"])
    assert "缺少此列" in page.text and "欠费月数" in page.text
    none = await client.post("/fees/import", data={"_csrf_token": desk["token"]})
    assert none.status_code in (400, 422)


def dunning(unit_id: int, **extra) -> dict:
    return {
        "unit_id": unit_id,
        "method": "visit",
        "outcome": "promised",
        "promised_date": (date.today() + timedelta(days=7)).isoformat(),
        "note": "表明身份和来意，业主称下周缴",
        **extra,
    }


async def test_a_dunning_visit_recorded_offline_lands_once(client, office, make_staff, login):
    """$2: the outbox resends the same record (lost answers): one record in the unit's history."""
    token = await login(client, await make_staff(office["id"], "duty"))
    unit = office["units"][1]
    m = mutation("dunning.record", dunning(unit, next_follow_up=(date.today() + timedelta(days=8)).isoformat()))
    answers = [(await sync(client, token, [m])).json()["results"][0]["status"] for _ in range(3)]
    assert answers == ["applied", "duplicate", "duplicate"]
    assert await DunningRecord.count().where(DunningRecord.unit == unit) == 1
    page = await client.get(f"/fees/units/{unit}")
    assert page.text.count("表明身份和来意，业主称下周缴") == 1 and "承诺缴费" in page.text


async def test_dunning_fields_are_checked(client, office, make_staff, login):
    token = await login(client, await make_staff(office["id"], "frontdesk"))
    unit = office["units"][0]
    no_date = await sync_one(client, token, "dunning.record", dunning(unit, promised_date=None))
    assert no_date["status"] == "rejected" and no_date["error"]["field"] == "promised_date"
    past = await sync_one(client, token, "dunning.record", dunning(unit, promised_date="2020-01-01"))
    assert past["status"] == "rejected" and past["error"]["field"] == "promised_date"
    bad = await sync_one(client, token, "dunning.record", dunning(unit, method="letter"))
    assert bad["status"] == "rejected"
    form = {
        "id": str(uuid.uuid4()),
        "method": "phone",
        "outcome": "promised",
        "promised_date": "",
        "note": "x" * 501,
        "_csrf_token": token,
    }
    again = await client.post(f"/fees/units/{unit}/dunning", data=form)
    assert again.status_code == 422 and 'id="e-note"' in again.text
    form |= {"note": "电话催收", "outcome": "not_reached"}
    assert (await client.post(f"/fees/units/{unit}/dunning", data=form, follow_redirects=False)).status_code == 303


async def test_the_dunning_list_is_sorted_by_amount_then_age(client, desk, office):
    rows = [
        ["1栋", "1-101", "2", "500", "2026-11-30"],
        ["1栋", "1-102", "6", "500", "2026-11-30"],
        ["2栋", "2-101", "1", "900", "2026-11-30"],
        ["2栋", "2-102", "0", "0", "2026-11-30"],
    ]
    location, _ = await preview_of(client, desk["token"], csv_bytes(rows))
    await client.post(location, data={"_csrf_token": desk["token"]})
    html = (await client.get("/fees")).text
    order = [html.index(label) for label in ("2栋 2-101", "1栋 1-102", "1栋 1-101")]
    assert order == sorted(order) and "2栋 2-102" not in html
    assert html.count("截至 2026-11-30") == 3


async def test_offices_do_not_see_each_others_fees(client, desk, office, other_office, make_staff, login, new_client):
    rows = [["1栋", "1-101", "3", "777", "2026-11-30"]]
    location, _ = await preview_of(client, desk["token"], csv_bytes(rows))
    await client.post(location, data={"_csrf_token": desk["token"]})
    async with new_client() as other:
        token = await login(other, await make_staff(other_office["id"], "frontdesk"))
        # The amount as the page shows it: a bare "777" also turns up in random tokens (CSP nonce).
        assert "¥777" not in (await other.get("/fees")).text
        assert (await other.get(f"/fees/units/{office['units'][0]}")).status_code == 404
        assert (await other.get(location)).status_code == 404  # another office's upload
        export = await other.get("/fees/export.xlsx")
        assert export.status_code == 200 and read_table(export.content).rows == []
        refused = await sync_one(other, token, "dunning.record", dunning(office["units"][0]))
        assert refused["status"] == "rejected" and refused["error"]["code"] == "unit_not_found"
        # The same building names in office B match B's own units, never A's.
        location_b, _ = await preview_of(other, token, csv_bytes([["1栋", "1-101", "1", "1", "2026-11-30"]]))
        await other.post(location_b, data={"_csrf_token": token})
    export = await client.get("/fees/export.xlsx")
    assert [r["欠费金额"] for r in read_table(export.content).rows] == ["777"]
    assert await fee_status(other_office["id"], office["units"][0]) is None
    a_status = await fee_status(office["id"], office["units"][0])
    assert a_status is not None and a_status.amount_fen == 77700
    assert (await fee_status(other_office["id"], other_office["units"][0])).amount_fen == 100


async def test_an_upload_over_the_limit_is_refused_with_a_clear_message(client, desk, office):
    too_large = await upload(client, desk["token"], b"a,b\n" * (6 * 1024 * 1024))  # 24 MB > 20 MB
    assert too_large.status_code == 413 and "提交的内容过大" in too_large.text
    assert await statuses(office["id"]) == []
