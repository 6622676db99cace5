"""Browser runs under the app's Content-Security-Policy (app/security.py), imported by
tests/e2e/conftest.py:

- every page and service worker of every browser context reports CSP violations (an init script
  listens to `securitypolicyviolation`; Chromium's own "Refused to …" console errors count too) and
  the session fails if there was one;
- `wait_for_function` is polled from Python with `evaluate` (run over CDP, which the CSP does not
  govern): Playwright's own version calls `eval()` inside the page, which a CSP without
  'unsafe-eval' rightly refuses — that is the harness, not the app.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, BrowserType, Error, Frame, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

VIOLATIONS: list[str] = []
_LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


def _watch_console(source: str):
    def on_console(message) -> None:
        text = message.text
        if "CSP-VIOLATION" in text or "Content Security Policy" in text or text.startswith("Refused to"):
            VIOLATIONS.append(f"{source}: {text}")

    return on_console


def _watch(context):
    context.add_init_script(_LISTEN)
    context.on("console", _watch_console("page"))
    context.on("serviceworker", lambda worker: worker.on("console", _watch_console(f"worker {worker.url}")))
    return context


def _wait_for_function(self, expression, *, arg=None, timeout=None, polling=None):
    """Playwright's wait_for_function, polled with evaluate (CSP-safe); same arguments."""
    limit = (timeout if timeout is not None else 30_000) / 1000
    interval = polling / 1000 if isinstance(polling, (int, float)) else 0.05
    deadline = time.monotonic() + (limit if limit > 0 else 1e9)
    while True:
        try:
            result = self.evaluate(expression, arg)
        except Error as exc:  # a navigation in between: try again on the new document
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise PlaywrightTimeout(f"wait_for_function: {expression[:80]!r} not true after {limit:.0f} s")
        time.sleep(interval)


_new_context = Browser.new_context
_persistent = BrowserType.launch_persistent_context


def install() -> None:
    Browser.new_context = lambda self, *a, **k: _watch(_new_context(self, *a, **k))  # type: ignore[method-assign]
    BrowserType.launch_persistent_context = lambda self, *a, **k: _watch(_persistent(self, *a, **k))  # type: ignore[method-assign]
    Page.wait_for_function = _wait_for_function  # type: ignore[method-assign,assignment]
    Frame.wait_for_function = _wait_for_function  # type: ignore[method-assign,assignment]


install()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if not VIOLATIONS:
        return
    print(f"\nContent-Security-Policy violations in the browser: {len(VIOLATIONS)}")
    for line in VIOLATIONS:
        print("  " + line)
    if session.exitstatus == 0:
        session.exitstatus = 1
