"""Apply Piccolo migrations from the top-level `migrations/` folder, on SQLite or PostgreSQL."""

from __future__ import annotations

import os

from app.settings import ROOT


async def migrate() -> None:
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    import sys

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from piccolo.apps.migrations.commands.forwards import run_forwards

    response = await run_forwards(app_name="app", migration_id="all", fake=False)
    if not response.success:
        raise SystemExit(f"migrations failed: {response.message}")
