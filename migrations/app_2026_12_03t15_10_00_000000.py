"""Convenience and commissioned services (S4): the announced list per office, and each agreed service."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T15:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "convenience and commissioned services"

FK = "ON DELETE CASCADE ON UPDATE CASCADE"
STATEMENTS = [
    f"""CREATE TABLE "convenience_item" ("id" {{serial}}, "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "kind" VARCHAR(20) NOT NULL DEFAULT '', "name" VARCHAR(100) NOT NULL DEFAULT '',
      "department" VARCHAR(30) NOT NULL DEFAULT '', "price_fen" INTEGER NOT NULL DEFAULT 0,
      "price_unit" VARCHAR(20) NOT NULL DEFAULT '', "note" VARCHAR(200) NOT NULL DEFAULT '',
      "active" BOOLEAN NOT NULL DEFAULT true, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX convenience_item_office ON "convenience_item" ("office")',
    f"""CREATE TABLE "convenience_booking" ("id" UUID PRIMARY KEY NOT NULL,
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK}, "seq" INTEGER NOT NULL DEFAULT 0,
      "item" INTEGER NOT NULL REFERENCES "convenience_item" ("id") {FK},
      "unit" INTEGER REFERENCES "unit" ("id") {FK} DEFAULT null,
      "resident_name" VARCHAR(50) NOT NULL DEFAULT '', "phone_tail" VARCHAR(4) NOT NULL DEFAULT '',
      "place" VARCHAR(100) NOT NULL DEFAULT '',
      "appointment_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "price_fen" INTEGER NOT NULL DEFAULT 0, "terms" TEXT NOT NULL DEFAULT '',
      "state" VARCHAR(10) NOT NULL DEFAULT 'agreed',
      "agreed_by" INTEGER NOT NULL REFERENCES "staff" ("id") {FK},
      "agreed_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "assignee" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "assigned_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "assigned_at" TIMESTAMPTZ DEFAULT null, "accepted_at" TIMESTAMPTZ DEFAULT null,
      "acceptance_note" VARCHAR(200) NOT NULL DEFAULT '', "paid_at" TIMESTAMPTZ DEFAULT null,
      "payment_method" VARCHAR(10) NOT NULL DEFAULT '', "receipt_no" VARCHAR(30) NOT NULL DEFAULT '',
      "paid_fen" INTEGER NOT NULL DEFAULT 0)""",
    'CREATE INDEX convenience_booking_office ON "convenience_booking" ("office", "state")',
    'CREATE UNIQUE INDEX convenience_booking_seq ON "convenience_booking" ("office", "seq")',
]
TYPES = {"postgres": {"serial": "SERIAL PRIMARY KEY"}, "sqlite": {"serial": "INTEGER PRIMARY KEY NOT NULL"}}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        types = TYPES["postgres" if engine.engine_type == "postgres" else "sqlite"]
        for statement in STATEMENTS:
            await engine.run_ddl(statement.format(**types))

    manager.add_raw(run)
    return manager
