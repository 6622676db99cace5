"""A real server process and wrk against it (issue 17): the helpers of tests/perf/test_server_pages.py,
runnable on their own too: `python -m tests.perf.server [--c1-only]` against a running server
(BENCH_URL, default http://127.0.0.1:8123) with the demo accounts."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo1234"

# (label, account, path): each page a role opens most, /healthz first as the floor.
PAGES: list[tuple[str, str, str]] = [
    ("/healthz (floor)", "", "/healthz"),
    ("supervisor home", "super_a", "/"),
    ("duty officer home", "duty_a", "/"),
    ("patrol home", "patrol_a", "/"),
    ("technician home", "tech_a", "/"),
    ("frontdesk home", "frontdesk_a", "/"),
    ("manager home", "manager_a", "/"),
    ("/handover", "duty_a", "/handover"),
    ("/duty-log", "duty_a", "/duty-log"),
    ("/reports", "super_a", "/reports"),
    ("/work/requests", "frontdesk_a", "/work/requests"),
    ("/followups", "super_a", "/followups"),
    ("/alerts", "super_a", "/alerts"),
]

_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(env: dict[str, str], port: int | None = None):
    """`python -m app serve` in its own process (the alerts worker off, as a second instance would be)."""
    port = port or free_port()
    full = os.environ | {"APP_ALERTS_WORKER": "0"} | env
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def session_cookie(url: str, username: str) -> str:
    """Sign in through the form; the Cookie header wrk sends."""
    with httpx.Client(base_url=url) as http:
        token = _TOKEN.search(http.get("/login").text).group(1)  # type: ignore[union-attr]
        r = http.post("/login", data={"username": username, "password": PASSWORD, "_csrf_token": token})
        assert r.status_code in (200, 303), r.status_code
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    assert m, text
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(url: str, cookie: str, connections: int, seconds: int = 5) -> dict[str, float]:
    """requests/s, p50 and p99 (ms) and the count of non-2xx/timeouts, from wrk --latency."""
    args = ["wrk", f"-c{connections}", f"-t{min(connections, 2)}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50s, p99s = re.search(r"\s50%\s+(\d\S*)", out), re.search(r"\s99%\s+(\d\S*)", out)
    p50 = _ms(p50s.group(1)) if p50s else float("inf")  # none answered within the run
    p99 = _ms(p99s.group(1)) if p99s else float("inf")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*timeout (\d+)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "bad": float(bad.group(1) if bad else 0) + float(errors.group(1) if errors else 0),
    }


def settle(url: str, quiet_ms: float = 60.0, limit: float = 15.0) -> None:
    """Wait until the server has worked off what a previous run left queued (wrk stops sending, the
    server does not stop answering): /healthz answers within quiet_ms three times in a row."""
    deadline, quiet = time.monotonic() + limit, 0
    while quiet < 3 and time.monotonic() < deadline:
        start = time.perf_counter()
        with suppress(httpx.HTTPError):
            httpx.get(f"{url}/healthz", timeout=limit)
        quiet = quiet + 1 if (time.perf_counter() - start) * 1000 < quiet_ms else 0
        time.sleep(0.05)


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def measure_pages(url: str, pages=PAGES, seconds: int = 5, concurrent: bool = True) -> list[tuple]:
    """One row per page: p50/p99 at c=1, and req/s, p99 and % of /healthz at c=50."""
    cookies: dict[str, str] = {}
    rows, floor = [], None
    for label, account, path in pages:
        if account and account not in cookies:
            cookies[account] = session_cookie(url, account)
        cookie = cookies.get(account, "")
        settle(url)
        one = wrk(url + path, cookie, 1, seconds)
        row = [label, f"{one['p50']:.1f}", f"{one['p99']:.1f}"]
        if concurrent:
            settle(url)
            many = wrk(url + path, cookie, 50, seconds)
            floor = floor or many["rps"]
            row += [f"{many['rps']:.0f}", f"{many['p99']:.0f}", f"{100 * many['rps'] / floor:.0f} %"]
            row += [f"{int(one['bad'] + many['bad'])}"]
        rows.append(tuple(row))
        print("| " + " | ".join(row) + " |", flush=True)
    return rows


HEADER = ("page", "c=1 p50 ms", "c=1 p99 ms", "c=50 req/s", "c=50 p99 ms", "% of /healthz", "errors")


def markdown(rows: list[tuple], header=HEADER) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


if __name__ == "__main__":
    target = os.environ.get("BENCH_URL", "http://127.0.0.1:8123")
    wanted = set(sys.argv[1:])
    pages = [p for p in PAGES if not wanted or p[0] in wanted or p[0].startswith("/healthz")]
    print(markdown(measure_pages(target, pages, seconds=int(os.environ.get("BENCH_SECONDS", "5")))))
