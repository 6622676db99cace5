"""Extract translatable strings and merge them into the gettext catalogs.

Usage (from the repository root): `.venv/bin/python tools/messages.py`

Reads `babel.cfg`, extracts every msgid from `app/**.py` and `frontend/templates/**.html`, writes
`frontend/locales/messages.pot`, then merges it into each `frontend/locales/<lang>/LC_MESSAGES/messages.po`:
new msgids are added with an empty msgstr, existing translations are kept and obsolete ones dropped.
Files whose content did not change (apart from their timestamps) are left untouched.

`app.i18n.ngettext` looks up the singular and plural source strings as two separate msgids, so plural
calls are extracted as two ordinary messages rather than one plural entry.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
MAPPING_FILE = ROOT / "babel.cfg"
LOCALES_DIR = ROOT / "frontend" / "locales"
TEMPLATE_FILE = LOCALES_DIR / "messages.pot"
DOMAIN = "messages"
PROJECT = "Service Centre"
# Target catalogs; English is the source language, so its msgstr values stay empty.
LOCALES = ("zh_CN", "en")
TRANSLATED_LOCALE = "zh_CN"
# Call names whose string arguments are msgids (see app/i18n.py and Jinja's i18n extension).
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "lazy": None, "gettext": None, "ngettext": (1, 2)}
# A comment starting with this tag, right before a call, is copied into the catalogs for translators.
COMMENT_TAGS = ("Translators:",)
LINE_WIDTH = 120
# Header lines that change on every run; ignored when deciding whether a file needs rewriting.
_VOLATILE_HEADER = re.compile(rb'^"(?:POT-Creation-Date|PO-Revision-Date): [^"\n]*\\n"\n', re.MULTILINE)


def po_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _mapping(root: Path) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    with (root / MAPPING_FILE.name).open(encoding="utf-8") as f:
        return parse_mapping_cfg(f, str(MAPPING_FILE.name))


def _directory_filter(root: Path, patterns: Iterable[str]):
    """Only walk directories that can hold files matching one of the mapping patterns."""
    prefixes = [pattern.split("*", 1)[0].rsplit("/", 1)[0].strip("/") for pattern in patterns]

    def accept(dirpath: str) -> bool:
        if os.path.basename(dirpath).startswith((".", "_")):  # .venv, .git, __pycache__ …
            return False
        rel = Path(dirpath).resolve().relative_to(root.resolve()).as_posix().strip(".").strip("/")
        return any(
            not prefix or rel == prefix or rel.startswith(prefix + "/") or prefix.startswith(rel + "/")
            for prefix in prefixes
        )

    return accept


def extract(root: Path = ROOT) -> Catalog:
    """Every msgid in the code and templates under `root`, as a template catalog."""
    method_map, options_map = _mapping(root)
    template = Catalog(domain=DOMAIN, project=PROJECT, charset="utf-8", fuzzy=False)
    found = extract_from_dir(
        root,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
        directory_filter=_directory_filter(root, [pattern for pattern, _method in method_map]),
    )
    for filename, lineno, message, comments, context in found:
        location = (Path(filename).as_posix(), lineno)
        # Plural calls yield a tuple; app.i18n looks each form up on its own.
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                template.add(msgid, locations=[location], auto_comments=comments, context=context)
    return template


def untranslated(catalog: Catalog) -> list[str]:
    """msgids with an empty or fuzzy msgstr."""
    return [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]


def sidecars(locale: str) -> list[Path]:
    """`<domain>.json` files beside a catalog: msgid → translation, written while a feature is built
    (several people can add strings at once without editing the .po); folded in by `main()`."""
    return sorted(po_path(locale).parent.glob("*.json"))


def merge(template: Catalog, locale: str) -> Catalog:
    """The locale's catalog updated from `template` (created if missing); obsolete entries are not written."""
    path = po_path(locale)
    if path.exists():
        with path.open("rb") as f:
            catalog = read_po(f, locale=locale, domain=DOMAIN)
    else:
        catalog = Catalog(locale=locale, domain=DOMAIN, project=PROJECT, charset="utf-8", fuzzy=False)
    # No fuzzy matching: a guessed translation would be shown to users, since app.i18n ignores the fuzzy flag.
    # NOTE: a copy of the template: babel adds new msgids by reference, so filling one locale's new
    # entries from its sidecars wrote the Chinese into the template and from there into English.
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
    if locale != TRANSLATED_LOCALE:  # the source language: its msgids are the text, msgstrs stay empty
        for message in catalog:
            if message.id:
                message.string = ("", "") if isinstance(message.id, tuple) else ""
        return catalog
    for sidecar in sidecars(locale):
        for msgid, text in json.loads(sidecar.read_text(encoding="utf-8")).items():
            message = catalog.get(msgid)
            if message is not None and text and not message.string:
                message.string = text
    return catalog


def render(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    # Line numbers are left out so that editing code does not churn the catalogs.
    write_po(buffer, catalog, width=LINE_WIDTH, ignore_obsolete=True, include_lineno=False)
    return buffer.getvalue()


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file already has the same content apart from its timestamps."""
    if path.exists() and _VOLATILE_HEADER.sub(b"", path.read_bytes()) == _VOLATILE_HEADER.sub(b"", data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def main() -> int:
    template = extract()
    count = len([m for m in template if m.id])
    changed = write_if_changed(TEMPLATE_FILE, render(template))
    print(f"{TEMPLATE_FILE.relative_to(ROOT)}: {count} msgids{'' if changed else ' (unchanged)'}")
    for locale in LOCALES:
        catalog = merge(template, locale)
        path = po_path(locale)
        changed = write_if_changed(path, render(catalog))
        print(f"{path.relative_to(ROOT)}: {'updated' if changed else 'unchanged'}")
        for sidecar in sidecars(locale):  # now in the .po
            sidecar.unlink()
            print(f"  folded in and removed {sidecar.relative_to(ROOT)}")
    missing = untranslated(merge(template, TRANSLATED_LOCALE))
    print(f"{len(missing)} untranslated {TRANSLATED_LOCALE} msgid(s)")
    for msgid in missing:
        print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
