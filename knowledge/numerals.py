"""Reading numbers as people type them in Chinese: 「二十五」「一万二」「两万五」「1.2万」「一千零五」.

One reader for the whole project: the self-check's answers (knowledge/understanding/answers.py) and the
calculator's questions (knowledge/calc_parse.py) both use it.
"""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}


def read_numeral(run: str) -> float | None:
    """Value of one run of digits/numerals/units such as 「二十五」「一万二」「1.2万」「3千5」."""
    total = 0.0  # completed 万/亿 sections
    section = 0.0  # the part below the current big unit
    number: float | None = None
    last_unit = 0
    after_zero = False  # 「一千零五」: a digit after 零 is literal, not an abbreviation
    i = 0
    while i < len(run):
        ch = run[i]
        if ch.isdigit() or ch == ".":
            j = i
            while j < len(run) and (run[j].isdigit() or run[j] == "."):
                j += 1
            try:
                number = float(run[i:j])
            except ValueError:
                return None
            i = j
            continue
        if ch in _DIGITS:
            if ch in "零〇":
                after_zero = True
                number = None if number is None else number * 10
            else:
                digit = _DIGITS[ch]
                # 「二五」 read digit by digit; 「二十五」 handled by units below
                number = digit if number is None else number * 10 + digit
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            section += (1 if number is None else number) * unit
            number, last_unit, after_zero = None, unit, False
        elif ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            below = section + (number or 0)
            total += (below or 1) * unit  # a bare 「万」 is ten thousand
            section, number, last_unit, after_zero = 0.0, None, unit, False
        i += 1
    if number is not None:
        # 「一万二」 = 12000, 「三千五」 = 3500, 「六百五」 = 650: a lone digit after a unit is one unit lower
        if last_unit >= 10 and not after_zero and number < 10 and number == int(number):
            section += number * last_unit / 10
        else:
            section += number
    return total + section
