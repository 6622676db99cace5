"""Patrol indexes Piccolo's column API does not express: composite unique keys (a checkpoint code is
unique per office; one due round per route, reason and day; one deadline per department and office)
and the composite indexes the supervisor's daily review (P4) reads by."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T08:29:04:000000"
VERSION = "1.38.0"
DESCRIPTION = "patrol composite keys and review indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX checkpoint_office_code ON checkpoint (office, code)",
    "CREATE UNIQUE INDEX round_task_route_reason_due ON round_task (route, reason, due_date)",
    "CREATE UNIQUE INDEX department_deadline_office_department ON department_deadline (office, department)",
    "CREATE INDEX patrol_round_office_local_date ON patrol_round (office, local_date)",
    "CREATE INDEX finding_office_local_date ON finding (office, local_date)",
    "CREATE INDEX nonconformance_office_state ON nonconformance (office, state, department)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
