"""Security headers on every response (DESIGN "Security"): one `before_send` hook, added in app/main.py.

- Content-Security-Policy: scripts only from this origin — no inline code, no eval. The JSON data
  blocks (`<script type="application/json">`) are data, not script, so the policy lets them be.
  No inline event handlers either (`onchange=…`): pages wire their controls in their scripts
  (e.g. `data-autosubmit` in app.js).
  Styles may be inline (style attributes); images also from `data:` and `blob:` (photo previews).
- X-Content-Type-Options: nosniff; X-Frame-Options: DENY and `frame-ancestors 'none'` (no framing,
  no clickjacking); Referrer-Policy: same-origin (links out to work-chat etc. carry no path).
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "font-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook: every HTTP response — pages, API, static files, and the
    errors raised before any route (404, 405) — gets HEADERS (a handler's own value is kept)."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        for name, value in HEADERS.items():
            if name not in headers:
                headers[name] = value
