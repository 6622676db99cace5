"""Small reads the plain-form fallbacks need: where a round or a finding belongs (office-scoped)."""

from __future__ import annotations

from uuid import UUID

import msgspec

from app.patrols.tables import Finding, PatrolRound, Visit


class ServerRound(msgspec.Struct):
    """A round as the server has it, for the walk page reopened after a plain-form post."""

    id: UUID
    status: str
    visited: set[int] = set()


def as_uuid(value: object) -> UUID | None:
    """A UUID from a form or URL value, or None when it is not one."""
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


async def server_round(office_id: int, route_id: int, round_id: UUID | None) -> ServerRound | None:
    """The round of this route in this office (None when the server has not seen it)."""
    if round_id is None:
        return None
    row = (
        await PatrolRound.select(PatrolRound.id, PatrolRound.status)
        .where((PatrolRound.id == round_id) & (PatrolRound.office == office_id) & (PatrolRound.route == route_id))
        .first()
    )
    if row is None:
        return None
    visits = await Visit.select(Visit.checkpoint).where(Visit.round == round_id)
    return ServerRound(id=row["id"], status=row["status"], visited={v["checkpoint"] for v in visits})


async def route_of_round(office_id: int, round_id: object) -> int | None:
    """The route of a round of the office, or None."""
    ident = as_uuid(round_id)
    if ident is None:
        return None
    row = (
        await PatrolRound.select(PatrolRound.route)
        .where((PatrolRound.id == ident) & (PatrolRound.office == office_id))
        .first()
    )
    return row["route"] if row else None


async def round_of_finding(office_id: int, finding_id: object) -> UUID | None:
    """The round a finding of the office was recorded in, or None."""
    ident = as_uuid(finding_id)
    if ident is None:
        return None
    row = await Finding.select(Finding.round).where((Finding.id == ident) & (Finding.office == office_id)).first()
    return row["round"] if row else None
