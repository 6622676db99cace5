"""What the domains above work add to it, installed by `create_app` (app/main.py) so that work never
imports them: Q1 — a request of kind "consultation" is logged as one too; C3 — the requests list
shows each complaint's 3-day countdown, computed by the complaints' owner (app.followups)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from app.auth.schemas import CurrentStaff
from app.sync.registry import ApplyContext

# (ctx, request id, kind, category, description, recorded at), in the intake's transaction.
RequestTaken = Callable[[ApplyContext, UUID, str, str, str, datetime], Awaitable[None]]
# (staff, request ids, now) → {request id: countdown} for the complaints among them.
Countdowns = Callable[[CurrentStaff, list[UUID], datetime], Awaitable[dict[UUID, Any]]]


async def _no_countdowns(staff: CurrentStaff, request_ids: list[UUID], now: datetime) -> dict[UUID, Any]:
    return {}


@dataclass
class Hooks:
    request_taken: list[RequestTaken] = field(default_factory=list)
    countdowns: Countdowns = _no_countdowns


HOOKS = Hooks()


def install(*, request_taken: tuple[RequestTaken, ...] = (), countdowns: Countdowns | None = None) -> None:
    """Set the hooks (again: `create_app` may run more than once in a process)."""
    HOOKS.request_taken = list(request_taken)
    HOOKS.countdowns = countdowns or _no_countdowns


async def request_taken(ctx: ApplyContext, request_id: UUID, kind: str, category: str, text: str, at: datetime) -> None:
    for hook in HOOKS.request_taken:
        await hook(ctx, request_id, kind, category, text, at)


async def countdowns(staff: CurrentStaff, request_ids: list[UUID], now: datetime) -> dict[UUID, Any]:
    return await HOOKS.countdowns(staff, request_ids, now) if request_ids else {}
