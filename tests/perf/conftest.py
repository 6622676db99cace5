"""Benchmarks (`make bench`): the browser fixtures of tests/e2e, and a results folder."""

from pathlib import Path

from tests.e2e import a11y
from tests.e2e.conftest import browser, demo_data, live_server, playwright_instance  # noqa: F401

a11y.ENABLED = False  # the benches time pages: no axe-core run in between (tests/e2e/a11y.py)

RESULTS = Path(__file__).parent / "results"


def report(name: str, rows: list[tuple], header: tuple) -> str:
    """Print a markdown table and keep it under tests/perf/results/ (git-ignored)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    text = "\n".join(lines)
    print(f"\n### {name}\n{text}\n")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text + "\n")
    return text
