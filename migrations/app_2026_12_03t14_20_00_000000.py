"""F6 + C2: a complaint follow-up that finds a problem reopens the fix with the complaint's department head."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T14:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "complaint reopenings"

COLUMNS = """("id" UUID PRIMARY KEY, "office" INTEGER NOT NULL REFERENCES office ("id"),
      "record" UUID NOT NULL UNIQUE REFERENCES followup_record ("id"),
      "task" UUID NOT NULL REFERENCES followup_task ("id"),
      "request" UUID NOT NULL REFERENCES service_request ("id"),
      "department" VARCHAR(30) NOT NULL DEFAULT '', "heads" {json} NOT NULL DEFAULT '[]',
      "words" TEXT NOT NULL DEFAULT '', "deadline" TIMESTAMPTZ NOT NULL,
      "state" VARCHAR(10) NOT NULL DEFAULT 'open', "fixed_at" TIMESTAMPTZ NULL,
      "fixed_by" INTEGER NULL REFERENCES staff ("id"), "fix_note" TEXT NOT NULL DEFAULT '',
      "created_at" TIMESTAMPTZ NOT NULL)"""
INDEXES = [
    "CREATE INDEX complaint_reopening_office ON complaint_reopening (office)",
    "CREATE INDEX complaint_reopening_request ON complaint_reopening (request)",
]
SQLITE = ["CREATE TABLE complaint_reopening " + COLUMNS.format(json="JSON"), *INDEXES]
POSTGRES = ["CREATE TABLE complaint_reopening " + COLUMNS.format(json="JSON"), *INDEXES]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
