"""The supervisor sets up routes, checkpoints and check items (SPEC P1, P2), prints the QR sheet, and sets
each department's rectification deadline (P3). Bad input: 422 with the message beside the field."""

from __future__ import annotations

import re

import pytest

from app.patrols.tables import CheckItem, Checkpoint, DepartmentDeadline, PatrolRoute


@pytest.fixture
async def supervisor(client, office, make_staff, login):
    staff = await make_staff(office["id"], "supervisor")
    return {**staff, "token": await login(client, staff)}


async def test_a_supervisor_builds_a_route_with_checkpoints_and_check_items(client, supervisor, office, unique):
    token = supervisor["token"]
    name = f"花园{unique}"
    created = await client.post(
        "/patrols/routes",
        data={"_csrf_token": token, "name": name, "kind": "patrol", "daily_rounds": "2"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    route_id = int(created.headers["location"].rsplit("/", 1)[1])
    checkpoint_ids = []
    for cp_name in ("东门岗亭", "中心花园"):
        added = await client.post(
            f"/patrols/routes/{route_id}/checkpoints",
            data={"_csrf_token": token, "name": cp_name, "location": "小区", "building_id": ""},
            follow_redirects=False,
        )
        assert added.status_code == 303
        checkpoint_ids.append(int(added.headers["location"].rsplit("/", 1)[1]))
    saved = await client.post(
        f"/patrols/checkpoints/{checkpoint_ids[0]}",
        data={
            "_csrf_token": token,
            "name": "东门岗亭",
            "location": "东门",
            "active": "true",
            "new-0-label": "岗位有人值守，着装规范",
            "new-0-department": "security",
            "new-1-label": "岗亭整洁",
            "new-1-department": "cleaning",
            "new-2-label": "",
            "new-2-department": "security",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    items = (
        await CheckItem.select(CheckItem.id, CheckItem.label, CheckItem.department)
        .where(CheckItem.checkpoint == checkpoint_ids[0])
        .order_by(CheckItem.position)
    )
    assert [(i["label"], i["department"]) for i in items] == [
        ("岗位有人值守，着装规范", "security"),
        ("岗亭整洁", "cleaning"),
    ]

    # Rename one item, retire the other (old findings still name it, so it is kept, inactive).
    await client.post(
        f"/patrols/checkpoints/{checkpoint_ids[0]}",
        data={
            "_csrf_token": token,
            "name": "东门岗亭",
            "active": "true",
            f"item-{items[0]['id']}-label": "岗位有人、着装规范",
            f"item-{items[0]['id']}-department": "security",
            f"item-{items[1]['id']}-label": "岗亭整洁",
            f"item-{items[1]['id']}-department": "cleaning",
            f"item-{items[1]['id']}-remove": "1",
        },
    )
    rows = (
        await CheckItem.select(CheckItem.label, CheckItem.active)
        .where(CheckItem.checkpoint == checkpoint_ids[0])
        .order_by(CheckItem.position)
    )
    assert [(r["label"], r["active"]) for r in rows] == [("岗位有人、着装规范", True), ("岗亭整洁", False)]

    codes = [r["code"] for r in await Checkpoint.select(Checkpoint.code).where(Checkpoint.route == route_id)]
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code) for code in codes) and len(set(codes)) == 2

    moved = await client.post(
        f"/patrols/checkpoints/{checkpoint_ids[1]}/move",
        data={"_csrf_token": token, "direction": "up"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    order = await Checkpoint.select(Checkpoint.id).where(Checkpoint.route == route_id).order_by(Checkpoint.position)
    assert [r["id"] for r in order] == [checkpoint_ids[1], checkpoint_ids[0]]
    page = await client.get(f"/patrols/routes/{route_id}")
    assert page.text.index("中心花园") < page.text.index("东门岗亭")


@pytest.mark.parametrize(
    ("url", "fields", "field"),
    [
        ("/patrols/routes", {"name": "", "kind": "patrol", "daily_rounds": "1"}, "name"),
        ("/patrols/routes", {"name": "x", "kind": "orbit", "daily_rounds": "1"}, "kind"),
        ("/patrols/routes", {"name": "x", "kind": "patrol", "daily_rounds": "99"}, "daily_rounds"),
        ("/patrols/routes", {"name": "x" * 61, "kind": "patrol", "daily_rounds": "1"}, "name"),
    ],
)
async def test_bad_route_input_gets_a_422_beside_the_field(client, supervisor, url, fields, field):
    response = await client.post(url, data={"_csrf_token": supervisor["token"], **fields}, follow_redirects=False)
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.text


async def test_bad_checkpoint_and_item_input_is_refused_with_messages(client, supervisor, route, other_office):
    token = supervisor["token"]
    from app.org.tables import Building

    foreign_building = (await Building.insert(Building(office=other_office["id"], name="别人的楼")))[0]["id"]
    response = await client.post(
        f"/patrols/routes/{route['id']}/checkpoints",
        data={"_csrf_token": token, "name": "新点", "building_id": str(foreign_building)},
    )
    assert response.status_code == 422 and 'id="e-building_id"' in response.text
    cp = route["checkpoints"][0]
    response = await client.post(
        f"/patrols/checkpoints/{cp['id']}",
        data={"_csrf_token": token, "name": cp["name"], "new-0-label": "无部门", "new-0-department": "kitchen"},
    )
    assert response.status_code == 422
    assert "new-0-department" in response.text and 'role="alert"' in response.text
    assert await CheckItem.count().where(CheckItem.label == "无部门") == 0


async def test_the_qr_sheet_has_one_code_per_checkpoint_with_its_name_and_short_code(client, supervisor, route):
    sheet = await client.get(f"/patrols/routes/{route['id']}/qr")
    assert sheet.status_code == 200
    assert sheet.text.count("<svg") == len(route["checkpoints"])
    for cp in route["checkpoints"]:
        card = sheet.text[sheet.text.index(f'data-code="{cp["code"]}"') :]
        assert cp["name"] in card[: card.index("</figure>")]
        assert f'<span class="qr-code-text">{cp["code"]}</span>' in card[: card.index("</figure>")]
    assert "@media print" in (await client.get("/static/css/app.css")).text


async def test_a_scanned_checkpoint_link_opens_the_walk_page_with_the_code(client, supervisor, route):
    cp = route["checkpoints"][1]
    response = await client.get(f"/patrols/c/{cp['code'].lower()}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/patrols/routes/{route['id']}/walk#code={cp['code']}"
    assert (await client.get("/patrols/c/NOSUCH", follow_redirects=False)).status_code == 404


async def test_department_deadlines_are_configurable_per_office(client, supervisor, office):
    token = supervisor["token"]
    values = {"security": "1", "engineering": "5", "cleaning": "2", "landscaping": "7", "customer_service": "3"}
    saved = await client.post("/patrols/settings", data={"_csrf_token": token, **values}, follow_redirects=False)
    assert saved.status_code == 303
    rows = await DepartmentDeadline.select(DepartmentDeadline.department, DepartmentDeadline.days).where(
        DepartmentDeadline.office == office["id"]
    )
    assert {r["department"]: r["days"] for r in rows} == {k: int(v) for k, v in values.items()}
    bad = await client.post("/patrols/settings", data={"_csrf_token": token, **values, "cleaning": "-1"})
    assert bad.status_code == 422 and 'id="e-cleaning"' in bad.text


async def test_setup_pages_are_for_supervisors(client, office, make_staff, login, route):
    patrol = await make_staff(office["id"], "patrol")
    token = await login(client, patrol)
    for url in (
        "/patrols/routes",
        f"/patrols/routes/{route['id']}",
        f"/patrols/routes/{route['id']}/qr",
        "/patrols/settings",
    ):
        assert (await client.get(url, follow_redirects=False)).status_code == 403
    response = await client.post(
        "/patrols/routes", data={"_csrf_token": token, "name": "x", "kind": "patrol"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert await PatrolRoute.count().where((PatrolRoute.office == office["id"]) & (PatrolRoute.name == "x")) == 0
