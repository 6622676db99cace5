"""Browser tests: Debian's Chromium driven by Playwright, at a phone-sized viewport, against a real
server process (one per test module) on the test database."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from app.settings import ROOT
from tests.e2e import a11y
from tests.e2e.csp_probe import pytest_sessionfinish  # noqa: F401  (CSP: violations fail the run)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
ARTIFACTS = Path(__file__).parent / "artifacts"
DEMO_PASSWORD = "demo1234"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_data(prepared_database):
    """The demo company (two offices, one account per role) in the test database."""
    subprocess.run([sys.executable, "-m", "app", "seed-demo", "--if-empty"], cwd=ROOT, check=True, capture_output=True)


def server_log(port: int) -> Path:
    return ARTIFACTS / f"server-{port}.log"


def start_server(port: int, **env: str) -> subprocess.Popen:
    """An app server process on the test database; returns once /healthz answers. Its log goes to a
    file (tests/e2e/artifacts/server-<port>.log): a pipe nobody reads fills up (64 KB) and then blocks
    the server's next log line, and with it the whole server, in the middle of the suite."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = server_log(port).open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    log.close()  # the child has its own handle
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the app server did not start: " + server_log(port).read_text(errors="replace")[-2000:])


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:  # open event streams can keep a graceful shutdown waiting
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def live_server(demo_data):
    """One app server process per browser-test module."""
    port = free_port()
    process = start_server(port)
    yield f"http://127.0.0.1:{port}"
    stop_server(process)


# NOTE: module scope, not session: while Playwright's sync API is active it owns the thread's event
# loop, and an async test after it could not run. Starting Chromium per module costs about a second.
@pytest.fixture(scope="module")
def playwright_instance():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_instance) -> Browser:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser, live_server) -> BrowserContext:
    context = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()


def shot(page: Page, name: str) -> Path:
    """Save a screenshot for a person to look at (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名").or_(page.get_by_label("Username")).fill(username)
    page.get_by_label("密码").or_(page.get_by_label("Password")).fill(password)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(lambda url: not url.endswith("/login") and "/login?" not in url)
    wait_ready(page)


CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


def set_language(base_url: str, username: str, language: str) -> None:
    """Set a demo account's remembered language over plain HTTP (to leave shared accounts as found)."""
    with httpx.Client(base_url=base_url) as http:
        token = CSRF_META.search(http.get("/login").text).group(1)
        signed_in = http.post("/login", data={"username": username, "password": DEMO_PASSWORD, "_csrf_token": token})
        assert signed_in.status_code == 303, signed_in.text[:300]
        token = http.get("/api/session").json()["csrf_token"]
        switched = http.post("/language", data={"language": language}, headers={"x-csrftoken": token})
        assert switched.status_code == 303, switched.text[:300]


def wait_ready(page: Page, *, axe: bool = True) -> None:
    """The page controller has started (outbox read, worker registered); then axe-core checks the page
    if no page with its path was checked yet this session (tests/e2e/a11y.py: serious/critical fail)."""
    page.wait_for_function("document.documentElement.dataset.ready === '1'")
    if axe:
        a11y.check_once(page)


def wait_for_worker(page: Page) -> None:
    """The service worker controls this page, so navigations are cached and offline works."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if page.evaluate("navigator.serviceWorker.controller === null"):
        # The worker activated while this page was loading (e.g. during the sign-in redirect) and
        # the claim missed it: a reload puts the page under the worker, as for a person.
        page.reload()
        wait_ready(page)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=45_000)
    # The worker has fetched the navigation's pages for offline use (app.js: html[data-offline-ready]).
    page.wait_for_function("document.documentElement.dataset.offlineReady === '1'", timeout=45_000)


def pending_count(page: Page) -> int:
    return int(page.evaluate("document.body.dataset.pending || '0'"))
