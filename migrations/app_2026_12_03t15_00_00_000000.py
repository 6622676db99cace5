"""The supervisor's reports (G1, G2), storm mode (G3), emergency calls (D3, D7), the daily review (P4),
"explained to the resident" (W5) and the collection of the control room's night records (W8)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "supervision: reports, storm mode, emergency calls, daily review, night records"

FK = "ON DELETE CASCADE ON UPDATE CASCADE"
OFFICE = f'"office" INTEGER NOT NULL REFERENCES "office" ("id") {FK}'


def staff(name: str, null: bool = False) -> str:
    return f'"{name}" INTEGER {"" if null else "NOT NULL "}REFERENCES "staff" ("id") {FK}' + (
        " DEFAULT null" if null else ""
    )


STATEMENTS = [
    f"""CREATE TABLE "supervision_report" ("id" UUID PRIMARY KEY NOT NULL, {OFFICE},
      "kind" VARCHAR(20) NOT NULL DEFAULT '', "period" VARCHAR(60) NOT NULL DEFAULT '',
      "title" VARCHAR(200) NOT NULL DEFAULT '', "body" TEXT NOT NULL DEFAULT '',
      "figures" TEXT NOT NULL DEFAULT '{{{{}}}}', "state" VARCHAR(10) NOT NULL DEFAULT 'draft',
      "due_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      "updated_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, {staff("updated_by")},
      "submitted_at" TIMESTAMPTZ DEFAULT null, {staff("submitted_by", True)},
      "late" BOOLEAN NOT NULL DEFAULT false)""",
    'CREATE UNIQUE INDEX supervision_report_period ON "supervision_report" ("office", "kind", "period")',
    f"""CREATE TABLE "storm_event" ("id" UUID PRIMARY KEY NOT NULL, {OFFICE},
      "kind" VARCHAR(20) NOT NULL DEFAULT '', "note" VARCHAR(500) NOT NULL DEFAULT '',
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, {staff("started_by")},
      {staff("duty_manager")}, "arrived_at" TIMESTAMPTZ DEFAULT null,
      "arrival_late" BOOLEAN NOT NULL DEFAULT false, "checklist" TEXT NOT NULL DEFAULT '[]',
      "rain_rounds" INTEGER NOT NULL DEFAULT 0, "ended_at" TIMESTAMPTZ DEFAULT null,
      {staff("ended_by", True)}, "summary" TEXT NOT NULL DEFAULT '')""",
    'CREATE INDEX storm_event_office ON "storm_event" ("office")',
    # G3: one storm at a time per office — the database says so too.
    'CREATE UNIQUE INDEX storm_event_one_on ON "storm_event" ("office") WHERE "ended_at" IS NULL',
    f"""CREATE TABLE "emergency_call" ("id" UUID PRIMARY KEY NOT NULL, {OFFICE},
      "entry" UUID DEFAULT null, "storm" UUID DEFAULT null, {staff("callee")}, {staff("called_by")},
      "called_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "alerted" BOOLEAN NOT NULL DEFAULT false,
      "answered_at" TIMESTAMPTZ DEFAULT null, "on_site_at" TIMESTAMPTZ DEFAULT null,
      "note" VARCHAR(200) NOT NULL DEFAULT '')""",
    'CREATE INDEX emergency_call_office ON "emergency_call" ("office", "called_at")',
    f"""CREATE TABLE "daily_review" ("id" UUID PRIMARY KEY NOT NULL, {OFFICE},
      "day" DATE NOT NULL DEFAULT CURRENT_DATE, {staff("reviewer")},
      "done_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "patrols" INTEGER NOT NULL DEFAULT 0,
      "complaints" INTEGER NOT NULL DEFAULT 0, "repairs" INTEGER NOT NULL DEFAULT 0,
      "note" VARCHAR(500) NOT NULL DEFAULT '')""",
    'CREATE UNIQUE INDEX daily_review_day ON "daily_review" ("office", "day")',
    f"""CREATE TABLE "night_record_collection" ("id" UUID PRIMARY KEY NOT NULL, {OFFICE},
      "day" DATE NOT NULL DEFAULT CURRENT_DATE,
      "collected_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, {staff("collected_by")},
      "entries" INTEGER NOT NULL DEFAULT 0, "note" VARCHAR(200) NOT NULL DEFAULT '')""",
    'CREATE INDEX night_record_collection_day ON "night_record_collection" ("office", "day")',
    f"""CREATE TABLE "repair_explanation" ("id" UUID PRIMARY KEY NOT NULL, {OFFICE},
      "order_id" UUID NOT NULL, "explained_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
      {staff("explained_by")}, "how" VARCHAR(10) NOT NULL DEFAULT '',
      "note" VARCHAR(500) NOT NULL DEFAULT '')""",
    'CREATE INDEX repair_explanation_order ON "repair_explanation" ("order_id")',
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement.replace("{{}}", "{}"))

    manager.add_raw(run)
    return manager
