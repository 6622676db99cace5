"""F5: the quarterly visit's answers about the front desk, cleaning, landscaping and security; who owns
the visits per office (the service-centre head, or the manager)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "quarterly visit aspects and owner"

TABLE = """CREATE TABLE followup_settings ("id" {serial}, "office" INTEGER NOT NULL UNIQUE REFERENCES office ("id"),
  "f5_role" VARCHAR(20) NOT NULL DEFAULT 'supervisor', "updated_by" INTEGER NULL REFERENCES staff ("id"))"""
SQLITE = [
    "ALTER TABLE followup_record ADD COLUMN aspects JSON NOT NULL DEFAULT '{}'",
    TABLE.format(serial="INTEGER PRIMARY KEY AUTOINCREMENT"),
]
POSTGRES = [
    "ALTER TABLE followup_record ADD COLUMN aspects JSON NOT NULL DEFAULT '{}'",
    TABLE.format(serial="SERIAL PRIMARY KEY"),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
