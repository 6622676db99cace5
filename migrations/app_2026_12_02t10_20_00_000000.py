"""Keys (K2), fee status ($1) and dunning ($2): the key register and its lendings (at most one open
lending per key), the finance department's arrears per unit, uploads waiting for confirmation, dunning."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T10:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "keys, fee status and dunning"

FK = "ON DELETE CASCADE ON UPDATE CASCADE"
STATEMENTS = [
    f"""CREATE TABLE "key_item" ("id" {{serial}}, "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "code" VARCHAR(30) NOT NULL DEFAULT '', "name" VARCHAR(100) NOT NULL DEFAULT '',
      "kind" VARCHAR(20) NOT NULL DEFAULT '', "unit" INTEGER REFERENCES "unit" ("id") {FK} DEFAULT null,
      "area" VARCHAR(50) NOT NULL DEFAULT '', "hook" VARCHAR(50) NOT NULL DEFAULT '',
      "note" VARCHAR(200) NOT NULL DEFAULT '', "active" BOOLEAN NOT NULL DEFAULT true,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX key_item_office ON "key_item" ("office")',
    'CREATE UNIQUE INDEX key_item_office_code ON "key_item" ("office", "code")',
    f"""CREATE TABLE "key_lending" ("id" UUID PRIMARY KEY NOT NULL,
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "key" INTEGER NOT NULL REFERENCES "key_item" ("id") {FK},
      "borrower_staff" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "borrower_name" VARCHAR(50) NOT NULL DEFAULT '', "borrower_phone_tail" VARCHAR(4) NOT NULL DEFAULT '',
      "note" VARCHAR(200) NOT NULL DEFAULT '', "approved_by" VARCHAR(50) NOT NULL DEFAULT '',
      "out_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "out_by" INTEGER NOT NULL REFERENCES "staff" ("id") {FK},
      "back_at" TIMESTAMPTZ DEFAULT null, "back_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "return_note" VARCHAR(200) NOT NULL DEFAULT '', "clock_suspect" BOOLEAN NOT NULL DEFAULT false,
      "received_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX key_lending_office ON "key_lending" ("office")',
    'CREATE INDEX key_lending_key ON "key_lending" ("key")',
    # K2: a key already out cannot be lent again — the database says so too.
    'CREATE UNIQUE INDEX key_lending_one_open ON "key_lending" ("key") WHERE "back_at" IS NULL',
    f"""CREATE TABLE "key_note" ("id" {{serial}}, "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "key" INTEGER NOT NULL REFERENCES "key_item" ("id") {FK},
      "author" INTEGER NOT NULL REFERENCES "staff" ("id") {FK}, "text" TEXT NOT NULL DEFAULT '',
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX key_note_key ON "key_note" ("key")',
    f"""CREATE TABLE "key_settings" ("id" {{serial}},
      "office" INTEGER UNIQUE NOT NULL REFERENCES "office" ("id") {FK},
      "overdue_minutes" INTEGER NOT NULL DEFAULT 240)""",
    f"""CREATE TABLE "fee_import" ("id" {{serial}}, "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "staff" INTEGER NOT NULL REFERENCES "staff" ("id") {FK}, "filename" VARCHAR(200) NOT NULL DEFAULT '',
      "sha256" VARCHAR(64) NOT NULL DEFAULT '', "row_count" INTEGER NOT NULL DEFAULT 0,
      "changed" INTEGER NOT NULL DEFAULT 0, "imported_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX fee_import_office ON "fee_import" ("office")',
    f"""CREATE TABLE "fee_status" ("id" {{serial}}, "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "unit" INTEGER UNIQUE NOT NULL REFERENCES "unit" ("id") {FK},
      "months_owed" INTEGER NOT NULL DEFAULT 0, "amount_fen" INTEGER NOT NULL DEFAULT 0,
      "as_of" DATE NOT NULL DEFAULT CURRENT_DATE,
      "fee_import" INTEGER REFERENCES "fee_import" ("id") {FK} DEFAULT null,
      "updated_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX fee_status_office ON "fee_status" ("office")',
    f"""CREATE TABLE "fee_upload" ("id" UUID PRIMARY KEY NOT NULL,
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "staff" INTEGER NOT NULL REFERENCES "staff" ("id") {FK}, "filename" VARCHAR(200) NOT NULL DEFAULT '',
      "sha256" VARCHAR(64) NOT NULL DEFAULT '', "content" {{blob}} NOT NULL,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX fee_upload_office ON "fee_upload" ("office")',
    f"""CREATE TABLE "dunning_record" ("id" UUID PRIMARY KEY NOT NULL,
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "unit" INTEGER NOT NULL REFERENCES "unit" ("id") {FK},
      "staff" INTEGER NOT NULL REFERENCES "staff" ("id") {FK},
      "method" VARCHAR(10) NOT NULL DEFAULT '', "outcome" VARCHAR(20) NOT NULL DEFAULT '',
      "promised_date" DATE DEFAULT null, "next_follow_up" DATE DEFAULT null,
      "note" VARCHAR(500) NOT NULL DEFAULT '', "recorded_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "received_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "clock_suspect" BOOLEAN NOT NULL DEFAULT false)""",
    'CREATE INDEX dunning_record_office ON "dunning_record" ("office")',
    'CREATE INDEX dunning_record_unit ON "dunning_record" ("unit")',
]
TYPES = {
    "postgres": {"serial": "SERIAL PRIMARY KEY", "blob": "BYTEA"},
    "sqlite": {"serial": "INTEGER PRIMARY KEY NOT NULL", "blob": "BLOB"},
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        types = TYPES["postgres" if engine.engine_type == "postgres" else "sqlite"]
        for statement in STATEMENTS:
            await engine.run_ddl(statement.format(**types))

    manager.add_raw(run)
    return manager
