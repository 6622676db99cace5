"""Issue 17: HTML the validator accepts, checked in the templates themselves.

- A required `<select>` starts with an empty placeholder option (HTML: "the first child option element
  of a select element with a required attribute … must have either an empty value attribute, or …").
- `<time datetime>` values are whole seconds (`| iso`), not Python's six-digit microseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from app.templating import _iso

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)


def test_required_selects_start_with_an_empty_placeholder():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for attrs, body in _SELECT.findall(path.read_text()):
            if re.search(r"\brequired\b", attrs) and "multiple" not in attrs:
                first = re.sub(r"\{#.*?#\}|\{%-?\s*set [^%]*%\}", "", body).strip()
                if not re.match(r'(\{%[^%]*%\}\s*)*<option value=""', first):
                    offenders.append(f"{path.relative_to(TEMPLATES)}: {first[:80]}")
    assert offenders == []


def test_time_elements_carry_seconds_not_microseconds():
    offenders = [
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if re.search(r"datetime=\"\{\{[^}]*isoformat\(\)", p.read_text())
    ]
    assert offenders == []
    assert _iso(datetime(2026, 12, 3, 9, 5, 7, 123456, tzinfo=UTC)) == "2026-12-03T09:05:07+00:00"
    assert _iso(None) == ""
