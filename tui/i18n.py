"""Translations and locale-aware formatting.

Every user-facing string goes through `_()`, which looks up the *current* language at call time, so a
language switch takes effect as soon as the screen is drawn again. English strings are the msgids;
Japanese lives in locales/ja/LC_MESSAGES/tenken.po (compiled to .mo next to it).
"""

from __future__ import annotations

import datetime as _dt
import gettext as _gettext
import os
from collections.abc import Mapping
from functools import cache

DOMAIN = "tenken"
LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"

_lang = DEFAULT_LANGUAGE


@cache
def _translations(lang: str) -> _gettext.NullTranslations:
    from tui.paths import locales_dir

    return _gettext.translation(DOMAIN, localedir=str(locales_dir()), languages=[lang], fallback=True)


def set_language(lang: str) -> str:
    """Make `lang` the active language; unknown values fall back to Japanese."""
    global _lang
    _lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return _lang


def get_language() -> str:
    return _lang


def other_language(lang: str | None = None) -> str:
    return "en" if (lang or _lang) == "ja" else "ja"


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """Japanese unless the user's locale variables ask for English."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        first = value.split(":")[0].lower()
        if first.startswith("en"):
            return "en"
        if first.startswith("ja"):
            return "ja"
        if first not in ("c", "posix") and not first.startswith(("c.", "posix.")):
            return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """Translate `message` into the active language."""
    if _lang == "en":
        return message
    return _translations(_lang).gettext(message)


def gettext_in(lang: str, message: str) -> str:
    """Translate `message` into `lang` regardless of the active language (reports in another language)."""
    if lang == "en":
        return message
    return _translations(lang).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now (translate later with `_()`)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    if _lang == "en":
        return singular if n == 1 else plural
    return _translations(_lang).ngettext(singular, plural, n)


def pick(text: Mapping[str, str] | None, lang: str | None = None) -> str:
    """The `lang` (default: active) side of a bilingual {ja, en} mapping, falling back to the other side."""
    if not text:
        return ""
    lang = lang or _lang
    return text.get(lang) or text.get(other_language(lang)) or ""


# Babel's first call costs ~40 ms (import and CLDR data); the home screen needs only a handful of dates and
# percentages, so results are remembered in a small JSON file in the user's cache folder between runs.
_memo: dict[str, str] = {}
_memo_path = None
_memo_dirty = False


def use_format_cache(path) -> None:
    """Remember formatted dates and numbers in `path` (JSON) across runs."""
    global _memo_path, _memo
    _memo_path = path
    try:
        import json

        with open(path, encoding="utf-8") as fh:
            loaded = json.load(fh)
        if isinstance(loaded, dict):
            _memo = {str(k): str(v) for k, v in loaded.items()}
    except (OSError, ValueError):
        _memo = {}


def save_format_cache() -> None:
    global _memo_dirty
    if not _memo_dirty or _memo_path is None:
        return
    import json
    import os

    try:
        tmp = f"{_memo_path}.tmp"
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as fh:
            json.dump(dict(list(_memo.items())[-2000:]), fh, ensure_ascii=False)
        os.replace(tmp, _memo_path)
        _memo_dirty = False
    except OSError:
        pass


def _remembered(key: str, compute) -> str:
    global _memo_dirty
    value = _memo.get(key)
    if value is None:
        value = _memo[key] = compute()
        _memo_dirty = True
    return value


def format_date(value: _dt.date | None, lang: str | None = None, fmt: str = "long") -> str:
    """「2026年12月23日」 / "December 23, 2026"; an em dash for no date."""
    if value is None:
        return "—"
    locale = lang or _lang

    def compute() -> str:
        from babel.dates import format_date as _fd

        return _fd(value, format=fmt, locale=locale)

    return _remembered(f"d|{locale}|{fmt}|{value.isoformat()}", compute)


def format_datetime(value: _dt.datetime | None, lang: str | None = None) -> str:
    if value is None:
        return "—"
    from babel.dates import format_datetime as _fdt

    return _fdt(value, format="medium", locale=lang or _lang)


def format_number(value: float | int, lang: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=lang or _lang)


def format_percent(value: float, lang: str | None = None) -> str:
    locale = lang or _lang

    def compute() -> str:
        from babel.numbers import format_percent as _fp

        return _fp(value, locale=locale)

    return _remembered(f"p|{locale}|{value!r}", compute)
