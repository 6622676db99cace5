"""Issue 12 in Chromium at 390×844: the supervisor imports a 300-unit XLSX laid out as a spreadsheet
program saves it (styled header, frozen row, filters, numeric phones, date cells), previews and
confirms it; the front desk then finds a resident by phone (SPEC E1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from playwright.sync_api import expect

from app.estate._rows import HEADERS
from tests.e2e.conftest import PHONE, shot, sign_in

pytestmark = pytest.mark.e2e

FIND_PHONE = "13677770150"


def _estate_workbook(path: Path) -> Path:
    """3 buildings × 10 floors × 10 doors = 300 units; every unit an owner, every third a tenant too."""
    book = Workbook()
    sheet = book.active
    sheet.title = "业主资料"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    n = 0
    for building in (11, 12, 13):
        for floor in range(1, 11):
            for door in range(1, 11):
                state = "托管" if n % 50 == 7 else ("空置" if n % 9 == 0 else "入住")
                entrusted = dt.datetime(2026, 3, 1) if state == "托管" else None
                unit = [f"{building}栋", f"{building}-{floor}{door:02d}", floor, 88.66 + door, state, entrusted]
                unit += [12.5 if entrusted else None, 300 if entrusted else None]
                sheet.append([*unit, f"业主{n:03d}", "业主", int(f"13677770{n:03d}"), None, f"{n:04d}"[-4:]])
                if n % 3 == 0:
                    sheet.append([*unit, f"租户{n:03d}", "租户", int(f"13588880{n:03d}"), None, None])
                n += 1
    for column, width in zip("ABCDEFGHIJKLM", (8, 10, 6, 10, 10, 12, 10, 10, 10, 10, 14, 14, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(path)
    return path


def test_import_a_300_unit_workbook_then_find_a_resident_by_phone(browser, live_server, page, tmp_path):
    workbook = _estate_workbook(tmp_path / "翠湖花园业主资料.xlsx")
    sign_in(page, "super_a")
    page.goto("/estate/import")
    shot(page, "estate-1-import")
    page.set_input_files("#f-file", str(workbook))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_url("**/estate/import")
    expect(page.get_by_text("新增房屋")).to_be_visible()
    summary = page.locator("ul.summary").inner_text()
    assert "新增房屋: 300" in summary.replace("：", ": ") and "新增住户: 400" in summary.replace("：", ": "), summary
    shot(page, "estate-2-preview")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/estate?imported=*")
    expect(page.locator("p.notice[role=status]")).to_contain_text("导入完成：703 处变更")  # 3 + 300 + 400
    shot(page, "estate-3-imported")

    desk = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
    try:
        front = desk.new_page()
        sign_in(front, "frontdesk_a")
        front.get_by_role("link", name="房屋档案").click()
        front.get_by_label("房号、姓名或电话").fill(FIND_PHONE)
        front.get_by_role("button", name="查找").click()
        result = front.get_by_role("list", name="找到的房屋")
        expect(result).to_contain_text("12栋 12-601")
        expect(result).to_contain_text("业主150")
        shot(front, "estate-4-found-by-phone")
        result.get_by_role("link").first.click()
        expect(front.get_by_role("heading", level=1)).to_contain_text("12栋 12-601")
        expect(front.locator("a.phone").first).to_have_attribute("href", f"tel:{FIND_PHONE}")
        shot(front, "estate-5-unit")
        front.goto("/estate?q=12栋601")
        expect(front.get_by_role("list", name="找到的房屋")).to_contain_text("业主150")
    finally:
        desk.close()
