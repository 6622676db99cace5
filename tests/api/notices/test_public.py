"""Public pages (app/public.py, SPEC N1/N2's pages for residents): no session cookie read or set, no
CSRF token, staff routes still need CSRF, rate-limited per address at its number, tokens of 128+ bits."""

from __future__ import annotations

from app.public import RATE_LIMIT, RATE_WINDOW, RateLimiter, limiter
from tests.api.notices.conftest import public_link, publish


async def test_a_staff_route_still_requires_csrf(office, signed_in):
    """The public router's CSRF exemption does not reach staff routes: a publish without the token is refused."""
    client, token = await signed_in(office["id"])
    form = {"kind": "general", "title": "测试", "body": "正文"}
    refused = await client.post("/notices", data=form, follow_redirects=False)
    assert refused.status_code == 403
    forged = await client.post("/notices", data={**form, "_csrf_token": "x" + token[1:]}, follow_redirects=False)
    assert forged.status_code == 403
    assert (
        await client.post("/notices", data={**form, "_csrf_token": token}, follow_redirects=False)
    ).status_code == 303


async def test_a_public_response_sets_no_cookie_and_shows_no_staff(office, signed_in, new_client):
    """A signed-in supervisor opening the public page gets no Set-Cookie (no session, no CSRF) and no
    staff navigation; an anonymous reader neither."""
    client, token = await signed_in(office["id"])
    await publish(client, token)
    link = await public_link(client)
    mine = await client.get(link)
    assert mine.status_code == 200 and "set-cookie" not in mine.headers
    assert "tabbar" not in mine.text and "测试supervisor" not in mine.text and "csrf-token" not in mine.text
    async with new_client() as anonymous:
        answer = await anonymous.get(link)
        assert answer.status_code == 200 and "set-cookie" not in answer.headers
        assert not anonymous.cookies
        staff_page = await anonymous.get("/notices", follow_redirects=False)
        assert staff_page.status_code == 303 and "/login" in staff_page.headers["location"]


async def test_the_rate_limit_triggers_at_its_number(office, signed_in, new_client):
    """RATE_LIMIT requests per address per window pass; the next is a Chinese 429 page with Retry-After.
    X-Forwarded-For is not believed without a trusted proxy, so it does not reset the count."""
    client, token = await signed_in(office["id"])
    await publish(client, token)
    link = await public_link(client)
    limiter.reset()
    async with new_client() as anonymous:
        for n in range(RATE_LIMIT):
            assert (await anonymous.get(link)).status_code == 200, n
        refused = await anonymous.get(link, headers={"X-Forwarded-For": "203.0.113.9"})
        assert refused.status_code == 429
        assert "访问过于频繁" in refused.text and refused.headers["retry-after"] == str(int(RATE_WINDOW))
        assert (await anonymous.get("/p/s/" + "A" * 32)).status_code == 429  # every public page counts
    assert (await client.get("/notices")).status_code == 200  # staff pages are not limited by it


def test_the_window_slides_at_its_edge():
    """The first request leaves the window exactly RATE_WINDOW seconds later; other addresses count apart."""
    at = [0.0]
    window = RateLimiter(3, 60.0, clock=lambda: at[0])
    for t in (0.0, 10.0, 20.0):
        at[0] = t
        assert window.allow("a") is True
    assert window.allow("a") is False and window.allow("b") is True
    at[0] = 59.999
    assert window.allow("a") is False
    at[0] = 60.0
    assert window.allow("a") is True and window.allow("a") is False


async def test_tokens_are_long_and_unknown_ones_get_a_chinese_page(office, signed_in, new_client):
    """Public tokens carry at least 128 bits (token_urlsafe(24): 32 characters, 192 bits); an unknown,
    malformed or very long token gets a Chinese 404 page, never a 500."""
    client, _token = await signed_in(office["id"])
    link = await public_link(client)
    assert len(link.rsplit("/", 1)[1]) >= 32
    async with new_client() as anonymous:
        for bad in ("/p/notices/" + "B" * 32, "/p/notices/x", "/p/notices/" + "c" * 500, "/p/s/x'--"):
            answer = await anonymous.get(bad)
            assert answer.status_code == 404, bad
            assert "此链接无效" in answer.text and "set-cookie" not in answer.headers
        for odd in ("/p/s/%00%27", "/p/nothing-here"):  # refused before any public page: the app's own 404
            answer = await anonymous.get(odd)
            assert answer.status_code == 404 and "未找到" in answer.text, odd
