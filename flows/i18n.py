"""Gettext for the UI: every user-facing string of the dialogue goes through :func:`_`.

Source strings (msgids) are Simplified Chinese, the advisor's first language. The catalogs live in the
top-level ``locales/`` folder and are managed with Babel (``make catalogs``). The locale of the turn
being handled is held in a context variable, so the engine sets it once per turn and every ``_()`` call
below it translates into that locale.
"""

from __future__ import annotations

import contextvars
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "zh_CN"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalog for ``locale`` (a plain string such as ``"en"``), or the source strings."""
    return Translations.load(str(LOCALES_DIR), [locale], domain=DOMAIN)


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
