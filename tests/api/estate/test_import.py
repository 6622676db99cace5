"""Import and export of the register (E1): template round trip, row problems, all-or-nothing,
idempotent re-import, size and type refusals, GB18030 CSV, the CLI, office scoping."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tempfile

from openpyxl import Workbook

from app.estate._rows import HEADERS
from app.estate.importer import plan_import
from app.org.tables import Building, Resident, Unit
from app.spreadsheets import read_table
from tests.conftest import ROOT

ROWS = [
    ["5栋", "5-101", 1, 88.5, "入住", "", "", "", "王小明", "业主", "13811112222", "", "1234"],
    ["5栋", "5-101", 1, 88.5, "入住", "", "", "", "李丽", "家庭成员", "13811113333", "", ""],
    ["5栋", "5-102", 1, 90, "托管", "2026-03-01", 12.5, 300, "赵强", "业主", "0755-12345678", "", "567X"],
    ["6栋", "6-201", 2, "", "空置", "", "", "", "", "", "", "", ""],
]


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _upload(client, token, content: bytes, name="楼盘.xlsx"):
    return await client.post("/estate/import", data={"_csrf_token": token}, files={"file": (name, content)})


async def _confirm(client, token, preview):
    fields = dict(re.findall(r'name="(content|sha|filename)" value="([^"]*)"', preview.text))
    return await client.post("/estate/import/confirm", data={"_csrf_token": token, **fields}, follow_redirects=False)


async def _counts(office_id):
    return (
        await Building.count().where(Building.office == office_id),
        await Unit.count().where(Unit.office == office_id),
        await Resident.count().where(Resident.office == office_id),
    )


async def test_the_template_round_trips(office, signed_in):
    client, token = await signed_in(office["id"], "supervisor")
    template = await client.get("/estate/import/template.xlsx")
    assert template.status_code == 200 and read_table(template.content).headers == HEADERS
    preview = await _upload(client, token, xlsx(ROWS))
    assert preview.status_code == 200, preview.text
    assert "确认导入" in preview.text
    assert (await _confirm(client, token, preview)).status_code == 303
    unit = await Unit.select().where((Unit.office == office["id"]) & (Unit.number == "5-102")).first()
    assert unit["state"] == "entrusted" and unit["entrusted"] is True and float(unit["water_start"]) == 12.5
    assert await Resident.count().where(Resident.unit == unit["id"]) == 1
    exported = await client.get("/estate/export.xlsx")
    again = await plan_import(office["id"], read_table(exported.content))
    assert again.ok and again.changes == 0, again
    assert "无需更改" in (await _upload(client, token, exported.content)).text


async def test_eight_kinds_of_bad_rows_give_eight_messages_and_write_nothing(office, signed_in):
    client, token = await signed_in(office["id"], "frontdesk")
    before = await _counts(office["id"])
    bad = [
        ["", "9-101", 1, "", "入住", "", "", "", "甲", "业主", "13800000001", "", ""],  # 2 missing building
        ["9栋", "9-102", 1, "", "入住", "", "", "", "乙", "业主", "12345", "", ""],  # 3 bad phone
        ["9栋", "9-103", 1, "", "卖掉了", "", "", "", "丙", "业主", "13800000003", "", ""],  # 4 unknown state
        ["9栋", "9-104", 1, "", "入住", "", "", "", "丁", "业主", "13800000004", "", ""],
        ["9栋", "104", 1, "", "入住", "", "", "", "戊", "业主", "13800000005", "", ""],  # 6 two forms
        ["9栋", "9-104", 3, "", "入住", "", "", "", "己", "业主", "13800000006", "", ""],  # 7 duplicate unit
        ["9栋", "9-105", 1, "很大", "入住", "", "", "", "庚", "业主", "13800000007", "", ""],  # 8 bad area
        ["9栋", "9-106", 1, "", "托管", "2026-13-45", "", "", "辛", "业主", "13800000008", "", ""],  # 9 bad date
        ["9栋", "9-107", 1, "", "入住", "", "", "", "壬", "房东", "13800000009", "", ""],  # 10 unknown kind
    ]
    preview = await _upload(client, token, xlsx(bad))
    assert preview.status_code == 422
    problems = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", preview.text)
    assert [(int(r), c) for r, c, _m in problems] == [
        (2, "楼栋"), (3, "电话"), (4, "房屋状态"), (6, "房号"),
        (7, "房号"), (8, "面积(㎡)"), (9, "托管日期"), (10, "住户类型"),
    ]  # fmt: skip
    assert "统一写法" in preview.text
    assert 'name="content"' not in preview.text  # no confirm offered
    assert await _counts(office["id"]) == before


async def test_the_same_file_twice_changes_nothing_and_a_changed_row_updates(office, signed_in):
    client, token = await signed_in(office["id"], "supervisor")
    await _confirm(client, token, await _upload(client, token, xlsx(ROWS)))
    after_first = await _counts(office["id"])
    second = await _upload(client, token, xlsx(ROWS))
    assert "无需更改" in second.text and 'name="content"' not in second.text
    changed = [list(r) for r in ROWS]
    changed[0][3], changed[1][3], changed[0][12] = 95, 95, "4321"
    changed[3][4] = "装修"
    plan = await plan_import(office["id"], read_table(xlsx(changed)))
    assert (len(plan.changed_units), len(plan.changed_residents), len(plan.new_units), len(plan.new_residents)) == (
        2,
        1,
        0,
        0,
    )
    assert (await _confirm(client, token, await _upload(client, token, xlsx(changed)))).status_code == 303
    assert await _counts(office["id"]) == after_first
    unit = await Unit.select().where((Unit.office == office["id"]) & (Unit.number == "5-101")).first()
    assert float(unit["area"]) == 95
    assert await Resident.exists().where((Resident.unit == unit["id"]) & (Resident.id_last4 == "4321"))


async def test_too_large_or_not_a_spreadsheet_is_refused_clearly(office, signed_in):
    client, token = await signed_in(office["id"], "supervisor")
    huge = await _upload(client, token, b"a" * (50 * 1024 * 1024))
    assert huge.status_code == 413 and "文件太大" in huge.text
    png = await _upload(client, token, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, name="photo.png")
    assert png.status_code == 422 and 'id="e-file"' in png.text
    fake = await _upload(client, token, b"PK\x03\x04garbage", name="x.xlsx")
    assert fake.status_code == 422 and "Excel" in fake.text
    tampered = await client.post(
        "/estate/import/confirm",
        data={"_csrf_token": token, "content": "eA==", "sha": "0" * 64},
        follow_redirects=False,
    )
    assert tampered.status_code == 422 and "预览已失效" in tampered.text


async def test_gb18030_csv_reads_correctly(office, signed_in):
    client, token = await signed_in(office["id"], "frontdesk")
    text = ",".join(HEADERS) + "\r\n" + "7栋,7栋301,3,100.5,入住,,,,欧阳娜娜,租户,13900001111,,\r\n"
    preview = await _upload(client, token, text.encode("gb18030"), name="楼盘.csv")
    assert preview.status_code == 200, preview.text
    await _confirm(client, token, preview)
    unit = await Unit.select().where((Unit.office == office["id"]) & (Unit.number == "7-301")).first()
    resident = await Resident.select().where(Resident.unit == unit["id"]).first()
    assert resident["name"] == "欧阳娜娜" and resident["kind"] == "tenant"


async def test_an_import_or_export_of_office_b_never_touches_office_a(office, other_office, signed_in):
    client_b, token_b = await signed_in(other_office["id"], "supervisor")
    before_a = await _counts(office["id"])
    rows = [["1栋", "1-101", 1, 50, "空置", "", "", "", "外人", "业主", "13700000000", "", ""]]
    await _confirm(client_b, token_b, await _upload(client_b, token_b, xlsx(rows)))
    assert await _counts(office["id"]) == before_a
    assert not await Resident.exists().where((Resident.office == office["id"]) & (Resident.name == "外人"))
    exported = read_table((await client_b.get("/estate/export.xlsx")).content)
    assert {r["楼栋"] for r in exported.rows} == {"1栋", "2栋"} and all(
        r["住户姓名"] != "王小明" for r in exported.rows
    )
    # office B's own four units (the factory's, one resident each); the imported 1-101 matched its own 1-101
    assert sorted((r["房号"], r["住户姓名"]) for r in exported.rows)[:2] == [("1-101", "住户"), ("1-101", "外人")]
    assert len(exported.rows) == 5


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "app", "import-estate", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


async def test_the_command_line_import_has_the_same_checks(office):
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as bad:
        bad.write(xlsx([["", "1-1", 1, "", "入住", "", "", "", "甲", "业主", "123", "", ""]]))
        bad.flush()
        refused = _cli("--office", str(office["id"]), bad.name)
    assert refused.returncode == 1
    assert (
        "row 2 [楼栋]" in refused.stderr and "row 2 [电话]" in refused.stderr and "nothing imported" in refused.stderr
    )
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as good:
        good.write(xlsx(ROWS))
        good.flush()
        done = _cli("--office", str(office["id"]), good.name)
        assert done.returncode == 0, done.stderr
        assert "3 new units" in done.stdout and "3 new residents" in done.stdout
        assert "0 new units" in _cli("--office", str(office["id"]), good.name).stdout
