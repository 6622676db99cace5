"""Following a paged list's links (app.paging) to its end, as a person clicking "Older" would."""

from __future__ import annotations

import html
import re
import uuid

_NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def next_link(page: str) -> str | None:
    """The "Older" / "More" link of a page of a list, or None on its last page."""
    found = _NEXT.search(page)
    return html.unescape(found.group(1)) if found else None


async def walk(client, url: str, ids: re.Pattern[str], max_pages: int = 20) -> list[list[str]]:
    """Every page of a list from `url` on, following its next-page links: the row ids of each page."""
    pages: list[list[str]] = []
    while url:
        response = await client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        pages.append(ids.findall(response.text))
        url = next_link(response.text)  # type: ignore[assignment]
        assert len(pages) <= max_pages, "the pages do not end"
    return pages


async def make_requests(office_id: int, owner: int, times: list, state: str = "open", kind: str = "repair") -> list:
    """Service requests recorded at `times`, straight into app.work's table (the rows other lists hang on)."""
    from app.work.tables import ServiceRequest

    rows = [
        ServiceRequest(
            id=uuid.uuid4(),
            office=office_id,
            channel="phone",
            kind=kind,
            category="plumbing",
            description=f"请求{i}",
            owner=owner,
            state=state,
            recorded_at=at,
            received_at=at,
            changed_at=at,
        )
        for i, at in enumerate(times)
    ]
    await ServiceRequest.insert(*rows)
    return rows


async def two_offices(
    client, office, other_office, make_staff, role: str = "supervisor", stranger_role: str = ""
) -> dict:
    """A `role` of `office` signed in on `client`, and a colleague in `other_office` whose rows must
    never show: the office ids and the two staff ids, as the paging tests use them."""
    from tests.api.work.conftest import signed_in

    member = await make_staff(office["id"], role)
    stranger = await make_staff(other_office["id"], stranger_role or role)
    await signed_in(client, member)
    return {"office": office["id"], "staff": member["id"], "other": other_office["id"], "stranger": stranger["id"]}
