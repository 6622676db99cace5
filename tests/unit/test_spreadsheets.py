"""The one spreadsheet reader/writer: XLSX, CSV in UTF-8 and GB18030, formula cells neutralised."""

from __future__ import annotations

import pytest

from app.spreadsheets import MAX_UPLOAD_BYTES, SpreadsheetError, read_table, safe_cell, write_csv, write_xlsx

HEADERS = ["楼栋", "房号", "业主姓名"]
ROWS = [["3栋", "402", "张三"], ["3栋", "403", '=HYPERLINK("http://x")']]


def test_an_xlsx_written_is_read_back_and_formulas_are_neutralised():
    sheet = read_table(write_xlsx(HEADERS, ROWS), "estate.xlsx")
    assert sheet.headers == HEADERS
    assert sheet.rows[0] == {"楼栋": "3栋", "房号": "402", "业主姓名": "张三"}
    assert sheet.rows[1]["业主姓名"] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_the_encodings_chinese_excel_writes(encoding):
    text = "楼栋,房号,业主姓名\r\n3栋,402,张三\r\n\r\n3栋,403,李四\r\n"
    sheet = read_table(text.encode(encoding), "estate.csv")
    assert [r["业主姓名"] for r in sheet.rows] == ["张三", "李四"]


def test_not_a_spreadsheet_and_too_large_are_refused_with_a_message():
    with pytest.raises(SpreadsheetError, match="xlsx"):
        read_table(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.png")
    with pytest.raises(SpreadsheetError, match="MB"):
        read_table(b"a" * (MAX_UPLOAD_BYTES + 1), "big.csv")
    with pytest.raises(SpreadsheetError):
        read_table(b"PK\x03\x04not really a zip", "broken.xlsx")


def test_csv_export_cells_that_start_like_formulas_are_neutralised():
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell(-3) == -3
    assert write_csv(["a"], [["+86 138"]]).decode("utf-8-sig").splitlines()[1] == "'+86 138"


def _titled_workbook() -> bytes:
    """What offices send: a merged title across the top, a blank line, then the header."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "翠湖花园 房屋档案（2026年12月）"
    sheet.merge_cells("A1:C1")
    sheet.append([])
    sheet.append(HEADERS)  # row 3
    sheet.append(["3栋", "402", "张三"])  # row 4
    sheet.append([])  # row 5
    sheet.append(["3栋", "403", "李四"])  # row 6
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_title_row_above_the_header_is_skipped_and_rows_keep_their_excel_numbers():
    sheet = read_table(_titled_workbook(), "estate.xlsx")
    assert sheet.headers == HEADERS and sheet.header_row == 3
    assert [r["业主姓名"] for r in sheet.rows] == ["张三", "李四"]
    assert sheet.row_numbers == [4, 6]


def test_a_csv_title_line_is_skipped_too():
    text = "翠湖花园房屋档案,,\r\n楼栋,房号,业主姓名\r\n3栋,402,张三\r\n"
    sheet = read_table(text.encode("gb18030"), "estate.csv")
    assert sheet.headers == HEADERS and list(sheet.numbered()) == [
        (3, {"楼栋": "3栋", "房号": "402", "业主姓名": "张三"})
    ]


def test_a_one_column_sheet_still_has_its_header():
    """Every row fills one cell: the first is the header, not a title."""
    sheet = read_table("房号\r\n402\r\n403\r\n".encode(), "units.csv")
    assert sheet.headers == ["房号"] and sheet.row_numbers == [2, 3]
