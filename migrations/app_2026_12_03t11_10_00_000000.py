"""Release slips (R1) and the visitor log (V1): a slip's number is unique in the office; a slip is
released once (its release's id is kept, a second release beside it, flagged)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T11:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "release slips and the visitor log"

FK = "ON DELETE CASCADE ON UPDATE CASCADE"
STATEMENTS = [
    f"""CREATE TABLE "release_slip" ("id" UUID PRIMARY KEY NOT NULL,
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "number" VARCHAR(12) NOT NULL DEFAULT '',
      "unit" INTEGER NOT NULL REFERENCES "unit" ("id") {FK},
      "person_name" VARCHAR(50) NOT NULL DEFAULT '', "resident_id" INTEGER DEFAULT null,
      "id_kind" VARCHAR(20) NOT NULL DEFAULT '', "id_last4" VARCHAR(4) NOT NULL DEFAULT '',
      "goods" {{json}} NOT NULL DEFAULT '[]', "vehicle" VARCHAR(20) NOT NULL DEFAULT '',
      "note" VARCHAR(200) NOT NULL DEFAULT '',
      "fee_amount_fen" INTEGER NOT NULL DEFAULT 0, "fee_months_owed" INTEGER NOT NULL DEFAULT 0,
      "fee_as_of" DATE DEFAULT null,
      "override_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "override_reason" VARCHAR(200) NOT NULL DEFAULT '',
      "confirm_name" VARCHAR(50) NOT NULL DEFAULT '', "confirm_phone" VARCHAR(20) NOT NULL DEFAULT '',
      "confirm_at" TIMESTAMPTZ DEFAULT null,
      "valid_on" DATE NOT NULL DEFAULT CURRENT_DATE, "valid_until" DATE NOT NULL DEFAULT CURRENT_DATE,
      "issued_by" INTEGER NOT NULL REFERENCES "staff" ("id") {FK},
      "issued_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "cancelled_at" TIMESTAMPTZ DEFAULT null,
      "cancelled_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "cancel_reason" VARCHAR(200) NOT NULL DEFAULT '',
      "released_at" TIMESTAMPTZ DEFAULT null,
      "released_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "release_id" UUID DEFAULT null, "release_note" VARCHAR(200) NOT NULL DEFAULT '',
      "clock_suspect" BOOLEAN NOT NULL DEFAULT false,
      "second_release_at" TIMESTAMPTZ DEFAULT null,
      "second_release_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "second_release_id" UUID DEFAULT null)""",
    'CREATE INDEX release_slip_office ON "release_slip" ("office")',
    'CREATE INDEX release_slip_unit ON "release_slip" ("unit")',
    'CREATE INDEX release_slip_valid_until ON "release_slip" ("office", "valid_until")',
    'CREATE UNIQUE INDEX release_slip_office_number ON "release_slip" ("office", "number")',
    f"""CREATE TABLE "visitor_entry" ("id" UUID PRIMARY KEY NOT NULL,
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "visitor_name" VARCHAR(50) NOT NULL DEFAULT '', "people" INTEGER NOT NULL DEFAULT 1,
      "id_kind" VARCHAR(20) NOT NULL DEFAULT '', "id_last4" VARCHAR(4) NOT NULL DEFAULT '',
      "purpose" VARCHAR(200) NOT NULL DEFAULT '', "host_kind" VARCHAR(20) NOT NULL DEFAULT '',
      "unit" INTEGER REFERENCES "unit" ("id") {FK} DEFAULT null,
      "department" VARCHAR(30) DEFAULT null, "place" VARCHAR(10) NOT NULL DEFAULT 'desk',
      "notify" BOOLEAN NOT NULL DEFAULT false, "alert_id" UUID DEFAULT null,
      "resident_called_at" TIMESTAMPTZ DEFAULT null,
      "resident_called_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "call_note" VARCHAR(200) NOT NULL DEFAULT '',
      "in_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "in_by" INTEGER NOT NULL REFERENCES "staff" ("id") {FK},
      "out_at" TIMESTAMPTZ DEFAULT null,
      "out_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "clock_suspect" BOOLEAN NOT NULL DEFAULT false,
      "received_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX visitor_entry_office ON "visitor_entry" ("office", "in_at")',
    'CREATE INDEX visitor_entry_open ON "visitor_entry" ("office") WHERE "out_at" IS NULL',
]
TYPES = {"postgres": {"json": "JSON"}, "sqlite": {"json": "JSON"}}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        types = TYPES["postgres" if engine.engine_type == "postgres" else "sqlite"]
        for statement in STATEMENTS:
            await engine.run_ddl(statement.format(**types))

    manager.add_raw(run)
    return manager
