"""Gettext for the UI: every user-facing string of the dialogue goes through :func:`_`.

Source strings (msgids) are Simplified Chinese, the advisor's first language. The catalogs live in the
top-level ``locales/`` folder and are managed with Babel (``make i18n`` extracts and merges, ``make
catalogs`` compiles). The locale of the turn being handled is held in a context variable, so the engine
sets it once per turn and every ``_()`` call below it translates into that locale.

Supported locales: ``zh_CN`` (the default; its catalog is the msgids themselves), ``en`` (translated by
hand), and Traditional Chinese ``zh_TW`` / ``zh_HK``. Traditional is not a catalog: those locales read the
``zh_CN`` strings, and the finished reply (UI and knowledge-base text alike) is converted with OpenCC by
:func:`localise_script`, so nothing is maintained twice.
"""

from __future__ import annotations

import contextvars
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "zh_CN"
#: every locale a user can choose, in the order the ``/lang`` menu offers them
SUPPORTED_LOCALES = ("zh_CN", "zh_TW", "zh_HK", "en")
#: each language's own name, for the ``/lang`` buttons (endonyms: never translated)
LOCALE_NAMES = {
    "zh_CN": "简体中文",
    "zh_TW": "繁體中文（臺灣）",
    "zh_HK": "繁體中文（香港）",
    "en": "English",
}
#: the OpenCC configuration that turns Simplified text into each Traditional locale's script. Character
#: conversion only (``s2tw``, not ``s2twp``): the phrase tables also swap words, and in loan texts that
#: changes meaning (审核 "review" became 稽核 "audit").
SCRIPT_CONVERSIONS = {"zh_TW": "s2tw", "zh_HK": "s2hk"}

#: what people type after ``/lang`` besides the locale names themselves
LOCALE_WORDS = {
    "zh_CN": ("zh", "cn", "zh_hans", "简体", "简体中文", "简", "中文", "普通话"),
    "zh_TW": ("tw", "zh_hant", "繁体", "繁體", "繁体中文", "繁體中文", "繁", "台湾", "台灣"),
    "zh_HK": ("hk", "香港", "港"),
    "en": ("english", "英文", "英语", "英語", "eng"),
}



_current: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT_LOCALE)


def catalog_locale(locale: str) -> str:
    """The catalog a locale reads: Traditional locales read ``zh_CN`` (converted later), others their own."""
    return DEFAULT_LOCALE if locale in SCRIPT_CONVERSIONS else locale


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The catalog for ``locale`` (a plain string such as ``"en"``), or the source strings.

    The compiled ``.mo`` made by ``make catalogs`` is used; when it is missing or older than its
    ``.po`` (a checkout that skipped the setup, a translation just edited) the ``.po`` is compiled in
    memory instead, so the bot never silently shows the msgids to English users.
    """
    name = catalog_locale(locale)
    folder = LOCALES_DIR / name / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        return _compile_in_memory(po)
    # a plain string, not a babel Locale: a Locale for zh_Hans_CN silently fell back to the msgids
    return Translations.load(str(LOCALES_DIR), [name], domain=DOMAIN)


def _compile_in_memory(po_path: Path) -> gettext.NullTranslations:
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _(message: str) -> str:
    """Translate ``message`` into the current turn's locale. Use ``_("…{x}…").format(x=…)``."""
    return translations(_current.get()).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (for tables of labels)."""
    return message


@contextmanager
def using_locale(locale: str) -> Iterator[None]:
    """Translate every ``_()`` call inside the block into ``locale``."""
    token = _current.set(locale)
    try:
        yield
    finally:
        _current.reset(token)


def current_locale() -> str:
    """The locale of the turn being handled."""
    return _current.get()


def is_chinese(locale: str | None = None) -> bool:
    """Whether ``locale`` (default: the current one) is a Chinese locale, Simplified or Traditional."""
    return (locale or current_locale()).split("_")[0] == "zh"


def normalise_locale(name: str | None) -> str | None:
    """A supported locale from a stored or typed name (``zh_TW``, ``zh-tw``, ``EN``), or ``None``."""
    if not name:
        return None
    wanted = name.strip().replace("-", "_").lower()
    for locale in SUPPORTED_LOCALES:
        if locale.lower() == wanted:
            return locale
    return None


def locale_for_language_code(code: str | None) -> str:
    """The locale for a Telegram ``language_code`` (an IETF tag such as ``zh-hans``, ``zh-TW``, ``en-GB``).

    The script is kept: plain ``zh`` and ``zh-hans``/``zh-cn``/``zh-sg`` are Simplified; ``zh-hant`` and
    ``zh-tw`` are Traditional (Taiwan); ``zh-hk``/``zh-mo`` Traditional (Hong Kong); any English is
    ``en``; anything else, or no code, gets the default Simplified Chinese.
    """
    if not code:
        return DEFAULT_LOCALE
    parts = code.strip().replace("_", "-").lower().split("-")
    language, subtags = parts[0], set(parts[1:])
    if language == "en":
        return "en"
    if language != "zh":
        return DEFAULT_LOCALE
    if "hans" in subtags:  # an explicit script wins over the region (zh-Hans-HK is Simplified)
        return "zh_CN"
    if subtags & {"hk", "mo"}:
        return "zh_HK"
    if subtags & {"hant", "tw"}:
        return "zh_TW"
    return "zh_CN"


@cache
def _converter(config: str) -> Any:
    """One OpenCC converter per configuration, built on first use (loading its dictionaries is slow)."""
    import opencc

    return opencc.OpenCC(config)


def localise_script(text: str, locale: str) -> str:
    """``text`` in the script of ``locale``: Simplified Chinese converted for zh_TW/zh_HK, else unchanged."""
    config = SCRIPT_CONVERSIONS.get(locale)
    if config is None or not text:
        return text
    return str(_converter(config).convert(text))


def knowledge_language_note() -> str:
    """In a non-Chinese locale, the note that knowledge-base answers are in Chinese; else nothing."""
    if is_chinese():
        return ""
    return _("（知识库的回答只有中文版本。）")


def _fill_source_locale(po_path: Path) -> int:
    """Set every empty translation in ``po_path`` to its msgid (the source language is zh_CN)."""
    from babel.messages.pofile import read_po, write_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
            filled += 1
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=110)
    return filled


if __name__ == "__main__":  # maintainer tool used by `make i18n`
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--fill-source-locale":
        print(f"{_fill_source_locale(Path(sys.argv[2]))} messages filled")
    else:
        sys.exit("usage: python -m flows.i18n --fill-source-locale PATH.po")


def locale_named(text: str) -> str | None:
    """The locale a ``/lang`` argument names (``en``, ``zh-TW``, ``繁體``, ``English``), or ``None``."""
    word = text.strip().lower().replace("-", "_")
    found = normalise_locale(word)
    if found is not None:
        return found
    for locale, words in LOCALE_WORDS.items():
        if word in words:
            return locale
    return None
