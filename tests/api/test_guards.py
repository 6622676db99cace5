"""Deny by default: every route needs a guard, every write a CSRF token, and office A never sees office B."""

from __future__ import annotations

import re
import uuid

import pytest
from litestar.routes import HTTPRoute

# Routes anyone may call without signing in — each one on purpose.
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/language"),
    ("GET", "/healthz"),
    ("GET", "/sw.js"),
    ("GET", "/manifest.webmanifest"),
    ("GET", "/offline"),
    # Residents' pages (app/public.py): no staff session, rate-limited per address; the survey's
    # answer is protected by its one-time token, not by a staff CSRF token (tests/api/notices).
    ("GET", "/p/notices/{token:str}"),
    ("GET", "/p/s/{token:str}"),
    ("POST", "/p/s/{token:str}"),
}


def _routes(app):
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method in sorted(route.http_handler_map.keys() if hasattr(route, "http_handler_map") else route.methods):
            if method in {"HEAD", "OPTIONS"}:
                continue
            yield method, route.path, route


def _concrete(path: str) -> str:
    """Fill path parameters with plausible values."""
    path = re.sub(r"\{[a-z_]+:int\}", "1", path)
    path = re.sub(r"\{sha256:str\}", "0" * 64, path)
    path = re.sub(r"\{[a-z_]+:uuid\}", str(uuid.uuid4()), path)
    path = re.sub(r"\{[a-z_]+:path\}", "/css/app.css", path)
    return re.sub(r"\{[a-z_]+(:[a-z]+)?\}", "x", path)


def test_every_route_is_either_guarded_or_deliberately_public(app):
    """The app-wide guard is installed, and the public list names exactly the public handlers."""
    from app.auth.guard import staff_guard

    assert staff_guard in app.guards
    declared_public = set()
    for method, path, route in _routes(app):
        handler = route.route_handler_map[method] if hasattr(route, "route_handler_map") else None
        if handler is None:
            continue
        handler = handler[0] if isinstance(handler, tuple) else handler
        if handler.opt.get("public") and not path.startswith(("/static", "/schema")):
            declared_public.add((method, path))
    assert declared_public == PUBLIC


async def test_anonymous_requests_are_refused_on_every_non_public_route(client):
    from app.main import create_app

    checked = 0
    for method, path, _route in _routes(create_app(manage_pool=False)):
        if (method, path) in PUBLIC or path.startswith(("/static", "/schema")):
            continue
        response = await client.request(
            method, _concrete(path), follow_redirects=False, headers={"accept": "text/html"}
        )
        if method == "GET":
            assert response.status_code in (303, 401), f"{method} {path} answered {response.status_code}"
        else:
            # Writes: no CSRF token → 403 before anything else; never a 2xx.
            assert response.status_code in (401, 403), f"{method} {path} answered {response.status_code}"
        checked += 1
    assert checked >= 10


async def test_every_write_route_refuses_a_request_without_csrf_token(client, office, make_staff, login):
    from app.main import create_app

    staff = await make_staff(office["id"], "supervisor")
    await login(client, staff)
    checked = 0
    for method, path, _route in _routes(create_app(manage_pool=False)):
        if method == "GET" or path.startswith("/static"):
            continue
        if path.startswith("/p/"):  # residents' pages: the one-time token is the check (tests/api/notices)
            continue
        response = await client.request(method, _concrete(path), follow_redirects=False, content=b"{}")
        assert response.status_code == 403, f"{method} {path} accepted a write without a CSRF token"
        checked += 1
    assert checked >= 8


async def test_htmx_write_with_csrf_header_is_accepted(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    token = await login(client, staff)
    response = await client.post(
        "/api/sync",
        json={"device_id": "d1", "mutations": []},
        headers={"x-csrftoken": token, "hx-request": "true"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["duty", "supervisor", "manager", "patrol"])
async def test_office_a_cannot_see_office_b(client, office, other_office, make_staff, login, role):
    """A staff member of office A gets 403 or 404 for office B's pages and records."""
    from tests.support.sync import sync_one

    writer_b = await make_staff(other_office["id"], "duty")
    await login(client, writer_b)
    token = await login(client, writer_b)
    entry_id = str(uuid.uuid4())
    result = await sync_one(client, token, "duty_log.append", {"category": "other", "text": "B的秘密记录"}, entry_id)
    assert result["status"] == "applied"
    supervisor_b = await make_staff(other_office["id"], "supervisor")

    staff_a = await make_staff(office["id"], role)
    token = await login(client, staff_a)
    for url in (
        f"/duty-log?office={other_office['id']}",
        f"/duty-log/escalated?office={other_office['id']}",
        f"/staff/{supervisor_b['id']}/edit",
    ):
        response = await client.get(url, follow_redirects=False)
        assert response.status_code in (403, 404), f"{role}: {url} answered {response.status_code}"
        assert "B的秘密记录" not in response.text
    own_log = await client.get("/duty-log")
    if own_log.status_code == 200:
        assert "B的秘密记录" not in own_log.text
    # Writing with a reference into office B is rejected, not applied.
    result = await sync_one(
        client, token, "duty_log.append", {"category": "other", "text": "x", "corrects": entry_id}, str(uuid.uuid4())
    )
    if role in ("duty", "supervisor", "manager", "patrol"):
        assert result["status"] == "rejected"
    unit_b = other_office["units"][0]
    result = await sync_one(
        client, token, "duty_log.append", {"category": "other", "text": "x", "unit_id": unit_b}, str(uuid.uuid4())
    )
    assert result["status"] == "rejected" and result["error"]["code"] == "unit_not_found"


async def test_qa_sees_every_office(client, office, other_office, make_staff, login):
    qa = await make_staff(office["id"], "qa")
    await login(client, qa)
    response = await client.get(f"/duty-log?office={other_office['id']}")
    assert response.status_code == 200


async def test_supervisor_cannot_edit_staff_of_another_office(client, office, other_office, make_staff, login):
    member_b = await make_staff(other_office["id"], "duty")
    supervisor_a = await make_staff(office["id"], "supervisor")
    token = await login(client, supervisor_a)
    response = await client.post(
        f"/staff/{member_b['id']}/active", data={"_csrf_token": token, "active": "0"}, follow_redirects=False
    )
    assert response.status_code == 404
    from app.auth.tables import Staff

    assert (await Staff.select(Staff.is_active).where(Staff.id == member_b["id"]).first())["is_active"] is True
