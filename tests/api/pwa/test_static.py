"""Issue 17 (front end): static files by fingerprinted URLs, cached for a year, revalidated with 304s,
precached by the worker under those URLs; the first visit (the sign-in page and what it loads) ≤ 30 KB."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.pwa.assets import IMMUTABLE, Assets, assets
from app.pwa.routes import SHELL_FILES

TEMPLATES = Path(__file__).resolve().parents[3] / "frontend" / "templates"
FIRST_VISIT_BUDGET = 30 * 1024  # bytes on the wire, gzip, headers included
_ASSET_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _header_bytes(response) -> int:
    """What the status line and headers weigh on the wire (HTTP/1.1)."""
    return (
        len(f"HTTP/1.1 {response.status_code} OK\r\n") + sum(len(k) + len(v) + 4 for k, v in response.headers.raw) + 2
    )


async def test_pages_name_static_files_by_fingerprinted_urls(client):
    html = (await client.get("/login")).text
    urls = _ASSET_URL.findall(html)
    assert urls, html[:500]
    for url in urls:
        assert re.search(r"\.[0-9a-f]{10}\.[a-z]+$", url), url
        assert url in assets().by_url
    # modulepreload: the modules app.js imports are fetched with it, not one import after another
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    assert assets().url("js/outbox.js") in preloads and assets().url("js/idb.js") in preloads


@pytest.mark.parametrize("name", ["js/app.js", "css/app.css", "icons/icon-192.png", "vendor/htmx-4.0.1.min.js"])
async def test_a_fingerprinted_url_is_cached_for_a_year_and_answers_304(client, name):
    url = assets().url(name)
    first = await client.get(url, headers={"accept-encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert first.headers["etag"] and first.headers["last-modified"]
    assert "set-cookie" not in first.headers  # a cached file carries nobody's cookie
    assert first.content == assets().by_name[name].body  # httpx undoes the gzip
    again = await client.get(url, headers={"if-none-match": first.headers["etag"], "accept-encoding": "gzip"})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    since = await client.get(url, headers={"if-modified-since": first.headers["last-modified"]})
    assert since.status_code == 304
    other = await client.get(url, headers={"if-none-match": '"0000000000"'})
    assert other.status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110): a different tag means the body again.
    both = await client.get(
        url, headers={"if-none-match": '"0000000000"', "if-modified-since": first.headers["last-modified"]}
    )
    assert both.status_code == 200


async def test_text_files_are_gzipped_and_images_are_not(client):
    js = await client.get(assets().url("js/outbox.js"), headers={"accept-encoding": "gzip, br"})
    assert js.headers["content-encoding"] == "gzip" and js.headers["vary"] == "Accept-Encoding"
    assert js.headers["content-type"].startswith("text/javascript")
    assert int(js.headers["content-length"]) < len(js.content) / 2
    plain = await client.get(assets().url("js/outbox.js"), headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == js.content
    png = await client.get(assets().url("icons/icon-192.png"), headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in png.headers and png.headers["content-type"] == "image/png"


async def test_old_urls_still_work_and_are_revalidated(client):
    """The plain name (older pages, bookmarks, cached copies) and another version's URL get today's file,
    never cached as immutable; an unknown file is a 404."""
    body = assets().by_name["js/app.js"].body
    for url in ("/static/js/app.js", "/static/js/app.0123456789.js"):
        response = await client.get(url)
        assert response.status_code == 200 and response.content == body, url
        assert response.headers["cache-control"] == "no-cache"
        revalidated = await client.get(url, headers={"if-none-match": response.headers["etag"]})
        assert revalidated.status_code == 304
    assert (await client.get("/static/js/no-such-file.js")).status_code == 404
    assert (await client.get("/static/../app/settings.py")).status_code == 404
    head = await client.head(assets().url("css/app.css"))
    assert head.status_code == 200 and head.content == b""


async def test_scripts_import_each_other_by_fingerprinted_urls(client):
    """Every import in a served script names a fingerprinted URL that answers, so a module is one
    instance whichever page loads it, and a change in ui.js changes the URL of everything importing it."""
    for name, asset in assets().by_name.items():
        if not name.endswith(".js"):
            continue
        text = asset.body.decode()
        assert not re.search(r"""from\s*["']\./""", text), name
        for url in re.findall(r"""(?:from|import)\s*\(?\s*["'](/static/[^"']+)["']""", text):
            assert url in assets().by_url, (name, url)


async def test_the_worker_precaches_the_fingerprinted_shell(client):
    source = (await client.get("/sw.js")).text
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", source).group(1))
    mapping = json.loads(re.search(r"const ASSETS = (\{.*?\});", source).group(1))
    assert precache[0] == "/offline"
    assert set(precache[1:]) == {assets().url(f) for f in SHELL_FILES}
    assert mapping["/static/js/app.js"] == assets().url("js/app.js")
    for url in precache:
        assert (await client.get(url)).status_code == 200, url
    # the worker's own imports are fingerprinted too (it runs the same outbox module as the pages)
    assert f'from "{assets().url("js/outbox.js")}"' in source
    assert "__VERSION__" not in source and "__PRECACHE__" not in source and "__ASSETS__" not in source


def test_every_script_a_page_loads_is_in_the_shell():
    """A page script that is not precached would not open offline (SHELL_FILES in app/pwa/routes.py)."""
    loaded = set()
    for path in TEMPLATES.rglob("*.html"):
        loaded |= set(re.findall(r"""static\(['"](js/[^'"]+)['"]\)""", path.read_text()))
    for name in list(loaded):
        loaded |= {n for n in assets().by_name if assets().by_name[n].url in assets().preloads(name)}
    assert loaded <= set(SHELL_FILES), loaded - set(SHELL_FILES)


def test_templates_name_static_files_through_static():
    """`{{ static("js/x.js") }}`, never "/static/js/x.js": a plain URL would miss the year-long cache."""
    offenders = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if '"/static/' in p.read_text()]
    assert offenders == []


async def test_the_first_visit_is_at_most_30_kb(client):
    """The sign-in page and everything it loads (stylesheet, scripts, module preloads, icon), gzip and
    headers included, as a browser fetches it the first time."""
    page = await client.get("/login", headers={"accept-encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    total = int(page.headers["content-length"]) + _header_bytes(page)
    for url in dict.fromkeys(_ASSET_URL.findall(page.text)):
        response = await client.get(url, headers={"accept-encoding": "gzip"})
        total += int(response.headers["content-length"]) + _header_bytes(response)
    # what the loaded modules import statically comes too (the preloads name them; dynamic imports wait)
    assert total <= FIRST_VISIT_BUDGET, f"first visit {total / 1024:.1f} KB"


def test_fingerprints_follow_imports_and_cycles_are_refused(tmp_path):
    js = tmp_path / "js"
    js.mkdir()
    (js / "a.js").write_text('import { b } from "./b.js";\nconst later = () => import("./c.js");\n')
    (js / "b.js").write_text("export const b = 1;\n")
    (js / "c.js").write_text("export const c = 1;\n")
    built = Assets(tmp_path)
    a = built.by_name["js/a.js"]
    assert built.by_name["js/b.js"].url in a.body.decode() and built.by_name["js/c.js"].url in a.body.decode()
    assert built.preloads("js/a.js") == [built.by_name["js/b.js"].url]  # the dynamic import is not preloaded
    (js / "b.js").write_text("export const b = 2;\n")
    assert Assets(tmp_path).by_name["js/a.js"].url != a.url  # b changed, so a's URL changes
    (js / "b.js").write_text('import "./a.js";\n')
    with pytest.raises(RuntimeError, match="cycle"):
        Assets(tmp_path)
