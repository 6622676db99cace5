"""Alerts: keys and indexes Piccolo's column API does not express — one recipient row per person
and alert, the queue's due-message scan, and the one-alert-per-source lookup."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T08:31:42:000000"
VERSION = "1.38.0"
DESCRIPTION = "alerts: composite keys and queue indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX alert_recipient_alert_staff ON alert_recipient (alert, staff)",
    "CREATE INDEX alert_delivery_due ON alert_delivery (status, next_attempt_at)",
    "CREATE INDEX alert_recipient_staff_notified ON alert_recipient (staff, notified_at)",
    "CREATE INDEX alert_office_kind_source ON alert (office, kind, source)",
    "CREATE INDEX alert_open_due ON alert (status, next_escalation_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
