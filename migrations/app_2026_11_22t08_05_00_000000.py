"""Constraints Piccolo's column API does not express: composite unique keys, and the duty log's
append-only guard in the database itself (SPEC D5: no update, no delete, for anyone)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T08:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique keys; duty log append-only triggers"

COMMON = [
    "CREATE UNIQUE INDEX duty_log_entry_office_seq ON duty_log_entry (office, seq)",
    "CREATE UNIQUE INDEX attachment_sha256_office ON attachment (sha256, office)",
]

SQLITE = [
    """CREATE TRIGGER duty_log_entry_no_update BEFORE UPDATE ON duty_log_entry
       BEGIN SELECT RAISE(ABORT, 'duty log is append-only (D5)'); END""",
    """CREATE TRIGGER duty_log_entry_no_delete BEFORE DELETE ON duty_log_entry
       BEGIN SELECT RAISE(ABORT, 'duty log is append-only (D5)'); END""",
]

POSTGRES = [
    """CREATE FUNCTION duty_log_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'duty log is append-only (D5)'; END $$""",
    """CREATE TRIGGER duty_log_entry_no_change BEFORE UPDATE OR DELETE ON duty_log_entry
       FOR EACH ROW EXECUTE FUNCTION duty_log_entry_append_only()""",
    """CREATE TRIGGER duty_log_entry_no_truncate BEFORE TRUNCATE ON duty_log_entry
       FOR EACH STATEMENT EXECUTE FUNCTION duty_log_entry_append_only()""",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        statements = COMMON + (POSTGRES if engine.engine_type == "postgres" else SQLITE)
        for statement in statements:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
