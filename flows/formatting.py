"""Money, percentages and monospace layout for Chinese readers, in the current turn's locale (Babel).

``yuan(12345.67)`` → ``¥12,345.67``; ``yuan_short(12000)`` → ``1.2万元`` (round amounts of 10 000 or more,
where a Chinese reader would say it that way); ``pct(18.25)`` → ``18.25%``. Layout helpers count display
columns the way a phone's monospace font draws them: a Chinese character takes two.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_compact_currency, format_compact_decimal, format_currency, format_decimal

from flows.i18n import DEFAULT_LOCALE, current_locale


@cache
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


def babel_locale() -> Locale:
    """The Babel locale of the current turn (``zh_CN`` when the turn's locale is unknown)."""
    return _locale(current_locale())


def _chinese() -> bool:
    return babel_locale().language == "zh"


def yuan(amount: float) -> str:
    """An exact amount of money: ``¥12,345.67``."""
    locale = babel_locale()
    # zh_Hant and en spell the currency CN¥; a Chinese reader expects the plain ¥ sign
    text = format_currency(amount, "CNY", locale=locale)
    return text.replace("CN¥", "¥") if locale.language == "zh" else text


def yuan_short(amount: float) -> str:
    """A round amount as people say it: ``1万元``, ``2.5万元``, ``200万元``; other amounts exactly."""
    if abs(amount) >= 10_000 and round(amount) % 100 == 0:
        if _chinese():
            return format_compact_decimal(amount, locale=babel_locale(), fraction_digits=2) + "元"
        return format_compact_currency(amount, "CNY", locale=babel_locale(), fraction_digits=2)
    if float(amount).is_integer():
        return format_decimal(amount, format="#,##0", locale=babel_locale()) + (
            "元" if _chinese() else " CNY"
        )
    return yuan(amount)


def number(amount: float, decimals: int = 2) -> str:
    """A plain number with thousands separators, for tables: ``9,233.20``."""
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(round(amount, decimals), format=pattern, locale=babel_locale())


def pct(value_pct: float) -> str:
    """A percentage with two decimals: ``18.25%`` (``value_pct`` is already in percent)."""
    return format_decimal(value_pct, format="#,##0.00", locale=babel_locale()) + "%"


def rate(value_pct: float) -> str:
    """A stated rate with as many decimals as it needs (at least two, at most four): ``0.035%``."""
    return format_decimal(value_pct, format="#,##0.00##", locale=babel_locale()) + "%"


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
    """Break ``text`` into lines of at most ``columns`` display columns (characters are never split)."""
    lines, line = [], ""
    for ch in text:
        if width(line + ch) > columns:
            lines.append(line)
            line = ""
        line += ch
    if line or not lines:
        lines.append(line)
    return lines
