"""H1: whether the incoming's arrival and the outgoing's tidy-up times were typed in afterwards
(a tap on the phone records the moment itself)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "handover times typed or tapped"

SQLITE = [
    "ALTER TABLE handover ADD COLUMN arrived_typed BOOLEAN NOT NULL DEFAULT 1",
    "ALTER TABLE handover ADD COLUMN tidied_typed BOOLEAN NOT NULL DEFAULT 1",
]

POSTGRES = [
    "ALTER TABLE handover ADD COLUMN arrived_typed BOOLEAN NOT NULL DEFAULT TRUE",
    "ALTER TABLE handover ADD COLUMN tidied_typed BOOLEAN NOT NULL DEFAULT TRUE",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
