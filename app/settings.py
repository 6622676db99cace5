"""Settings: one msgspec Struct read from the environment, cached once per process."""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parent.parent


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Every field comes from one environment variable (named in the comment)."""

    data_dir: Path  # APP_DATA_DIR: SQLite file, secret key, VAPID keys, attachments
    database_url: str  # DATABASE_URL: empty = SQLite in data_dir; postgres://… = PostgreSQL
    secret_key: str  # SECRET_KEY: signs CSRF tokens; created in data_dir on first run
    default_language: str = "zh-CN"  # APP_LANGUAGE: zh-CN or en
    time_zone: str = "Asia/Shanghai"  # APP_TIME_ZONE: default office time zone
    debug: bool = False  # APP_DEBUG
    secure_cookies: bool = False  # APP_SECURE_COOKIES: set behind HTTPS
    max_attachment_bytes: int = 8 * 1024 * 1024  # APP_MAX_ATTACHMENT_BYTES
    log_queries: bool = False  # APP_LOG_QUERIES
    build_id: str = ""  # APP_BUILD_ID: part of the service worker's version (a deploy can force an update)
    alerts_worker: bool = True  # APP_ALERTS_WORKER: 0 = this instance does not deliver alerts (docs/alerts.md)
    public_url: str = ""  # APP_PUBLIC_URL: e.g. https://kfzx.example.com, for links in work-chat messages
    vapid_private_key: str = ""  # VAPID_PRIVATE_KEY: PEM or raw base64url; empty = data_dir/vapid_private.pem
    vapid_subject: str = "mailto:admin@localhost"  # VAPID_SUBJECT: contact for push services (mailto: or https:)
    recorded_at_past_days: int = 30  # APP_RECORDED_AT_PAST_DAYS: oldest client time accepted (DESIGN "Time")
    recorded_at_future_days: int = 1  # APP_RECORDED_AT_FUTURE_DAYS: furthest ahead a client time may be
    instances: int = 1  # APP_INSTANCES: >1 = several app instances share the database (README "At scale")
    trusted_proxies: tuple[str, ...] = ()  # APP_TRUSTED_PROXIES: addresses/networks whose X-Forwarded-For is believed
    session_idle_minutes: int = 12 * 60  # APP_SESSION_IDLE_MINUTES: unused this long, a session ends
    outbound_allow: tuple[str, ...] = ()  # APP_OUTBOUND_ALLOW: host:port pairs exempt from the public-address check

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "app.sqlite3"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one made once and kept in the data dir."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("APP_DATA_DIR") or ROOT / "var").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL", ""),
        secret_key=_secret_key(data_dir),
        default_language=os.environ.get("APP_LANGUAGE", "zh-CN"),
        time_zone=os.environ.get("APP_TIME_ZONE", "Asia/Shanghai"),
        debug=_flag("APP_DEBUG"),
        secure_cookies=_flag("APP_SECURE_COOKIES"),
        max_attachment_bytes=int(os.environ.get("APP_MAX_ATTACHMENT_BYTES", 8 * 1024 * 1024)),
        log_queries=_flag("APP_LOG_QUERIES"),
        build_id=os.environ.get("APP_BUILD_ID", ""),
        alerts_worker=os.environ.get("APP_ALERTS_WORKER", "1").lower() not in {"0", "false", "no", "off"},
        public_url=os.environ.get("APP_PUBLIC_URL", "").rstrip("/"),
        vapid_private_key=os.environ.get("VAPID_PRIVATE_KEY", ""),
        vapid_subject=os.environ.get("VAPID_SUBJECT", "mailto:admin@localhost"),
        recorded_at_past_days=_int("APP_RECORDED_AT_PAST_DAYS", 30),
        recorded_at_future_days=_int("APP_RECORDED_AT_FUTURE_DAYS", 1),
        instances=_instances(),
        trusted_proxies=_list("APP_TRUSTED_PROXIES"),
        session_idle_minutes=int(os.environ.get("APP_SESSION_IDLE_MINUTES") or 12 * 60),
        outbound_allow=_list("APP_OUTBOUND_ALLOW"),
    )


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}.") from None


class SettingsError(RuntimeError):
    """A setting that makes the app unsafe to start; the message says what to set."""


def _instances() -> int:
    """APP_INSTANCES; with more than one, every instance must share the same secrets (DESIGN "Scale"):
    a key made in one instance's data dir would refuse every form posted to another."""
    count = _int("APP_INSTANCES", 1)
    if count > 1:
        missing = [name for name in ("SECRET_KEY", "VAPID_PRIVATE_KEY") if not os.environ.get(name)]
        if missing:
            raise SettingsError(
                f"APP_INSTANCES={count}: set {' and '.join(missing)} in the environment, the same on every "
                "instance (see README, 'At scale'); keys made in one instance's data dir would not match the others."
            )
        if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            raise SettingsError(
                f"APP_INSTANCES={count} needs DATABASE_URL to point at PostgreSQL (SQLite is one machine's)."
            )
    return count


@functools.cache
def get_settings() -> Settings:
    return load_settings()
