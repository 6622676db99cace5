"""K1 on /reports: the resident-file error rate comes from the spot checks (E2) and equals the value
computed here from the raw check rows; the targets are read strictly (K1: 98.0 % is not "> 98 %",
and 1.0 % is not "< 1 %")."""

from __future__ import annotations

from app.clock import now, zone
from app.estate.tables import FileCheck, FileCheckItem
from app.reports.service import meets


async def test_the_file_error_rate_equals_the_raw_spot_check_rows(client, office, other_office, make_staff, login):
    supervisor = await make_staff(office["id"], "supervisor")
    token = await login(client, supervisor)
    check = (await FileCheck.insert(FileCheck(office=office["id"], seed="s", size=4)).returning(FileCheck.id))[0]
    marks = [True, True, False, True, None]  # None: drawn, not checked yet — not counted
    at = now()
    for unit, correct in zip(office["units"] * 2, marks, strict=False):
        await FileCheckItem.insert(
            FileCheckItem(
                office=office["id"],
                check=check["id"],
                unit=unit,
                correct=correct,
                checked_at=at if correct is not None else None,
            )
        )
    other = (await FileCheck.insert(FileCheck(office=other_office["id"], seed="t", size=1)).returning(FileCheck.id))[0]
    await FileCheckItem.insert(
        FileCheckItem(
            office=other_office["id"], check=other["id"], unit=other_office["units"][0], correct=False, checked_at=at
        )
    )
    rows = await FileCheckItem.select().where(FileCheckItem.office == office["id"])
    checked = [r for r in rows if r["checked_at"] is not None]
    expected = round(100.0 * sum(1 for r in checked if r["correct"] is False) / len(checked), 1)

    page = await client.get(f"/reports?month={at.astimezone(zone()).strftime('%Y-%m')}")
    assert page.status_code == 200
    assert "档案差错率" in page.text and f"{expected}%" in page.text and "(1/4)" in page.text
    assert token  # signed in as the office's supervisor: office B's wrong file is not counted


def test_k1_targets_are_strict():
    assert meets("on_time", 98.0) is False and meets("on_time", 98.1) is True
    assert meets("satisfaction", 95.0) is False and meets("satisfaction", 95.1) is True
    assert meets("followup_rate", 100.0) is True and meets("followup_rate", 99.9) is False
    assert meets("file_errors", 1.0) is False and meets("file_errors", 0.9) is True
    assert meets("on_time", None) is None
