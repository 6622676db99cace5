"""Indexes for the lists that grow with the years (issue 17): the duty log's escalated entries and
corrections, and requests by owner, stay index lookups at seed-load volumes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes for duty-log escalations and corrections"

STATEMENTS = [
    "CREATE INDEX duty_log_entry_escalated ON duty_log_entry (office, seq) WHERE escalation <> ''",
    "CREATE INDEX duty_log_entry_corrects ON duty_log_entry (corrects) WHERE corrects IS NOT NULL",
    "CREATE INDEX duty_log_entry_office_day ON duty_log_entry (office, shift_date, seq)",
    "CREATE INDEX service_request_owner_state ON service_request (owner, state, recorded_at)",
]
SQLITE = STATEMENTS
POSTGRES = STATEMENTS


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
