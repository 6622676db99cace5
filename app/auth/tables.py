"""Staff accounts, server-side sessions and login attempts (for throttling)."""

from piccolo.columns import Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.org.tables import Office


class Staff(Table):
    id = Serial(primary_key=True)
    office = ForeignKey(references=Office, null=False, index=True)
    username = Varchar(length=40, unique=True)
    display_name = Varchar(length=40)
    phone = Varchar(length=30, default="")
    role = Varchar(length=20)  # app.auth.roles.ROLES
    department = Varchar(length=20, null=True, default=None)  # app.org.departments
    password_hash = Varchar(length=200)
    is_active = Boolean(default=True)
    language = Varchar(length=8, default="zh-CN")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class AuthSession(Table):
    """A signed-in browser. Only the token's SHA-256 is stored, so a database leak is no login."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    staff = ForeignKey(references=Staff, null=False, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    user_agent = Varchar(length=200, default="")
    last_seen_at = Timestamptz(null=True, default=None)  # the idle timeout counts from here


class LoginAttempt(Table):
    """One sign-in try, recorded *before* the password is checked (so the throttle count is atomic)."""

    id = Serial(primary_key=True)
    username = Varchar(length=40, index=True)
    client_ip = Varchar(length=64, index=True)
    succeeded = Boolean(default=False)
    attempted_at = Timestamptz(default=TimestamptzNow(), index=True)
