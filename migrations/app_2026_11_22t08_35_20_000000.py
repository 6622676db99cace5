"""Work-order keys Piccolo's column API does not express: one order number per office, one row per
category per office, and the indexes of the lists (overdue by due time, requests by owner and state)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T08:35:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "work order keys and list indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX work_order_office_seq ON work_order (office, seq)",
    "CREATE UNIQUE INDEX work_category_office_code ON work_category (office, code)",
    "CREATE INDEX work_order_office_state_due ON work_order (office, state, due_at)",
    "CREATE INDEX service_request_office_state ON service_request (office, state, recorded_at)",
    "CREATE INDEX work_event_request_recorded ON work_event (request, recorded_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
