"""The owner opinion survey (SPEC N2, K1): one invitation per unit with a one-time token; a token answers
once; paper answers follow the same one-per-unit rule; results equal a computation from the raw answers;
offices kept apart; bad answers get messages, never a 500."""

from __future__ import annotations

import re
from statistics import mean

from app.surveys.service import CODES
from app.surveys.tables import Survey, SurveyAnswer, SurveyInvite

GOOD = {"service_centre": "5", "repairs": "4", "cleaning": "3", "landscaping": "4", "security": "5"}


async def make_survey(client, token, office_id: int, year: int = 2026) -> int:
    form = {"year": str(year), "title": f"{year}年度业主意见征询", "_csrf_token": token}
    answer = await client.post("/surveys", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    row = await Survey.select(Survey.id).where((Survey.office == office_id) & (Survey.year == year)).first()
    return row["id"]


async def tokens(survey_id: int) -> list[dict]:
    return await SurveyInvite.select().where(SurveyInvite.survey == survey_id).order_by(SurveyInvite.unit_number)


async def test_a_token_answers_once_and_the_second_use_is_already_answered(office, signed_in, new_client):
    """N2: every unit gets a token (32 characters: 192 bits); the page shows the estate's name and no
    unit or resident; the first answer is kept, the second gets the "already answered" page."""
    client, token = await signed_in(office["id"])
    survey_id = await make_survey(client, token, office["id"])
    invites = await tokens(survey_id)
    assert len(invites) == len(office["units"]) and len({i["token"] for i in invites}) == len(invites)
    assert all(len(i["token"]) >= 32 for i in invites)
    link = f"/p/s/{invites[0]['token']}"
    async with new_client() as owner:
        form = await owner.get(link)
        assert form.status_code == 200 and office["name"] in form.text and "set-cookie" not in form.headers
        assert invites[0]["unit_number"] not in form.text and "13900000000" not in form.text
        assert "no-store" in form.headers["cache-control"]
        first = await owner.post(link, data={**GOOD, "comment": "保安很负责"})
        assert first.status_code == 200 and "感谢您的宝贵意见" in first.text
        second = await owner.post(link, data={**GOOD, "security": "1"})
        assert second.status_code == 409 and "已经填写过了" in second.text
        assert (await owner.get(link)).status_code == 409
    rows = await SurveyAnswer.select().where(SurveyAnswer.survey == survey_id)
    assert len(rows) == 1 and rows[0]["security"] == 5 and rows[0]["channel"] == "online"


async def test_results_equal_a_computation_from_the_raw_answers(office, signed_in, new_client):
    """Response rate, averages per question and per building: recomputed here from the answer rows."""
    client, token = await signed_in(office["id"])
    survey_id = await make_survey(client, token, office["id"])
    invites = await tokens(survey_id)
    given = [
        {"service_centre": "5", "repairs": "2", "cleaning": "4", "landscaping": "3", "security": "5"},
        {"service_centre": "4", "repairs": "3", "cleaning": "5", "landscaping": "1", "security": "4"},
    ]
    async with new_client() as owner:
        for invite, ratings in zip(invites[:2], given, strict=True):
            assert (await owner.post(f"/p/s/{invite['token']}", data=ratings)).status_code == 200
    paper = {"unit_id": str(invites[2]["unit"]), "service_centre": "1", "repairs": "5", "cleaning": "2"}
    paper |= {"landscaping": "5", "security": "3", "comment": "绿化要加强", "_csrf_token": token}
    answer = await client.post(f"/surveys/{survey_id}/paper", data=paper, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    raw = await SurveyAnswer.select(*(getattr(SurveyAnswer, c) for c in CODES), SurveyAnswer.invite).where(
        SurveyAnswer.survey == survey_id
    )
    building_of = {i["id"]: i["building"] for i in invites}
    page = await client.get(f"/surveys/{survey_id}")
    assert page.status_code == 200
    assert "3 / 4 = 75.0 %" in page.text
    for code in CODES:
        expected = round(mean(r[code] for r in raw), 2)
        cell = re.search(rf'<tr data-q="{code}"><th scope="row">[^<]+</th><td>([^<]+)</td>', page.text).group(1)
        assert float(cell) == expected, code
    for building in sorted(set(building_of.values())):
        mine = [r for r in raw if building_of[r["invite"]] == building]
        row = re.search(rf'<tr data-building="{building}">.*?</tr>', page.text, re.S).group(0)
        for code in CODES:
            got = re.search(rf'<td data-q="{code}">([^<]+)</td>', row).group(1)
            assert (float(got) if mine else got) == (round(mean(r[code] for r in mine), 2) if mine else "—")
    assert "绿化要加强" in page.text
    report = await client.get(f"/surveys/{survey_id}/report")
    assert report.status_code == 200 and "75.0 %" in report.text and "管理处经理" in report.text


async def test_a_paper_answer_follows_the_one_per_unit_rule(office, signed_in, new_client):
    """A unit that answered online cannot be entered again from paper, nor twice from paper."""
    client, token = await signed_in(office["id"], "supervisor")
    survey_id = await make_survey(client, token, office["id"])
    invites = await tokens(survey_id)
    async with new_client() as owner:
        assert (await owner.post(f"/p/s/{invites[0]['token']}", data=GOOD)).status_code == 200
    desk, desk_token = await signed_in(office["id"], "frontdesk")
    for invite, expected in ((invites[0], 422), (invites[1], 303), (invites[1], 422)):
        form = {**GOOD, "unit_id": str(invite["unit"]), "_csrf_token": desk_token}
        answer = await desk.post(f"/surveys/{survey_id}/paper", data=form, follow_redirects=False)
        assert answer.status_code == expected, answer.text
        if expected == 422:
            assert 'id="e-unit_id"' in answer.text and "已经填写过" in answer.text
    assert await SurveyAnswer.count().where(SurveyAnswer.survey == survey_id) == 2


async def test_offices_are_kept_apart(office, other_office, signed_in):
    """Office B sees none of A's survey, cannot enter answers into it nor close it."""
    a, token_a = await signed_in(office["id"])
    b, token_b = await signed_in(other_office["id"])
    survey_id = await make_survey(a, token_a, office["id"])
    for path in ("", "/print", "/report", "/paper"):
        assert (await b.get(f"/surveys/{survey_id}{path}")).status_code == 404, path
    unit = str(office["units"][0])
    answer = await b.post(
        f"/surveys/{survey_id}/paper", data={**GOOD, "unit_id": unit, "_csrf_token": token_b}, follow_redirects=False
    )
    assert answer.status_code in (404, 422)
    closed = await b.post(f"/surveys/{survey_id}/close", data={"_csrf_token": token_b}, follow_redirects=False)
    assert closed.status_code == 422
    assert not await SurveyAnswer.exists().where(SurveyAnswer.survey == survey_id)
    assert (await Survey.select(Survey.closed_at).where(Survey.id == survey_id).first())["closed_at"] is None
    assert f'href="/surveys/{survey_id}"' not in (await b.get("/surveys")).text
    assert f'href="/surveys/{survey_id}"' in (await a.get("/surveys")).text


async def test_bad_answers_get_messages_and_unknown_tokens_a_chinese_page(office, signed_in, new_client):
    """Ratings 0 or 6 or missing, a 2000-character comment: 422 with messages beside the questions, nothing
    kept, the token still usable; an unknown token: 404; a closed survey: 410. The edges 1 and 5 are kept."""
    client, token = await signed_in(office["id"])
    survey_id = await make_survey(client, token, office["id"])
    invites = await tokens(survey_id)
    link = f"/p/s/{invites[0]['token']}"
    async with new_client() as owner:
        bad = await owner.post(link, data={**GOOD, "service_centre": "0", "repairs": "6", "cleaning": ""})
        assert bad.status_code == 422
        for code in ("service_centre", "repairs", "cleaning"):
            assert f'id="e-{code}"' in bad.text, code
        assert "数值超出范围" in bad.text
        long = await owner.post(link, data={**GOOD, "comment": "很" * 2000})
        assert long.status_code == 422 and "1000" in long.text
        assert not await SurveyAnswer.exists().where(SurveyAnswer.survey == survey_id)
        edges = {**GOOD, "service_centre": "1", "repairs": "5"}
        assert (await owner.post(link, data=edges)).status_code == 200
        unknown = await owner.post("/p/s/" + "Z" * 32, data=GOOD)
        assert unknown.status_code == 404 and "此链接无效" in unknown.text
        closed = await client.post(f"/surveys/{survey_id}/close", data={"_csrf_token": token}, follow_redirects=False)
        assert closed.status_code == 303
        late = await owner.get(f"/p/s/{invites[1]['token']}")
        assert late.status_code == 410 and "已结束" in late.text
    bad_year = await client.post("/surveys", data={"year": "20260", "title": "x", "_csrf_token": token})
    assert bad_year.status_code == 422 and 'id="e-year"' in bad_year.text
    again = await client.post("/surveys", data={"year": "2026", "title": "x", "_csrf_token": token})
    assert again.status_code == 422 and "已经存在" in again.text


async def test_the_satisfaction_figure_shows_the_survey_beside_the_calls(office, signed_in, new_client):
    """K1: /reports shows the follow-up calls' satisfaction and the survey's, each labelled with its source."""
    client, token = await signed_in(office["id"])
    survey_id = await make_survey(client, token, office["id"])
    invites = await tokens(survey_id)
    async with new_client() as owner:
        await owner.post(f"/p/s/{invites[0]['token']}", data=GOOD)  # 5,4,3,4,5: four of five ratings ≥ 4
    page = await client.get("/reports")
    assert page.status_code == 200
    row = re.search(r'<tr data-figure="survey_satisfaction">.*?</tr>', page.text, re.S).group(0)
    assert "业主意见调查" in row and "80.0%" in row and "(4/5)" in row
    calls = re.search(r'<tr data-figure="satisfaction">.*?</tr>', page.text, re.S).group(0)
    assert "回访电话" in calls
