"""axe-core in the browser tests (issue 17: 0 serious or critical problems on every page).

axe-core comes pinned with the PyPI package `axe-playwright-python` (requirements-dev.txt; its
bundled axe.min.js, version in AXE_VERSION); it is injected over CDP with `evaluate`, which the
page's CSP does not govern, and run on the page as the person sees it.

- `check_once(page)`: called by `tests.e2e.conftest.wait_ready`, so every page an e2e test waits for
  is checked, once per distinct path per session (ids in paths count as one: /staff/8/edit ~ /staff/9/edit).
  A serious or critical problem fails the test that opened the page.
- `problems(page)`: the serious and critical problems of the page now, for tests that check a page
  on purpose (tests/e2e/test_a11y.py).

E2E_AXE=0 switches the per-page check off (e.g. to time something); the benches switch it off.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Error, Page

AXE_VERSION = re.search(r"axe v([\d.]+)", AXE_SCRIPT[:400]).group(1)  # type: ignore[union-attr]
SEVERE = ("serious", "critical")
ENABLED = os.environ.get("E2E_AXE", "1") != "0"
CHECKED: set[str] = set()
_RUN = """async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + "  " + n.html.slice(0, 120)),
    count: v.nodes.length,
  }));
}"""


def path_key(url: str) -> str:
    """The path with ids made alike: one check for /work/orders/12 and /work/orders/13."""
    return re.sub(r"/\d+(?=/|$)", "/#", urlsplit(url).path) or "/"


def problems(page: Page) -> list[dict]:
    """The page's serious and critical axe violations (rule, impact, a few of the elements)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    found = page.evaluate(_RUN)
    CHECKED.add(path_key(page.url))
    return found


def describe(url: str, found: list[dict]) -> str:
    lines = [f"axe-core {AXE_VERSION}: {sum(v['count'] for v in found)} serious/critical on {url}"]
    for v in found:
        lines.append(f"  {v['id']} ({v['impact']}, {v['count']}): {v['help']}")
        lines += [f"      {node}" for node in v["nodes"]]
    return "\n".join(lines)


def check_once(page: Page) -> None:
    """axe on this page if its path was not checked yet in this session; fails on serious/critical."""
    if not ENABLED or not page.url.startswith("http"):
        return
    key = path_key(page.url)
    if key in CHECKED:
        return
    try:
        found = problems(page)
    except Error as exc:  # the page went on to another one meanwhile: that one is checked when waited for
        if "context was destroyed" in str(exc) or "navigat" in str(exc):
            return
        raise
    assert not found, describe(page.url, found)
