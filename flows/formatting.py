"""Money, numbers, percentages, dates and monospace layout, in the current turn's locale (Babel).

``yuan(12345.67)`` → ``¥12,345.67``; ``yuan_short(12000)`` → ``1.2万元`` (round amounts of 10 000 or more,
where a Chinese reader would say it that way; ``CN¥12K`` in English); ``pct(18.25)`` → ``18.25%``;
``date_text(date(2025, 6, 2))`` → ``2025年6月2日`` / ``June 2, 2025``. The session's locale picks the Babel
locale: ``zh_CN`` is zh_Hans_CN, ``zh_TW`` and ``zh_HK`` the Traditional zh_Hant_TW / zh_Hant_HK, ``en``
English. Layout helpers count display columns the way a phone's monospace font draws them: a Chinese
character takes two.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from decimal import Decimal, localcontext
from functools import cache, wraps
from typing import ParamSpec

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
)

from flows.i18n import DEFAULT_LOCALE, current_locale


@cache
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


P = ParamSpec("P")


def _any_size(formatter: Callable[P, str]) -> Callable[P, str]:
    """Run a Babel number formatter with enough decimal precision for any finite float.

    Babel rounds through :mod:`decimal`, whose default 28 digits raise ``InvalidOperation`` for numbers
    above about 1e25, and people do type 30-digit amounts and rates; the calculator reports them as out
    of range, but first it repeats what it understood.
    """

    @wraps(formatter)
    def formatted(*args: P.args, **kwargs: P.kwargs) -> str:
        with localcontext(prec=400):
            return formatter(*args, **kwargs)

    return formatted


def babel_locale() -> Locale:
    """The Babel locale of the current turn (``zh_CN`` when the turn's locale is unknown)."""
    return _locale(current_locale())


def _chinese() -> bool:
    return babel_locale().language == "zh"


@_any_size
def yuan(amount: float) -> str:
    """An exact amount of money: ``¥12,345.67``."""
    locale = babel_locale()
    # zh_Hant and en spell the currency CN¥; a Chinese reader expects the plain ¥ sign
    text = format_currency(amount, "CNY", locale=locale)
    return text.replace("CN¥", "¥") if locale.language == "zh" else text


@_any_size
def figure_short(amount: float) -> str:
    """A round figure as people say it, without a unit: ``1.2万`` (``12K`` in English), else ``5,000``."""
    locale = babel_locale()
    if abs(amount) >= 10_000 and round(amount) % 100 == 0:
        # zh_Hant_HK's compact numbers are 「1.2K」; Chinese text in Hong Kong says 「1.2萬」 too
        compact = _locale("zh_Hant") if _chinese() and locale.script == "Hant" else locale
        return format_compact_decimal(amount, locale=compact, fraction_digits=2)
    return format_decimal(amount, format="#,##0.##", locale=locale)


@_any_size
def yuan_short(amount: float) -> str:
    """A round amount as people say it: ``1万元``, ``2.5万元``, ``200万元``; other amounts exactly.

    In English the same amounts read ``CN¥10K`` and ``CN¥5,000``.
    """
    locale = babel_locale()
    if abs(amount) >= 10_000 and round(amount) % 100 == 0:
        if _chinese():
            return figure_short(amount) + "元"
        return format_compact_currency(amount, "CNY", locale=locale, fraction_digits=2)
    if float(amount).is_integer():
        if _chinese():
            return format_decimal(amount, format="#,##0", locale=locale) + "元"
        return format_currency(amount, "CNY", format="¤#,##0", locale=locale, currency_digits=False)
    return yuan(amount)


@_any_size
def number(amount: float, decimals: int = 2) -> str:
    """A plain number with thousands separators, for tables: ``9,233.20``."""
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(round(amount, decimals), format=pattern, locale=babel_locale())


def _fraction(value_pct: float) -> Decimal:
    # through the decimal text, so 0.035 % does not become 0.00034999… on the way to Babel
    return Decimal(repr(float(value_pct))) / 100


@_any_size
def pct(value_pct: float) -> str:
    """A percentage with two decimals: ``18.25%`` (``value_pct`` is already in percent)."""
    return format_percent(_fraction(value_pct), format="#,##0.00%", locale=babel_locale())


@_any_size
def rate(value_pct: float) -> str:
    """A stated rate with as many decimals as it needs (at least two, at most four): ``0.035%``."""
    return format_percent(_fraction(value_pct), format="#,##0.00##%", locale=babel_locale())


def date_text(day: dt.date) -> str:
    """A date as the locale writes it in full: ``2025年6月2日``, ``June 2, 2025``."""
    return format_date(day, format="long", locale=babel_locale())


def width(text: str) -> int:
    """Display columns of ``text`` in a monospace font: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def ljust(text: str, columns: int) -> str:
    """Pad on the right to ``columns`` display columns."""
    return text + " " * max(0, columns - width(text))


def rjust(text: str, columns: int) -> str:
    """Pad on the left to ``columns`` display columns."""
    return " " * max(0, columns - width(text)) + text


def wrap(text: str, columns: int) -> list[str]:
    """Break ``text`` into lines of at most ``columns`` display columns.

    Chinese breaks between any two characters; a line with spaces in it (English) breaks after its last
    space, so words stay whole unless one alone is wider than a line.
    """
    lines, line = [], ""
    for ch in text:
        if width(line + ch) > columns:
            cut = line.rfind(" ")
            if ch != " " and cut > 0:
                lines.append(line[:cut])
                line = line[cut + 1 :]
            else:
                lines.append(line)
                line = ""
            if ch == " " and not line:
                continue  # no line starts with the space it was broken at
        line += ch
    if line or not lines:
        lines.append(line)
    return lines
