"""A handover signed on two phones (H7): the incoming accepts and signs on theirs ("signing"), then the
outgoing countersigns on theirs ("accepted"). "signing" counts as open: a shift is still handed over
once, and the row may still change until both have signed; accepted and refused rows stay frozen."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T08:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "handover countersigned on a second phone"

COMMON = [
    "DROP INDEX handover_once_per_shift",
    "CREATE UNIQUE INDEX handover_once_per_shift ON handover (office, from_date, from_code) "
    "WHERE status IN ('submitted', 'signing', 'accepted')",
]

SQLITE = [
    "DROP TRIGGER handover_signed_no_update",
    """CREATE TRIGGER handover_signed_no_update BEFORE UPDATE ON handover
       WHEN OLD.status NOT IN ('submitted', 'signing')
       BEGIN SELECT RAISE(ABORT, 'signed handovers cannot be changed (H7)'); END""",
]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION handover_signed_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           IF OLD.status IN ('submitted', 'signing') THEN RETURN NEW; END IF;
         END IF;
         RAISE EXCEPTION 'signed handovers cannot be changed (H7)';
       END $$""",
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
