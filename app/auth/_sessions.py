"""Server-side sessions: start, end, look up (with the idle timeout), revoke; the session-bound
CSRF token.

Idle timeout (APP_SESSION_IDLE_MINUTES, default 12 hours): a session nobody used for that long ends,
on top of the 30-day lifetime. Twelve hours is one long shift (the centre works 12-hour day and night
shifts): a patrol officer whose phone sits in a pocket between rounds, or offline in a basement, is
not signed out mid-shift with changes waiting in the outbox; a phone left on the desk or lost after
a shift is signed out before that shift comes round again. Last use is written at most once a
minute per session (not on every request).

CSRF (Litestar's double-submit cookie): the token a signed-in browser must send is derived from its
session token — HMAC(SECRET_KEY, session token), signed as Litestar signs its tokens — so a new
session (every sign-in) means a new token, and a token planted before sign-in or taken from another
session is worth nothing. The middleware (guard.py) puts the bound token in place of whatever csrf
cookie the request carries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from litestar.middleware.csrf import generate_csrf_hash

from app.auth.schemas import CurrentStaff
from app.auth.tables import AuthSession
from app.settings import get_settings

SESSION_LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(minutes=max(1, get_settings().session_idle_minutes))


def csrf_for_session(token: str) -> str:
    """The CSRF token bound to a session token (the same format Litestar's CSRF middleware checks)."""
    secret = get_settings().secret_key
    bound = hmac.new(secret.encode(), b"csrf:" + token.encode(), hashlib.sha256).hexdigest()
    return bound + generate_csrf_hash(token=bound, secret=secret)


async def start_session(staff_id: int, user_agent: str) -> str:
    """Create a server-side session; returns the token for the cookie (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    await AuthSession.insert(
        AuthSession(
            token_hash=_token_hash(token),
            staff=staff_id,
            expires_at=now + SESSION_LIFETIME,
            last_seen_at=now,
            user_agent=user_agent[:200],
        )
    )
    return token


async def end_session(token: str) -> None:
    await AuthSession.delete().where(AuthSession.token_hash == _token_hash(token))


async def revoke_sessions(staff_id: int) -> None:
    """End every session of an account (password changed or reset, account deactivated)."""
    await AuthSession.delete().where(AuthSession.staff == staff_id)


async def staff_for_token(token: str) -> CurrentStaff | None:
    """The signed-in, active staff member of a session token, or None (an idle session ends here)."""
    row = (
        await AuthSession.select(
            AuthSession.id.as_alias("session_id"),
            AuthSession.expires_at,
            AuthSession.created_at,
            AuthSession.last_seen_at,
            AuthSession.staff.id.as_alias("id"),
            AuthSession.staff.username.as_alias("username"),
            AuthSession.staff.display_name.as_alias("display_name"),
            AuthSession.staff.role.as_alias("role"),
            AuthSession.staff.office.id.as_alias("office_id"),  # type: ignore[union-attr]
            AuthSession.staff.office.name.as_alias("office_name"),  # type: ignore[union-attr]
            AuthSession.staff.office.time_zone.as_alias("office_time_zone"),  # type: ignore[union-attr]
            AuthSession.staff.department.as_alias("department"),
            AuthSession.staff.language.as_alias("language"),
            AuthSession.staff.is_active.as_alias("is_active"),
        )
        .where(AuthSession.token_hash == _token_hash(token))
        .first()
    )
    now = _now()
    if not row or not row["is_active"] or _aware(row["expires_at"]) < now:
        return None
    last_seen = _aware(row["last_seen_at"] or row["created_at"])
    if now - last_seen > idle_limit():
        await AuthSession.delete().where(AuthSession.id == row["session_id"])
        return None
    if now - last_seen > TOUCH_EVERY:
        await AuthSession.update({AuthSession.last_seen_at: now}).where(AuthSession.id == row["session_id"])
    return CurrentStaff(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        office_id=row["office_id"],
        office_name=row["office_name"],
        office_time_zone=row["office_time_zone"],
        department=row["department"],
        language=row["language"],
        session_id=row["session_id"],
    )
