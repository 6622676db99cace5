"""Domain errors raised by services and mapped to HTTP answers in one place (app.main)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class NotFound(Exception):
    """The record does not exist, or is not visible to this staff member (same answer: 404)."""


class Forbidden(Exception):
    """The staff member may not do this."""


class RuleViolation(Exception):
    """A business rule refused the action; `message` is for the user, `code` for machines."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class StaleChange(RuleViolation):
    """A state change whose expected state no longer holds (DESIGN "Conflicts").

    `keep` stores what the change carried (its note, its photos) as a comment on the record, so
    nothing typed on a phone is lost; the sync service runs it after undoing the change and
    remembers the rejection, so a resend gets the same answer without a second comment.
    """

    def __init__(self, message: str, keep: Callable[[], Awaitable[None]] | None = None) -> None:
        super().__init__("stale_state", message)
        self.keep = keep


def check_found(record: T | None) -> T:
    """The one helper that turns a missing row into NotFound."""
    if record is None:
        raise NotFound()
    return record
