"""F7: the monthly analysis report written in the app (causes and actions), one per office and month."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T14:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "monthly analysis report"

SQLITE = [
    """CREATE TABLE monthly_analysis ("id" INTEGER PRIMARY KEY AUTOINCREMENT,
      "office" INTEGER NOT NULL REFERENCES office ("id"), "month" VARCHAR(7) NOT NULL DEFAULT '',
      "text" TEXT NOT NULL DEFAULT '', "updated_by" INTEGER NULL REFERENCES staff ("id"),
      "updated_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    "CREATE UNIQUE INDEX monthly_analysis_office_month ON monthly_analysis (office, month)",
]

POSTGRES = [
    """CREATE TABLE monthly_analysis ("id" SERIAL PRIMARY KEY,
      "office" INTEGER NOT NULL REFERENCES office ("id"), "month" VARCHAR(7) NOT NULL DEFAULT '',
      "text" TEXT NOT NULL DEFAULT '', "updated_by" INTEGER NULL REFERENCES staff ("id"),
      "updated_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    "CREATE UNIQUE INDEX monthly_analysis_office_month ON monthly_analysis (office, month)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
