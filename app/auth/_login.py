"""Sign-in: the password check (in the bounded pool), the throttle, and who the client is.

Throttle (issue 16): failures are counted per *account and address* (5 in 15 minutes) and per
address (20 in 15 minutes). A stranger who guesses at someone's account locks only that account
from their own address; the real person, from their phone or the office, still signs in.

Atomic count: each try is recorded *before* its password is checked, then the recent failures are
counted (the new row included). The k-th try to be recorded sees at least k rows, so however many
race, no more than the limit are ever checked; a refused try removes its own row again, so the wait
is 15 minutes from the last checked failure, not extended by hammering.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from app.auth.passwords import gate, verify_in_pool
from app.auth.tables import LoginAttempt, Staff

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5  # per account *and* address
MAX_FAILURES_PER_ADDRESS = 20


class LoginThrottled(Exception):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def client_address(peer: str | None, forwarded_for: str | None, trusted: Iterable[str]) -> str:
    """The client's address: the connection's peer, unless the peer is a configured proxy
    (APP_TRUSTED_PROXIES), then the right-most X-Forwarded-For entry that is not a proxy itself.
    With no proxies configured the header is ignored (anyone can write it)."""
    networks = [ipaddress.ip_network(t, strict=False) for t in trusted]

    def is_proxy(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in networks)

    address = peer or "unknown"
    if not networks or not forwarded_for or not is_proxy(address):
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        address = hop
        if not is_proxy(hop):
            break
    return address[:64]


async def _reserve(username: str, client_ip: str) -> int:
    """Record the try as a failure, then count; raises LoginThrottled (and forgets the try) when
    this try is over a limit. Returns the row's id."""
    rows = await LoginAttempt.insert(LoginAttempt(username=username, client_ip=client_ip, succeeded=False))
    attempt_id = rows[0]["id"]
    since = _now() - THROTTLE_WINDOW
    failed = LoginAttempt.succeeded.eq(False) & (LoginAttempt.attempted_at >= since)
    by_address = LoginAttempt.client_ip == client_ip
    pair = await LoginAttempt.count().where(failed & by_address & (LoginAttempt.username == username))
    address = await LoginAttempt.count().where(failed & by_address) if pair <= MAX_FAILURES_PER_ACCOUNT else 0
    if pair > MAX_FAILURES_PER_ACCOUNT or address > MAX_FAILURES_PER_ADDRESS:
        await LoginAttempt.delete().where(LoginAttempt.id == attempt_id)
        raise LoginThrottled()
    return attempt_id


async def authenticate(username: str, password: str, client_ip: str) -> Staff | None:
    """Check a password, throttled per account+address and per address.

    Returns the staff row, or None for any wrong part (the caller must not say which).
    Raises LoginThrottled when too many failures happened recently, and
    app.auth.passwords.PasswordCheckBusy when the hashing pool is full (nothing recorded then).
    """
    username = username.strip().lower()
    with gate:  # a place in the pool before anything touches the database
        attempt_id = await _reserve(username, client_ip)
        staff = await Staff.objects().where(Staff.username == username).first()
        ok = await verify_in_pool(staff.password_hash if staff else None, password)
    ok = ok and staff is not None and staff.is_active
    if ok:
        await LoginAttempt.update({LoginAttempt.succeeded: True}).where(LoginAttempt.id == attempt_id)
    return staff if ok else None
