"""Notices (N1) and the owner opinion survey (N2): published notices, each office's notice board
(its public page token, when it was last changed), surveys, one invitation per unit with its one-time
token, and at most one answer per invitation (a unique index says so)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notices, notice boards and the owner opinion survey"

FK = "ON DELETE CASCADE ON UPDATE CASCADE"
STATEMENTS = [
    f"""CREATE TABLE "notice" ("id" UUID PRIMARY KEY NOT NULL,
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "kind" VARCHAR(20) NOT NULL DEFAULT '', "title" VARCHAR(100) NOT NULL DEFAULT '',
      "body" TEXT NOT NULL DEFAULT '', "checklist" TEXT NOT NULL DEFAULT '',
      "starts_on" VARCHAR(10) NOT NULL DEFAULT '', "ends_on" VARCHAR(10) NOT NULL DEFAULT '',
      "hours" VARCHAR(200) NOT NULL DEFAULT '', "contact" VARCHAR(100) NOT NULL DEFAULT '',
      "signer" VARCHAR(100) NOT NULL DEFAULT '', "topic" VARCHAR(100) NOT NULL DEFAULT '',
      "published_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "published_by" INTEGER NOT NULL REFERENCES "staff" ("id") {FK},
      "withdrawn_at" TIMESTAMPTZ DEFAULT null)""",
    'CREATE INDEX notice_office ON "notice" ("office", "published_at")',
    f"""CREATE TABLE "notice_board" ("id" {{serial}},
      "office" INTEGER NOT NULL UNIQUE REFERENCES "office" ("id") {FK},
      "public_token" VARCHAR(64) NOT NULL UNIQUE,
      "changed_at" TIMESTAMPTZ DEFAULT null,
      "changed_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    f"""CREATE TABLE "survey" ("id" {{serial}}, "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "year" INTEGER NOT NULL DEFAULT 0, "title" VARCHAR(100) NOT NULL DEFAULT '',
      "created_by" INTEGER NOT NULL REFERENCES "staff" ("id") {FK},
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "closed_at" TIMESTAMPTZ DEFAULT null)""",
    'CREATE INDEX survey_office ON "survey" ("office")',
    f"""CREATE TABLE "survey_invite" ("id" {{serial}},
      "survey" INTEGER NOT NULL REFERENCES "survey" ("id") {FK},
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "unit" INTEGER NOT NULL REFERENCES "unit" ("id") {FK},
      "building" VARCHAR(50) NOT NULL DEFAULT '', "unit_number" VARCHAR(30) NOT NULL DEFAULT '',
      "token" VARCHAR(64) NOT NULL UNIQUE, "answered_at" TIMESTAMPTZ DEFAULT null)""",
    'CREATE INDEX survey_invite_survey ON "survey_invite" ("survey")',
    'CREATE INDEX survey_invite_office ON "survey_invite" ("office")',
    'CREATE UNIQUE INDEX survey_invite_one_per_unit ON "survey_invite" ("survey", "unit")',
    f"""CREATE TABLE "survey_answer" ("id" UUID PRIMARY KEY NOT NULL,
      "survey" INTEGER NOT NULL REFERENCES "survey" ("id") {FK},
      "invite" INTEGER NOT NULL UNIQUE REFERENCES "survey_invite" ("id") {FK},
      "office" INTEGER NOT NULL REFERENCES "office" ("id") {FK},
      "service_centre" INTEGER NOT NULL, "repairs" INTEGER NOT NULL, "cleaning" INTEGER NOT NULL,
      "landscaping" INTEGER NOT NULL, "security" INTEGER NOT NULL, "comment" TEXT NOT NULL DEFAULT '',
      "channel" VARCHAR(10) NOT NULL DEFAULT '',
      "entered_by" INTEGER REFERENCES "staff" ("id") {FK} DEFAULT null,
      "answered_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)""",
    'CREATE INDEX survey_answer_survey ON "survey_answer" ("survey")',
    'CREATE INDEX survey_answer_office ON "survey_answer" ("office")',
]
TYPES = {
    "postgres": {"serial": "SERIAL PRIMARY KEY"},
    "sqlite": {"serial": "INTEGER PRIMARY KEY NOT NULL"},
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
