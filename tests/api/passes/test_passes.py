"""Passes (SPEC V2): one per person, a validity period checked at its edges, a certified trade needs its
certificate, withdrawn passes, the renovation's service functions, offices kept apart."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest

from app.clock import today, zone
from app.passes import service
from app.passes.tables import AccessPass
from tests.support.sync import sync_one


def day(offset: int = 0) -> str:
    return (today(zone()) + timedelta(days=offset)).isoformat()


def pass_form(token: str, **fields) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "holder_name": "张师傅",
        "holder_kind": "contractor",
        "company": "安居装饰",
        "id_kind": "id_card",
        "id_last4": "123X",
        "valid_from": day(),
        "valid_to": day(30),
        "_csrf_token": token,
        **fields,
    }


@pytest.fixture
async def desk(client, office, make_staff, login):
    staff = await make_staff(office["id"], "frontdesk")
    return {"token": await login(client, staff), "staff": staff, "office": office}


async def issue(client, token, **fields) -> str:
    response = await client.post("/passes", data=pass_form(token, **fields), follow_redirects=False)
    assert response.status_code == 303, response.text
    return re.search(r"/passes/([0-9a-f-]{36})$", response.headers["location"]).group(1)


async def test_a_pass_is_issued_printable_with_its_qr_and_never_the_full_id(client, desk):
    """V2: the pass gets a short number unique in the office, a QR code of it, and only the ID's last 4."""
    first = await issue(client, desk["token"])
    second = await issue(client, desk["token"], holder_name="李工")
    rows = await AccessPass.select().where(AccessPass.office == desk["office"]["id"]).order_by(AccessPass.number)
    assert [r["number"] for r in rows] == ["P0001", "P0002"] and str(rows[0]["id"]) == first
    page = await client.get(f"/passes/{first}")
    assert page.status_code == 200 and "<svg" in page.text and "P0001" in page.text and "****123X" in page.text
    assert "有效" in page.text and "张师傅" in page.text
    listing = await client.get("/passes")
    assert "P0002" in listing.text and "李工" in listing.text and second in listing.text


async def test_valid_to_before_valid_from_gets_a_message_beside_the_field(client, desk):
    """V2 edge: the last day one day before the first → refused beside `valid_to`; the same day is fine."""
    bad = await client.post("/passes", data=pass_form(desk["token"], valid_from=day(1), valid_to=day(0)))
    assert bad.status_code == 422 and 'id="e-valid_to"' in bad.text and "早于" in bad.text
    assert await AccessPass.count().where(AccessPass.office == desk["office"]["id"]) == 0
    await issue(client, desk["token"], valid_from=day(1), valid_to=day(1))
    too_long = await client.post("/passes", data=pass_form(desk["token"], valid_from=day(0), valid_to=day(366)))
    assert too_long.status_code == 422 and 'id="e-valid_to"' in too_long.text
    await issue(client, desk["token"], valid_from=day(0), valid_to=day(365))  # 366 days: the limit


@pytest.mark.parametrize("trade", sorted(service.CERTIFIED_TRADES))
async def test_a_certified_trade_without_its_certificate_gets_a_message(client, desk, trade):
    """V2 (seed 004): electricians, plumbers and gas fitters need a certificate number on the pass."""
    bad = await client.post("/passes", data=pass_form(desk["token"], trade=trade))
    assert bad.status_code == 422 and 'id="e-certificate_no"' in bad.text and "证" in bad.text
    await issue(client, desk["token"], trade=trade, certificate_no="T1234567")
    await issue(client, desk["token"], trade="painter")  # not a certified trade


async def test_bad_input_is_a_message_never_a_500(client, desk):
    for fields in ({"id_last4": "12"}, {"id_last4": "abcd"}, {"valid_from": "2026-13-01"}, {"holder_name": ""},
                   {"holder_name": "名" * 51}, {"unit_id": "99999999999"}, {"holder_kind": "boss"}):  # fmt: skip
        response = await client.post("/passes", data=pass_form(desk["token"], **fields))
        assert response.status_code == 422, (fields, response.status_code)
        assert f'id="e-{next(iter(fields))}"' in response.text, fields


async def test_a_withdrawn_pass_is_withdrawn_once_and_the_renovation_functions(client, desk, make_staff):
    """V2: withdrawing twice is refused; `passes_for_renovation` / `withdraw_renovation_passes` for E-domains."""
    office_id = desk["office"]["id"]
    unit = desk["office"]["units"][0]
    a = await issue(client, desk["token"], renovation_id="41", unit_id=str(unit))
    await issue(client, desk["token"], renovation_id="41", holder_name="王五")
    await issue(client, desk["token"], renovation_id="42")
    found = await service.passes_for_renovation(office_id, 41)
    assert [p.holder_name for p in found] == ["张师傅", "王五"] and found[0].unit_label.endswith("1-101")
    first = await sync_one(client, desk["token"], "pass.withdraw", {"pass_id": a, "reason": "丢失"})
    again = await sync_one(client, desk["token"], "pass.withdraw", {"pass_id": a, "reason": "丢失"})
    assert first["status"] == "applied" and again["status"] == "rejected"
    assert await service.withdraw_renovation_passes(office_id, 41, desk["staff"]["id"], "装修完工") == 1
    states = [(p.holder_name, p.state, p.withdrawn_reason) for p in await service.passes_for_renovation(office_id, 41)]
    assert states == [("张师傅", "withdrawn", "丢失"), ("王五", "withdrawn", "装修完工")]
    assert [p.state for p in await service.passes_for_renovation(office_id, 42)] == ["valid"]


async def test_pass_states_at_their_edges():
    row = {"withdrawn_at": None, "valid_from": date(2026, 12, 1), "valid_to": date(2026, 12, 3)}
    assert service.pass_state(row, date(2026, 11, 30)) == "not_yet"
    assert service.pass_state(row, date(2026, 12, 1)) == "valid"
    assert service.pass_state(row, date(2026, 12, 3)) == "valid"
    assert service.pass_state(row, date(2026, 12, 4)) == "expired"


async def test_office_b_cannot_see_or_withdraw_office_a_pass(client, desk, other_office, make_staff, login, new_client):
    a = await issue(client, desk["token"])
    async with new_client() as other:
        token = await login(other, await make_staff(other_office["id"], "supervisor"))
        assert (await other.get(f"/passes/{a}")).status_code == 404
        assert "张师傅" not in (await other.get("/passes")).text
        refused = await sync_one(other, token, "pass.withdraw", {"pass_id": a, "reason": "x"})
        assert refused["status"] == "rejected"
        response = await other.post(f"/passes/{a}/withdraw", data={"reason": "x", "_csrf_token": token})
        assert response.status_code == 404  # refused, and the pass is not shown
    assert (await AccessPass.select(AccessPass.withdrawn_at).where(AccessPass.id == uuid.UUID(a)).first())[
        "withdrawn_at"
    ] is None
