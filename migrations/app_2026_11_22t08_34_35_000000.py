"""Roster and handover constraints Piccolo's column API does not express: one roster per office and
month, one shift per person and day, one holiday entry per day, one open leave request per shift
(D4), one open-or-accepted handover per outgoing shift (a shift is handed over once), and in the
database itself: a signed (accepted or refused) handover is never changed, no handover is deleted (H7)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T08:34:35:000000"
VERSION = "1.38.0"
DESCRIPTION = "roster and handover keys; signed handovers are frozen"

COMMON = [
    "CREATE UNIQUE INDEX roster_month_office_month ON roster_month (office, month)",
    "CREATE UNIQUE INDEX roster_assignment_office_day_staff ON roster_assignment (office, day, staff)",
    "CREATE INDEX roster_assignment_office_month ON roster_assignment (office, month)",
    "CREATE UNIQUE INDEX holiday_office_day ON holiday (office, day)",
    "CREATE UNIQUE INDEX leave_request_open ON leave_request (assignment) WHERE status IN ('pending', 'approved')",
    "CREATE UNIQUE INDEX handover_once_per_shift ON handover (office, from_date, from_code) "
    "WHERE status IN ('submitted', 'accepted')",
    "CREATE INDEX handover_office_status_decided ON handover (office, status, decided_at)",
    "CREATE INDEX handover_item_office_state ON handover_item (office, state)",
]

SQLITE = [
    """CREATE TRIGGER handover_signed_no_update BEFORE UPDATE ON handover WHEN OLD.status <> 'submitted'
       BEGIN SELECT RAISE(ABORT, 'signed handovers cannot be changed (H7)'); END""",
    """CREATE TRIGGER handover_no_delete BEFORE DELETE ON handover
       BEGIN SELECT RAISE(ABORT, 'signed handovers cannot be changed (H7)'); END""",
]

POSTGRES = [
    """CREATE FUNCTION handover_signed_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           IF OLD.status = 'submitted' THEN RETURN NEW; END IF;
         END IF;
         RAISE EXCEPTION 'signed handovers cannot be changed (H7)';
       END $$""",
    """CREATE TRIGGER handover_signed_no_change BEFORE UPDATE OR DELETE ON handover
       FOR EACH ROW EXECUTE FUNCTION handover_signed_frozen()""",
    """CREATE TRIGGER handover_no_truncate BEFORE TRUNCATE ON handover
       FOR EACH STATEMENT EXECUTE FUNCTION handover_signed_frozen()""",
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
