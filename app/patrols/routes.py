"""The patrol domain's pages and API (parts: walking and review, setup, nonconformances)."""

from app.patrols import _nc_routes, _setup_routes, _walk_routes

ROUTES = [*_walk_routes.ROUTES, *_setup_routes.ROUTES, *_nc_routes.ROUTES]
