"""One checkpoint per entrusted unit on a route (P5): `sync_entrusted_checkpoints` runs on GET pages,
and two first looks at once could add a unit twice. A duplicate made before this key existed is
retired and unlinked from its unit (not deleted: visits and findings may name it)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T08:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one checkpoint per route and entrusted unit"

STATEMENTS = [
    "UPDATE checkpoint SET unit = NULL, active = FALSE WHERE unit IS NOT NULL AND id > "
    "(SELECT MIN(c.id) FROM checkpoint AS c WHERE c.route = checkpoint.route AND c.unit = checkpoint.unit)",
    "CREATE UNIQUE INDEX checkpoint_route_unit ON checkpoint (route, unit)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="app", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
