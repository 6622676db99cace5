"""Move-in (M1–M3) and renovation (M4–M7): move-in cases with their documents, inspections, defects
for the developer and the office's inspection list; renovation applications through permit and
completion, and the office's renovation fees."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "move-in and renovation"

FK = "ON DELETE CASCADE ON UPDATE CASCADE"
OFFICE = f'"office" INTEGER NOT NULL REFERENCES "office" ("id") {FK}'
STAFF = 'INTEGER REFERENCES "staff" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null'
STATEMENTS = [
    f"""CREATE TABLE "move_in" ("id" {{serial}}, {OFFICE},
      "unit" INTEGER NOT NULL REFERENCES "unit" ("id") {FK},
      "case_kind" VARCHAR(12) NOT NULL DEFAULT 'in_person', "owner_name" VARCHAR(50) NOT NULL DEFAULT '',
      "state" VARCHAR(12) NOT NULL DEFAULT 'open', "opened_by" {STAFF},
      "opened_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "agreements" {{json}} NOT NULL DEFAULT '[]', "agreements_signature" VARCHAR(64) NOT NULL DEFAULT '',
      "agreements_at" TIMESTAMPTZ DEFAULT null,
      "issued" {{json}} NOT NULL DEFAULT '[]', "key_ids" {{json}} NOT NULL DEFAULT '[]',
      "issued_signature" VARCHAR(64) NOT NULL DEFAULT '', "issued_at" TIMESTAMPTZ DEFAULT null,
      "completed_by" {STAFF}, "completed_at" TIMESTAMPTZ DEFAULT null)""",
    'CREATE INDEX move_in_office ON "move_in" ("office")',
    # one open case per unit
    """CREATE UNIQUE INDEX move_in_one_open ON "move_in" ("unit") WHERE "state" = 'open'""",
    f"""CREATE TABLE "move_in_document" ("id" {{serial}}, {OFFICE},
      "move_in" INTEGER NOT NULL REFERENCES "move_in" ("id") {FK},
      "kind" VARCHAR(50) NOT NULL DEFAULT '', "photo" VARCHAR(64) NOT NULL DEFAULT '',
      "staff" {STAFF}, "recorded_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX move_in_document_move_in ON "move_in_document" ("move_in")',
    f"""CREATE TABLE "move_in_inspection" ("id" UUID PRIMARY KEY NOT NULL, {OFFICE},
      "move_in" INTEGER NOT NULL REFERENCES "move_in" ("id") {FK},
      "items" {{json}} NOT NULL DEFAULT '[]',
      "water" NUMERIC(10, 2) DEFAULT null, "electricity" NUMERIC(10, 2) DEFAULT null,
      "gas" NUMERIC(10, 2) DEFAULT null,
      "signed_by" VARCHAR(50) NOT NULL DEFAULT '', "signature" VARCHAR(64) NOT NULL DEFAULT '',
      "staff" {STAFF}, "inspected_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "received_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX move_in_inspection_move_in ON "move_in_inspection" ("move_in")',
    f"""CREATE TABLE "move_in_defect" ("id" UUID PRIMARY KEY NOT NULL, {OFFICE},
      "move_in" INTEGER NOT NULL REFERENCES "move_in" ("id") {FK},
      "inspection" UUID NOT NULL REFERENCES "move_in_inspection" ("id") {FK},
      "room" VARCHAR(30) NOT NULL DEFAULT '', "item" VARCHAR(60) NOT NULL DEFAULT '',
      "note" VARCHAR(500) NOT NULL DEFAULT '', "photos" {{json}} NOT NULL DEFAULT '[]',
      "reported_on" DATE NOT NULL DEFAULT CURRENT_DATE, "state" VARCHAR(10) NOT NULL DEFAULT 'open',
      "reinspected_at" TIMESTAMPTZ DEFAULT null, "reinspected_by" {STAFF},
      "reinspection_note" VARCHAR(500) NOT NULL DEFAULT '',
      "reinspection_signature" VARCHAR(64) NOT NULL DEFAULT '')""",
    'CREATE INDEX move_in_defect_office ON "move_in_defect" ("office")',
    'CREATE INDEX move_in_defect_move_in ON "move_in_defect" ("move_in")',
    f"""CREATE TABLE "move_in_settings" ("id" {{serial}},
      "office" INTEGER UNIQUE NOT NULL REFERENCES "office" ("id") {FK},
      "checklist" {{json}} NOT NULL DEFAULT '[]')""",
    f"""CREATE TABLE "renovation" ("id" {{serial}}, {OFFICE},
      "unit" INTEGER NOT NULL REFERENCES "unit" ("id") {FK},
      "state" VARCHAR(12) NOT NULL DEFAULT 'applied',
      "applicant_kind" VARCHAR(10) NOT NULL DEFAULT 'owner', "applicant_name" VARCHAR(50) NOT NULL DEFAULT '',
      "ownership_photo" VARCHAR(64) NOT NULL DEFAULT '', "lease_photo" VARCHAR(64) NOT NULL DEFAULT '',
      "consent_photo" VARCHAR(64) NOT NULL DEFAULT '',
      "contractor_kind" VARCHAR(10) NOT NULL DEFAULT 'company', "contractor_name" VARCHAR(100) NOT NULL DEFAULT '',
      "licence_photo" VARCHAR(64) NOT NULL DEFAULT '', "qualification_photo" VARCHAR(64) NOT NULL DEFAULT '',
      "guarantee_photo" VARCHAR(64) NOT NULL DEFAULT '',
      "works" TEXT NOT NULL DEFAULT '', "start_on" DATE NOT NULL DEFAULT CURRENT_DATE,
      "end_on" DATE NOT NULL DEFAULT CURRENT_DATE, "drawings" {{json}} NOT NULL DEFAULT '[]',
      "structural" BOOLEAN NOT NULL DEFAULT false, "approval_photo" VARCHAR(64) NOT NULL DEFAULT '',
      "ack_signature" VARCHAR(64) NOT NULL DEFAULT '', "ack_at" TIMESTAMPTZ DEFAULT null,
      "owner_signature" VARCHAR(64) NOT NULL DEFAULT '', "contractor_signature" VARCHAR(64) NOT NULL DEFAULT '',
      "office_signature" VARCHAR(64) NOT NULL DEFAULT '', "agreement_at" TIMESTAMPTZ DEFAULT null,
      "waste_fee" NUMERIC(10, 2) DEFAULT null, "deposit" NUMERIC(10, 2) DEFAULT null,
      "receipt_no" VARCHAR(40) NOT NULL DEFAULT '', "paid_at" TIMESTAMPTZ DEFAULT null,
      "permit_no" VARCHAR(30) NOT NULL DEFAULT '', "permit_at" TIMESTAMPTZ DEFAULT null,
      "completion_items" {{json}} NOT NULL DEFAULT '[]', "completion_photos" {{json}} NOT NULL DEFAULT '[]',
      "completion_signature" VARCHAR(64) NOT NULL DEFAULT '',
      "refund" NUMERIC(10, 2) DEFAULT null, "deduction" NUMERIC(10, 2) DEFAULT null,
      "deduction_reason" VARCHAR(200) NOT NULL DEFAULT '', "completed_at" TIMESTAMPTZ DEFAULT null,
      "created_by" {STAFF}, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX renovation_office ON "renovation" ("office")',
    """CREATE UNIQUE INDEX renovation_one_open ON "renovation" ("unit") WHERE "state" <> 'completed'""",
    f"""CREATE TABLE "renovation_settings" ("id" {{serial}},
      "office" INTEGER UNIQUE NOT NULL REFERENCES "office" ("id") {FK},
      "waste_fee" NUMERIC(10, 2) NOT NULL DEFAULT 300, "deposit" NUMERIC(10, 2) NOT NULL DEFAULT 2000)""",
]

TYPES = {
    "postgres": {"serial": "SERIAL PRIMARY KEY", "json": "JSON"},
    "sqlite": {"serial": "INTEGER PRIMARY KEY NOT NULL", "json": "JSON"},
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
