"""Issue 16 / DESIGN "Security": security headers on every response, and a CSP the templates pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[3] / "frontend" / "templates"


def _check(response) -> None:
    h = response.headers
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "same-origin"
    csp = dict(part.strip().split(" ", 1) for part in h["content-security-policy"].split(";"))
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["script-src"] == "'self'"  # no hashes, no inline handlers


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/login"),
        ("GET", "/healthz"),
        ("GET", "/static/css/app.css"),
        ("GET", "/sw.js"),
        ("GET", "/manifest.webmanifest"),
        ("GET", "/no-such-page"),
        ("GET", "/api/session"),  # 401 JSON
        ("POST", "/login"),  # 403: no CSRF token
        ("DELETE", "/login"),  # 405
    ],
)
async def test_every_response_carries_the_security_headers(client, method, path):
    response = await client.request(method, path, follow_redirects=False)
    _check(response)


async def test_signed_in_pages_carry_them(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    await login(client, staff)
    for path in ("/", "/duty-log", "/outbox", "/profile"):
        _check(await client.get(path))


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*("([^"]*)"|'([^']*)')""", re.I)


def test_templates_have_no_inline_script_code():
    """The CSP forbids inline scripts: every <script> has a src or is a JSON data block."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for attrs, body in _SCRIPT.findall(path.read_text()):
            if "src=" in attrs or 'type="application/json"' in attrs or not body.strip():
                continue
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_templates_have_no_inline_event_handlers():
    """No `onchange=…` and the like: the CSP allows none (pages wire their controls in their scripts)."""
    found = {str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if _HANDLER.search(p.read_text())}
    assert found == set()
