"""Attachments in the database on PostgreSQL (issue 16, DESIGN "Scale"): the bytes of each
content-addressed file in chunks, so any instance serves any upload. SQLite keeps files on disk
(the table is made there too, empty, so both engines have one schema)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T10:14:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "attachment chunks (attachments stored in PostgreSQL)"

POSTGRES = [
    "CREATE TABLE attachment_chunk (id SERIAL PRIMARY KEY, sha256 VARCHAR(64) NOT NULL, "
    "n INTEGER NOT NULL, data BYTEA NOT NULL)",
    "ALTER TABLE attachment_chunk ALTER COLUMN data SET STORAGE EXTERNAL",  # photos are compressed already
]
SQLITE = [
    "CREATE TABLE attachment_chunk (id INTEGER PRIMARY KEY, sha256 VARCHAR(64) NOT NULL, "
    "n INTEGER NOT NULL, data BLOB NOT NULL)",
]
COMMON = ["CREATE UNIQUE INDEX attachment_chunk_piece ON attachment_chunk (sha256, n)"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in (POSTGRES if engine.engine_type == "postgres" else SQLITE) + COMMON:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
