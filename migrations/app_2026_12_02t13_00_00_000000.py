"""Sessions remember when they were last used (the idle timeout, APP_SESSION_IDLE_MINUTES); login
attempts are looked up by account and address together (the throttle counts per pair)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "session last use; login attempts by account and address"

SQLITE = [
    "ALTER TABLE auth_session ADD COLUMN last_seen_at TIMESTAMPTZ",
    "UPDATE auth_session SET last_seen_at = created_at",
    "CREATE INDEX login_attempt_pair ON login_attempt (username, client_ip, attempted_at)",
]

POSTGRES = [
    "ALTER TABLE auth_session ADD COLUMN last_seen_at TIMESTAMPTZ",
    "UPDATE auth_session SET last_seen_at = created_at",
    "CREATE INDEX login_attempt_pair ON login_attempt (username, client_ip, attempted_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
