"""Issue 17: a link shown to a role is a page that role may open (`may_open` in the templates)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize(
    "role,path,hidden,shown",
    [
        # the technician reads the roster but not the handover pages its duty tabs used to link
        (
            "technician",
            "/roster",
            ["/handover", "/on-duty", "/handover/items", "/handover/records", "/duty-summary", "/handover/pin"],
            ["/roster"],
        ),
        ("duty", "/roster", [], ["/handover", "/on-duty", "/handover/pin", "/duty-summary"]),
        ("qa", "/handover", ["/handover/pin"], ["/handover/records"]),
    ],
)
async def test_pages_link_only_what_the_role_may_open(client, office, make_staff, login, role, path, hidden, shown):
    await login(client, await make_staff(office["id"], role))
    response = await client.get(path)
    assert response.status_code == 200
    hrefs = set(re.findall(r'<a [^>]*href="([^"?#]+)', response.text))
    assert not hrefs & set(hidden), hrefs & set(hidden)
    assert set(shown) <= hrefs, set(shown) - hrefs
    for href in hidden:
        assert (await client.get(href)).status_code == 403  # what the link would have led to
