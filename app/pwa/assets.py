"""Static files with their content hash in the URL (`/static/js/app.3f2a1b9c0d.js`).

Built once per process from frontend/static: every file gets a fingerprinted URL from the hash of
what is served. Scripts and the manifest name other files by their fingerprinted URLs (the import
specifiers `./ui.js` and `"/static/..."` strings are rewritten), so a script's hash covers the
scripts it imports and a change anywhere gives new URLs all the way up.

- A fingerprinted URL never changes content: `Cache-Control: public, max-age=31536000, immutable`.
- The plain URL (`/static/js/app.js`, what older pages and cached copies ask for) still answers with
  the current file, `no-cache`, so browsers revalidate it.
- Both carry an ETag and Last-Modified and answer 304 to a matching conditional request.
- Text files are gzipped once here (the app's compression middleware is skipped for them).

Templates call `static("js/app.js")` (a Jinja global) and `module_preloads("js/app.js")`.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
import re
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import NamedTuple

from litestar.datastructures import Headers
from litestar.response import Response

from app.settings import ROOT

STATIC = ROOT / "frontend" / "static"
PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_HASH_LENGTH = 10
_TEXT = (".js", ".css", ".json", ".webmanifest", ".svg", ".txt", ".html")
# `from "./x.js"`, `import "./x.js"`, `import("./x.js")`, and any "/static/…" string literal
_REFERENCE = re.compile(
    r"""(?P<lead>(?:\bfrom|\bimport)\s*\(?\s*)?(?P<q>["'])(?P<spec>\.\.?/[^"'\s]+|/static/[^"'\s?#]+)(?P=q)"""
)
_FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")  # _HASH_LENGTH


class Asset(NamedTuple):
    name: str  # "js/app.js", relative to frontend/static
    url: str  # "/static/js/app.3f2a1b9c0d.js"
    digest: str
    body: bytes
    gzipped: bytes | None  # None: not worth compressing (images)
    media_type: str
    last_modified: float  # the newest mtime of the file and what it names
    imports: tuple[str, ...]  # names of the scripts it imports (module preloading)


def fingerprint(name: str, digest: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{PREFIX}{stem}.{digest}.{ext}" if dot else f"{PREFIX}{name}.{digest}"


def _media_type(name: str) -> str:
    if name.endswith(".js"):
        return "text/javascript"
    if name.endswith(".webmanifest"):
        return "application/manifest+json"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class _Builder:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
        self.assets: dict[str, Asset] = {}
        self._building: set[str] = set()

    def build(self, name: str) -> Asset:
        if name in self.assets:
            return self.assets[name]
        if name in self._building:
            raise RuntimeError(f"static files name each other in a cycle: {name}")
        self._building.add(name)
        path = self.files[name]
        raw = path.read_bytes()
        mtime = path.stat().st_mtime
        imports: list[str] = []
        if name.endswith((".js", ".css", ".webmanifest")):
            text, named = self.rewrite(raw.decode(), name)
            raw = text.encode()
            imports = [n for n, is_import in named if is_import]
            mtime = max([mtime, *(self.assets[n].last_modified for n, _ in named)])
        if name.endswith(".css"):
            raw = _minify_css(raw.decode()).encode()
        digest = hashlib.sha256(raw).hexdigest()[:_HASH_LENGTH]
        gzipped = gzip.compress(raw, 9, mtime=0) if name.endswith(_TEXT) else None
        asset = Asset(name, fingerprint(name, digest), digest, raw, gzipped, _media_type(name), mtime, tuple(imports))
        self._building.discard(name)
        self.assets[name] = asset
        return asset

    def rewrite(self, text: str, name: str) -> tuple[str, list[tuple[str, bool]]]:
        """Replace the names of other static files by their fingerprinted URLs; returns (text, named)."""
        named: list[tuple[str, bool]] = []
        base = Path(name).parent.as_posix()

        def replace(match: re.Match) -> str:
            spec, is_import = match["spec"], match["lead"] is not None
            static_import = is_import and "(" not in match["lead"]  # import("…") loads later: not preloaded
            if spec.startswith("/static/"):
                target = spec.removeprefix("/static/")
            elif is_import:  # a relative specifier means something only in an import
                target = _normalise(f"{base}/{spec}")
            else:
                return match.group(0)
            if target not in self.files or target == name:
                return match.group(0)
            named.append((target, static_import))
            return f"{match['lead'] or ''}{match['q']}{self.build(target).url}{match['q']}"

        return _REFERENCE.sub(replace, text), named


def _minify_css(text: str) -> str:
    """Comments and runs of white space out (the stylesheet has no strings where that would matter)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"\s+", " ", text).strip()


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


class Assets:
    def __init__(self, root: Path = STATIC) -> None:
        builder = _Builder(root)
        for name in builder.files:
            builder.build(name)
        self.by_name = builder.assets
        self.by_url = {a.url: a for a in self.by_name.values()}

    def url(self, name: str) -> str:
        """The fingerprinted URL of a static file ("js/app.js"); a name that is not there stays plain."""
        asset = self.by_name.get(name.lstrip("/").removeprefix("static/"))
        return asset.url if asset else PREFIX + name

    def preloads(self, name: str) -> list[str]:
        """Fingerprinted URLs of every script a module imports, directly or not (for modulepreload)."""
        seen: dict[str, None] = {}
        pending = list(self.by_name[name].imports) if name in self.by_name else []
        while pending:
            current = pending.pop(0)
            if current not in seen:
                seen[current] = None
                pending.extend(self.by_name[current].imports)
        return [self.by_name[n].url for n in seen]

    def rewrite(self, text: str) -> str:
        """Static-file names in another served text (the service worker) → fingerprinted URLs."""

        def replace(match: re.Match) -> str:
            spec = match["spec"]
            name = spec.removeprefix("/static/")
            if not spec.startswith("/static/") or name not in self.by_name:
                return match.group(0)
            return f"{match['lead'] or ''}{match['q']}{self.by_name[name].url}{match['q']}"

        return _REFERENCE.sub(replace, text)

    def lookup(self, path: str) -> tuple[Asset, bool] | None:
        """The asset for a request path under /static/ and whether that URL is the fingerprinted one."""
        if (asset := self.by_url.get(PREFIX + path)) is not None:
            return asset, True
        if (asset := self.by_name.get(path)) is not None:
            return asset, False
        match = _FINGERPRINTED.match(path)
        if match and (asset := self.by_name.get(match["stem"] + match["ext"])) is not None:
            return asset, False  # another version's URL: today's file, revalidated
        return None


@functools.cache
def assets() -> Assets:
    return Assets()


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


def not_modified(asset: Asset, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since."""
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or bool(tags & {f'"{asset.digest}"', f'"{asset.digest}-gz"'})
    if if_modified_since:
        try:
            return int(asset.last_modified) <= parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def static_response(path: str, method: str, request_headers: Headers) -> Response:
    """The answer to GET/HEAD /static/{path}: 200 (gzip when accepted), 304, or 404."""
    found = assets().lookup(path)
    if found is None:
        return Response(b"", status_code=404, media_type="text/plain")
    asset, fingerprinted = found
    gzipped = asset.gzipped is not None and "gzip" in request_headers.get("accept-encoding", "")
    headers = {
        "Cache-Control": IMMUTABLE if fingerprinted else REVALIDATE,
        "ETag": f'"{asset.digest}-gz"' if gzipped else f'"{asset.digest}"',
        "Last-Modified": http_date(asset.last_modified),
        "Vary": "Accept-Encoding",
    }
    if not_modified(asset, request_headers.get("if-none-match"), request_headers.get("if-modified-since")):
        return Response(b"", status_code=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    body = asset.gzipped if gzipped and asset.gzipped is not None else asset.body
    return Response(b"" if method == "HEAD" else body, media_type=asset.media_type, headers=headers)
