"""E1/P5: a unit's state starts from the old `entrusted` flag (entrusted, else occupied), and a
building holds a unit number once (the import matches units by building + number)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T10:16:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unit state from the entrusted flag; one number per building"

STATEMENTS = [
    "UPDATE unit SET state = CASE WHEN entrusted THEN 'entrusted' ELSE 'occupied' END",
    "CREATE UNIQUE INDEX unit_building_number ON unit (building, number)",
    "CREATE UNIQUE INDEX building_office_name ON building (office, name)",
    "CREATE INDEX resident_phone ON resident (office, phone)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
