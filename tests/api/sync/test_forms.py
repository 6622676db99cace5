"""The one form adapter (DESIGN "One form adapter"): a plain form is the outbox's mutation, applied
by `apply_batch`; refused forms come back as a 422 with the message beside the field."""

from __future__ import annotations

import uuid

import pytest

from app.duty.schemas import DutyLogAppend, DutyLogAppendData
from app.duty.tables import DutyLogEntry
from app.sync.forms import build_mutation, data_type, form_data
from app.sync.tables import AppliedMutation


@pytest.fixture
async def duty(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    token = await login(client, staff)
    return {"staff": staff, "token": token, "office": office}


def test_form_fields_are_the_data_keys_shaped_for_the_struct():
    assert data_type(DutyLogAppend) is DutyLogAppendData
    values = form_data(DutyLogAppendData, {"category": " help ", "text": "x", "unit_id": "", "_csrf_token": "t"})
    assert values == {"category": "help", "text": "x"}  # empty optional left to its default, transport dropped


def test_every_problem_of_the_form_is_named_beside_its_field():
    outcome = build_mutation(DutyLogAppend, {"category": "nonsense", "text": "", "unit_id": "abc"})
    assert set(outcome.errors) == {"category", "text", "unit_id"}
    assert outcome.errors["text"] == "此项为必填项。"


def test_an_unknown_field_is_refused_not_dropped():
    outcome = build_mutation(DutyLogAppend, {"category": "help", "text": "x", "colour": "red"})
    assert not isinstance(outcome, DutyLogAppend) and not outcome.ok


async def test_a_posted_form_is_applied_once_through_the_sync_service(client, duty):
    form_id = str(uuid.uuid4())
    form = {"_csrf_token": duty["token"], "id": form_id, "category": "help", "text": "同步表单提交", "unit_id": ""}
    for _ in range(2):  # a double tap sends the same form twice
        response = await client.post("/duty-log", data=form, follow_redirects=False)
        assert response.status_code == 303, response.text[:300]
    assert await DutyLogEntry.count().where(DutyLogEntry.id == uuid.UUID(form_id)) == 1
    applied = await AppliedMutation.select(AppliedMutation.device_id).where(AppliedMutation.id == uuid.UUID(form_id))
    assert applied == [{"device_id": "web-form"}]


async def test_a_refused_form_comes_back_as_422_with_the_message_beside_the_field(client, duty):
    form = {"_csrf_token": duty["token"], "category": "help", "text": "", "unit_id": ""}
    response = await client.post("/duty-log", data=form, follow_redirects=False)
    assert response.status_code == 422
    assert "此项为必填项。" in response.text
