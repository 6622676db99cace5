"""Piccolo's own configuration, for its CLI and migrations; the engine comes from app.db."""

from piccolo.conf.apps import AppRegistry

from app.db import get_engine

DB = get_engine()
APP_REGISTRY = AppRegistry(apps=["app.piccolo_app"])
