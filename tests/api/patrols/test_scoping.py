"""Tenant scoping (SPEC "Who uses it"): nothing of office A's routes, rounds or inbox is visible to office B,
and B's changes cannot refer to A's records."""

from __future__ import annotations

import uuid

import pytest

from tests.api.patrols.conftest import Phone, statuses, sync_all
from tests.support.sync import mutation


@pytest.fixture
async def office_a(client, office, route, patrol, make_staff):
    """Office A: a finished round with a failed check raised to cleaning."""
    phone = Phone(route)
    cp = route["checkpoints"][0]
    finding = phone.finding("fail", checkpoint_id=cp["id"], check_item_id=cp["items"][0], note="A的秘密问题")
    nc = mutation("nonconformance.create", {"finding_id": finding["id"], "department": "cleaning"})
    batch = [phone.start(), phone.visit(cp["code"]), finding, nc, phone.finish()]
    assert statuses(await sync_all(client, patrol["token"], batch)) == ["applied"] * 5
    return {
        "office_id": office["id"],
        "route": route,
        "round": phone.round_id,
        "nc": nc["id"],
        "finding": finding["id"],
        "code": cp["code"],
    }


@pytest.mark.parametrize("role", ["patrol", "supervisor", "manager", "dept_head", "duty"])
async def test_office_b_sees_nothing_of_office_a(client, office_a, other_office, make_staff, login, role):
    staff_b = await make_staff(other_office["id"], role, department="cleaning" if role == "dept_head" else None)
    await login(client, staff_b)
    route_id = office_a["route"]["id"]
    urls = [
        f"/patrols/routes/{route_id}/walk",
        f"/patrols/routes/{route_id}",
        f"/patrols/routes/{route_id}/qr",
        f"/patrols/checkpoints/{office_a['route']['checkpoints'][0]['id']}",
        f"/patrols/rounds/{office_a['round']}",
        f"/api/patrols/rounds/{office_a['round']}",
        f"/patrols/nc/{office_a['nc']}",
        f"/patrols/review?office={office_a['office_id']}",
        f"/patrols/inbox?office={office_a['office_id']}",
        f"/patrols/c/{office_a['code']}",
    ]
    for url in urls:
        response = await client.get(url, follow_redirects=False)
        assert response.status_code in (403, 404), f"{role}: {url} answered {response.status_code}"
        assert "A的秘密问题" not in response.text and office_a["route"]["name"] not in response.text
    for url in ("/patrols", "/patrols/inbox", "/patrols/review", "/"):
        response = await client.get(url, follow_redirects=False)
        assert response.status_code in (200, 403), f"{role}: {url} answered {response.status_code}"
        assert office_a["route"]["name"] not in response.text
        assert office_a["nc"] not in response.text and "A的秘密问题" not in response.text


async def test_office_b_cannot_write_into_office_a(client, office_a, other_office, make_staff, login):
    """Every reference in a change is checked against the writer's office."""
    supervisor_b = await make_staff(other_office["id"], "supervisor")
    token = await login(client, supervisor_b)
    foreign_round = office_a["round"]
    results = await sync_all(
        client,
        token,
        [
            mutation("patrol_round.start", {"route_id": office_a["route"]["id"]}, str(uuid.uuid4())),
            mutation("checkpoint.visit", {"round_id": foreign_round, "code": office_a["code"], "method": "typed"}),
            mutation("finding.create", {"round_id": foreign_round, "result": "fail", "note": "x"}),
            mutation("nonconformance.create", {"finding_id": office_a["finding"], "department": "cleaning"}),
            mutation(
                "nonconformance.rectify",
                {"nonconformance_id": office_a["nc"], "expected_state": "open", "note": "x"},
            ),
            mutation(
                "nonconformance.verify",
                {"nonconformance_id": office_a["nc"], "expected_state": "rectified", "outcome": "passed"},
            ),
        ],
    )
    assert statuses(results) == ["rejected"] * 6
    codes = [r["error"]["code"] for r in results]
    assert codes == [
        "route_not_found",
        "round_not_found",
        "round_not_found",
        "finding_not_found",
        "nc_not_found",
        "nc_not_found",
    ]


async def test_a_code_of_office_a_is_unknown_in_office_b(client, office_a, other_office, make_staff, login, unique):
    """Checkpoint codes are unique per office only: B's phone never matches A's checkpoint."""
    from tests.api.patrols.conftest import make_route

    route_b = await make_route(other_office["id"], f"B路线{unique}", checkpoints=1)
    patrol_b = await make_staff(other_office["id"], "patrol")
    token = await login(client, patrol_b)
    phone = Phone(route_b)
    results = await sync_all(client, token, [phone.start(), phone.visit(office_a["code"])])
    assert statuses(results) == ["applied", "rejected"]
    assert results[1]["error"]["code"] in ("code_unknown", "code_other_route")
    assert office_a["route"]["name"] not in results[1]["error"]["message"]


async def test_qa_sees_every_offices_review(client, office_a, office, other_office, make_staff, login):
    qa = await make_staff(other_office["id"], "qa")
    await login(client, qa)
    review = await client.get(f"/patrols/review?office={office['id']}")
    assert review.status_code == 200 and "A的秘密问题" in review.text
    assert (await client.get(f"/patrols/rounds/{office_a['round']}")).status_code == 200
