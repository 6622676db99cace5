"""Passes (V2): one per person, a validity period, linked to a unit and a renovation (no FK: another
domain's record); the printed number is unique in the office."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "passes"

FK = "ON DELETE CASCADE ON UPDATE CASCADE"
STATEMENTS = [
    f"""CREATE TABLE "access_pass" ("id" UUID PRIMARY KEY NOT NULL,
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "number" VARCHAR(12) NOT NULL DEFAULT '', "holder_name" VARCHAR(50) NOT NULL DEFAULT '',
      "holder_kind" VARCHAR(20) NOT NULL DEFAULT '', "company" VARCHAR(100) NOT NULL DEFAULT '',
      "id_kind" VARCHAR(20) NOT NULL DEFAULT '', "id_last4" VARCHAR(4) NOT NULL DEFAULT '',
      "trade" VARCHAR(20) DEFAULT null, "certificate_no" VARCHAR(50) NOT NULL DEFAULT '',
      "valid_from" DATE NOT NULL DEFAULT CURRENT_DATE, "valid_to" DATE NOT NULL DEFAULT CURRENT_DATE,
      "unit_id" INTEGER DEFAULT null, "renovation_id" INTEGER DEFAULT null,
      "note" VARCHAR(200) NOT NULL DEFAULT '',
      "withdrawn_at" TIMESTAMPTZ DEFAULT null,
      "withdrawn_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "withdrawn_reason" VARCHAR(200) NOT NULL DEFAULT '',
      "issued_by" INTEGER NOT NULL REFERENCES "staff" ("id") {FK},
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX access_pass_office ON "access_pass" ("office")',
    'CREATE INDEX access_pass_renovation_id ON "access_pass" ("renovation_id")',
    'CREATE UNIQUE INDEX access_pass_office_number ON "access_pass" ("office", "number")',
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
