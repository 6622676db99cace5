"""/sw.js (scope /), the web app manifest and the offline page."""

from __future__ import annotations

import functools
import hashlib
import json

from litestar import Request, get
from litestar.response import Response, Template

from app.settings import ROOT, get_settings
from app.web import page

STATIC = ROOT / "frontend" / "static"
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
    "vendor/htmx-4.0.1.min.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-512.png",
]


@functools.cache
def shell_version() -> str:
    """A hash of every shell file and the worker itself: any change makes a new cache and a new worker."""
    digest = hashlib.sha256(get_settings().build_id.encode())
    for path in [*(STATIC / f for f in SHELL_FILES), *sorted(SW_DIR.glob("*.js"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.cache
def service_worker_source() -> str:
    precache = ["/offline", *(f"/static/{f}" for f in SHELL_FILES)]
    source = (SW_DIR / "sw.js").read_text()
    return source.replace("__VERSION__", shell_version()).replace("__PRECACHE__", json.dumps(precache))


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
        (ROOT / "frontend" / "manifest.webmanifest").read_text(),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


@get("/offline", opt={"public": True}, include_in_schema=False)
async def offline_page(request: Request) -> Template:
    """Shown by the service worker for a page never visited while online."""
    return page(request, "offline.html", staff=None, nav=[])  # the same for everyone: it is precached


ROUTES = [service_worker, manifest, offline_page]
