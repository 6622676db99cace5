"""/sw.js (scope /), the web app manifest and the offline page."""

from __future__ import annotations

import functools
import hashlib
import json

from litestar import HttpMethod, Request, get, route
from litestar.params import FromPath
from litestar.response import Response, Template

from app.pwa.assets import assets, static_response
from app.settings import ROOT, get_settings
from app.web import page

SW_DIR = ROOT / "service-worker"
# The app shell: precached at install, so every page works offline from the first visit.
SHELL_FILES = [
    "css/app.css",
    "js/app.js",
    "js/ui.js",
    "js/submit.js",
    "js/outbox.js",
    "js/idb.js",
    "js/photos.js",
    "js/alerts.js",
    "js/alerts-sw.js",
    "js/handover.js",
    "js/patrols.js",
    "js/work.js",
    "js/signature.js",
    "js/movein.js",
    "js/public.js",
    "js/gate.js",
    "js/scanner.js",
    "vendor/htmx-4.0.1.min.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-512.png",
]


@functools.cache
def shell_version() -> str:
    """A hash of every shell file and the worker itself: any change makes a new cache and a new worker."""
    digest = hashlib.sha256(get_settings().build_id.encode())
    for name in SHELL_FILES:
        digest.update(assets().by_name[name].url.encode())  # the URL carries the hash of the content
    for path in sorted(SW_DIR.glob("*.js")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.cache
def service_worker_source() -> str:
    """The worker, stamped: its version, the fingerprinted URLs to precache, and the plain → fingerprinted
    names (a page asking for /static/js/app.js, or for another version's URL, is answered from the cache)."""
    shell = {f"/static/{f}": assets().url(f) for f in SHELL_FILES}
    source = assets().rewrite((SW_DIR / "sw.js").read_text())
    return (
        source.replace("__VERSION__", shell_version())
        .replace("__PRECACHE__", json.dumps(["/offline", *shell.values()]))
        .replace("__ASSETS__", json.dumps(shell))
    )


@route(
    "/static/{path:path}",
    http_method=[HttpMethod.GET, HttpMethod.HEAD],
    opt={"public": True, "no_compression": True, "exclude_from_csrf": True},  # no cookie on cached files
    include_in_schema=False,
)
async def static_file(request: Request, path: FromPath[str]) -> Response:
    """A static file: fingerprinted URLs cached for a year, plain ones revalidated; ETag and 304s; gzip."""
    return static_response(path.lstrip("/"), request.method, request.headers)


@get("/sw.js", opt={"public": True}, include_in_schema=False)
async def service_worker() -> Response:
    """The service worker, never cached by HTTP so that updates are seen (its version is in its bytes)."""
    return Response(
        service_worker_source(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@get("/manifest.webmanifest", opt={"public": True}, include_in_schema=False)
async def manifest() -> Response:
    """The web app manifest (installable, standalone)."""
    return Response(
        assets().rewrite((ROOT / "frontend" / "manifest.webmanifest").read_text()),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


@get("/offline", opt={"public": True}, include_in_schema=False)
async def offline_page(request: Request) -> Template:
    """Shown by the service worker for a page never visited while online."""
    return page(request, "offline.html", staff=None, nav=[])  # the same for everyone: it is precached


ROUTES = [service_worker, manifest, offline_page, static_file]
