"""The gettext catalogs: every msgid translated into Simplified Chinese, placeholders intact, lookups work.

Needs no database or fixtures. After adding strings, run `.venv/bin/python tools/messages.py` and translate
the new entries in `frontend/locales/zh_CN/LC_MESSAGES/messages.po`.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# `%(name)s`-style variables and the `{n}` slots that the JavaScript in base.html fills.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{\w+\}")
RERUN = "run `.venv/bin/python tools/messages.py`, then translate the new entries in zh_CN/LC_MESSAGES/messages.po"


def _load_tool():
    spec = importlib.util.spec_from_file_location("_tools_messages", ROOT / "tools" / "messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


messages = _load_tool()


@pytest.fixture(scope="module")
def extracted() -> list[str]:
    return [m.id for m in messages.extract(ROOT) if m.id]


@pytest.fixture(scope="module")
def zh_catalog() -> dict[str, str]:
    """msgid → msgstr from the zh_CN catalog, fuzzy entries counted as untranslated."""
    with messages.po_path(messages.TRANSLATED_LOCALE).open("rb") as f:
        po = read_po(f)
    catalog = {m.id: ("" if m.fuzzy else m.string) for m in po if m.id and isinstance(m.id, str)}
    for sidecar in messages.sidecars(messages.TRANSLATED_LOCALE):  # strings of features in progress
        for msgid, text in json.loads(sidecar.read_text(encoding="utf-8")).items():
            catalog[msgid] = catalog.get(msgid) or text
    return catalog


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_extraction_finds_messages(extracted: list[str]) -> None:
    assert "Duty log" in extracted
    assert "Online" in extracted  # from a template


def test_every_msgid_has_a_chinese_translation(extracted: list[str], zh_catalog: dict[str, str]) -> None:
    missing = [msgid for msgid in extracted if not zh_catalog.get(msgid, "").strip()]
    assert not missing, f"{len(missing)} msgid(s) without a zh_CN translation ({RERUN}):\n" + "\n".join(
        f"  {msgid!r}" for msgid in missing
    )


def test_translations_keep_placeholders(zh_catalog: dict[str, str]) -> None:
    wrong = []
    for msgid, msgstr in zh_catalog.items():
        if not msgstr:
            continue
        if _placeholders(msgid) != _placeholders(msgstr):
            wrong.append(f"  {msgid!r} → {msgstr!r}")
            continue
        # A stray `%` would make the `text % variables` formatting in app.i18n and Jinja fail.
        names = {name: "x" for name in re.findall(r"%\((\w+)\)", msgid)}
        if names:
            try:
                msgstr % names
            except (ValueError, TypeError, KeyError) as exc:
                wrong.append(f"  {msgid!r} → {msgstr!r}: {exc}")
    assert not wrong, "translations whose placeholders differ from the msgid:\n" + "\n".join(wrong)


@pytest.mark.parametrize(("language", "expected"), [("zh-CN", "值班记录"), ("en", "Duty log")])
def test_gettext_follows_current_language(language: str, expected: str) -> None:
    from app import i18n

    token = i18n.current_language.set(language)
    try:
        assert i18n.gettext("Duty log") == expected
        assert str(i18n.lazy("Duty log")) == expected
    finally:
        i18n.current_language.reset(token)


def test_gettext_fills_variables() -> None:
    from app import i18n

    token = i18n.current_language.set("zh-CN")
    try:
        assert i18n.gettext("At most %(n)s characters.", n=40) == "最多 40 个字符。"
    finally:
        i18n.current_language.reset(token)


def test_the_english_catalogue_has_no_translations_so_english_users_see_the_english_msgids():
    """English is the source language: a msgstr there (stop 11 and 12 found Chinese ones, copied over by
    the sidecar fold) would show Chinese, or a stale text, to English users."""
    path = ROOT / "frontend" / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale="en")
    filled = [m.id for m in catalog if m.id and any(m.string if isinstance(m.string, tuple) else (m.string,))]
    assert not filled, filled[:10]


def test_folding_a_sidecar_fills_chinese_only(tmp_path, monkeypatch):
    tools = messages
    template = tools.Catalog(domain="messages", fuzzy=False)
    template.add("A brand-new message")
    monkeypatch.setattr(tools, "po_path", lambda locale: tmp_path / locale / "LC_MESSAGES" / "messages.po")
    (tmp_path / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    sidecar = tmp_path / "zh_CN" / "LC_MESSAGES" / "x.json"
    sidecar.write_text('{"A brand-new message": "全新的消息"}', encoding="utf-8")
    assert tools.merge(template, "zh_CN").get("A brand-new message").string == "全新的消息"
    assert tools.merge(template, "en").get("A brand-new message").string == ""
