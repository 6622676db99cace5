"""One form for work order numbers, No.000012, on every page (not "工作单 12 号" on one and "No.000012"
on the next): the templates format them through one filter."""

from __future__ import annotations

import re
from pathlib import Path

from app.templating import order_no

ROOT = Path(__file__).resolve().parents[2]


def test_order_no_is_the_one_form():
    assert order_no(12) == "No.000012" and order_no("7") == "No.000007"


def test_no_template_writes_an_order_number_its_own_way():
    other = re.compile(r'"(?:Work order|Order) No\. %\(n\)s"|n=[^)]*seq\)(?! \| order_no)')
    found = []
    for path in sorted((ROOT / "frontend" / "templates").rglob("*.html")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if other.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not found, "\n".join(found)
