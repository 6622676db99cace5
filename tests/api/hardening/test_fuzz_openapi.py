"""Schemathesis over the signed-in OpenAPI schema, for two roles, against a real server process
(issue 16): no answer is a 5xx, and JSON answers match their declared schemas. Bounded in time
(FUZZ_SECONDS per role) so it fits in `make test`."""

from __future__ import annotations

import contextlib
import os
import time

import httpx
import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.hardening.servers import Server, server_env
from tests.support import factories

FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "20"))  # per role: ≤ 60 s in all with the start-up
EXAMPLES = 3  # per operation: breadth first, so every operation is reached within the budget
# Not fuzzed: signing out, a stream that never ends, and changes to the fuzzing account itself
# (its password, its active flag) — each would end the session it fuzzes with, not find a bug.
SKIP = {("POST", "/logout"), ("GET", "/alerts/stream"), ("POST", "/profile"), ("POST", "/staff/{staff_id}/active")}


@pytest.fixture(scope="module")
def server(prepared_database):
    instance = Server(server_env(os.environ.get("DATABASE_URL", ""), APP_DATA_DIR=str(prepared_database.data_dir)))
    instance.start()
    yield instance
    instance.stop()


async def _session(server: Server, staff: dict) -> requests.Session:
    async with httpx.AsyncClient(base_url=server.url) as client:
        token = await factories.login(client, staff)
        session = requests.Session()
        session.cookies.update(dict(client.cookies))
        session.headers["x-csrftoken"] = token
    return session


class _OutOfTime(Exception):
    """Raised inside a Hypothesis run to end it at the deadline (it would finish its examples otherwise)."""


class _Found:
    def __init__(self) -> None:
        self.server_errors: list[str] = []
        self.violations: set[str] = set()
        self.calls = 0
        self.reached: set[str] = set()


def _fuzz_operation(operation, server: Server, session: requests.Session, deadline: float, found: _Found) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @hypothesis.given(case=operation.as_strategy())
    def run(case) -> None:
        if time.monotonic() > deadline:
            raise _OutOfTime()
        found.calls += 1
        found.reached.add(label)
        response = case.call(base_url=server.url, session=session, timeout=10, allow_redirects=False)
        if response.status_code >= 500:
            found.server_errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}")
            return
        if "json" in response.headers.get("content-type", ""):
            try:
                case.validate_response(response, checks=[response_schema_conformance])
            except Exception as exc:  # a schema violation: collected, named in the message
                found.violations.add(f"{label}: {str(exc).splitlines()[0]}")

    with contextlib.suppress(_OutOfTime):
        run()


def _fuzz(server: Server, session: requests.Session, budget: float, backwards: bool) -> _Found:
    raw = session.get(server.url + "/schema/openapi.json", timeout=10).json()
    operations = [result.ok() for result in schemathesis.openapi.from_dict(raw).get_all_operations()]
    # Each role starts from the other end, so the two together reach every operation within the budget.
    found, deadline = _Found(), time.monotonic() + budget
    for operation in reversed(operations) if backwards else operations:
        if (operation.method.upper(), operation.path) not in SKIP and time.monotonic() < deadline:
            _fuzz_operation(operation, server, session, deadline, found)
    print(f"\n{len(found.reached)} of {len(operations)} operations reached")
    return found


@pytest.mark.parametrize("role", ["supervisor", "duty"])
async def test_fuzzing_the_signed_in_api_finds_no_server_error(server, office, make_staff, role):
    session = await _session(server, await make_staff(office["id"], role))
    found = _fuzz(server, session, FUZZ_SECONDS, backwards=role == "duty")
    errors, violations = len(found.server_errors), len(found.violations)
    print(f"fuzz {role}: {found.calls} calls, {errors} × 5xx, {violations} schema violations")
    assert found.calls >= 20
    assert not found.server_errors, "\n".join(found.server_errors[:30])
    assert not found.violations, "\n".join(sorted(found.violations))
