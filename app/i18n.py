"""gettext i18n: Simplified Chinese by default, English second.

Source strings are English; `frontend/locales/<lang>/LC_MESSAGES/messages.po` translates them.
The language of the current request lives in a context variable set by the auth middleware.
"""

from __future__ import annotations

import functools
import json
from contextvars import ContextVar

from babel.messages.pofile import read_po

from app.settings import ROOT

LANGUAGES: dict[str, str] = {"zh-CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh-CN"
LOCALES_DIR = ROOT / "frontend" / "locales"

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@functools.cache
def catalog(language: str) -> dict[str, str]:
    """msgid → msgstr for one language; untranslated entries fall back to the English source."""
    folder = LOCALES_DIR / language.replace("-", "_") / "LC_MESSAGES"
    path = folder / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        po = read_po(f)
    messages = {m.id: m.string for m in po if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string}
    # Sidecars (`<domain>.json`) hold strings of features being built; `make messages` folds them in.
    for sidecar in sorted(folder.glob("*.json")):
        for msgid, text in json.loads(sidecar.read_text(encoding="utf-8")).items():
            messages.setdefault(msgid, text)
    return messages


def normalise_language(value: str | None) -> str:
    if not value:
        return DEFAULT_LANGUAGE
    value = value.strip()
    if value in LANGUAGES:
        return value
    if value.lower().startswith("zh"):
        return "zh-CN"
    if value.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def gettext(message: str, **variables: object) -> str:
    text = catalog(current_language.get()).get(message, message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    message = singular if n == 1 else plural
    return gettext(message, num=n, **variables)


_ = gettext


class LazyString:
    """A message translated when it is shown, for module-level labels."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return gettext(self.message)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"lazy({self.message!r})"


def lazy(message: str) -> str:
    return LazyString(message)  # type: ignore[return-value]
