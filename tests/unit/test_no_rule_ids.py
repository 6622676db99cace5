"""No SPEC rule ids on screen (BRIEF "Strings / UI"): staff read 「仓库领料」, not 「仓库领料（W3）」. Scans the
msgids in use, their Chinese (catalog and sidecars) and the text of every template (comments, tags and
expressions left out) for ids like W3, D10, K1, F4S — so they cannot come back."""

from __future__ import annotations

import re
from pathlib import Path

from tests.unit.test_i18n import ROOT, extracted, zh_catalog  # noqa: F401 (fixtures)

# The letters of SPEC.md's rules (A4/A5 are paper sizes, not rules, and no rule starts with A).
RULE_ID = re.compile(r"(?<![A-Za-z0-9_\-./#])[CDEFGHKMNPQRSVW]\d{1,2}S?(?![A-Za-z0-9_\-])")
TEMPLATE_CODE = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<script\b.*?</script>|<style\b.*?</style>|<[^>]*>", re.S)


def rule_ids(text: str) -> list[str]:
    return RULE_ID.findall(text)


def test_the_pattern_finds_rule_ids_and_nothing_else():
    for shown in ("仓库领料（W3）", "继续值班（D10）", "考核指标（K1）", "F4S 200 元以上", "late arrivals (H1)"):
        assert rule_ids(shown), shown
    for fine in ("1栋 302", "No.000012", "2026-W49", "PM2.5", "#F4F4F4", "/work/orders/F4"):
        assert not rule_ids(fine), fine


def test_no_msgid_in_use_shows_a_rule_id(extracted: list[str]) -> None:  # noqa: F811
    found = [m for m in extracted if rule_ids(m)]
    assert not found, "msgids showing rule ids:\n" + "\n".join(f"  {m!r}" for m in found)


def test_no_chinese_text_shows_a_rule_id(zh_catalog: dict[str, str]) -> None:  # noqa: F811
    found = [f"{m!r} → {text!r}" for m, text in zh_catalog.items() if rule_ids(text)]
    assert not found, "Chinese showing rule ids:\n" + "\n".join(f"  {f}" for f in found)


def test_no_template_text_shows_a_rule_id() -> None:
    found = []
    for path in sorted((Path(ROOT) / "frontend" / "templates").rglob("*.html")):
        text = TEMPLATE_CODE.sub(" ", path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(ROOT)}: {i}" for i in rule_ids(text)]
    assert not found, "template text showing rule ids:\n" + "\n".join(found)


def test_no_template_prints_a_rule_code() -> None:
    """A follow-up's rule code (F1, F4S …) is data, never printed: its label is (`{{ t.rule }}` is not)."""
    printed = re.compile(r"(?<!=\")\{\{\s*[\w.]*\brule\s*\}\}")  # in an attribute (data-rule) is fine
    found = [
        str(path.relative_to(ROOT))
        for path in sorted((Path(ROOT) / "frontend" / "templates").rglob("*.html"))
        if printed.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, found
