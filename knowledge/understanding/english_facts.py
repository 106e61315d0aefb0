"""Self-check facts and yes/no answers written in English: 「I am 29」「no overdue」「about 9000 rmb per
month」「no, only a passport」.

Foreigners working in China and Chinese people who type in English take the self-check too (the English
menus invite them to). Their answers are read here with the same caution as Chinese ones
(:mod:`knowledge.understanding.profile`): a fact only where a cue says what a number or a phrase is.
Standalone (regular expressions only), so that the Chinese readers can call it without a cycle.
"""

from __future__ import annotations

import re
from typing import Any

#: a message that may hold English words
_LATIN = re.compile(r"[a-z]{2,}")
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k)?"
#: an income: a figure per month, or a figure after earn/salary/income
_INCOME = (
    re.compile(_NUMBER + r"\s*(?:rmb|yuan|cny|元|块)?\s*(?:a|per|each|every|/)\s*(?:month|mo)\b"),
    re.compile(r"(?:earn|earning|make|making|salary|income|paid)\D{0,20}?" + _NUMBER),
)
#: credit history, most specific first: overdue now, overdue once and repaid, clean
_CREDIT: list[tuple[str, re.Pattern[str]]] = [
    ("current_overdue", re.compile(r"\b(?:currently|still|now)\s+(?:overdue|late|behind)|\bbehind on\b|"
                                   r"\boverdue (?:now|right now|at the moment)")),
    ("settled_overdue", re.compile(r"\b(?:was|were|been) (?:overdue|late)\b.*\b(?:paid|repaid|settled|"
                                   r"cleared)|\b(?:paid|repaid|settled) (?:it|them)? ?(?:off|back)\b.*"
                                   r"\b(?:overdue|late)")),
    ("clean", re.compile(r"\bno (?:overdue|late payments?|missed payments?|bad (?:credit|record))|"
                         r"\bnever (?:been )?(?:overdue|late|missed)|\b(?:clean|good|perfect) credit\b")),
]  # fmt: skip
_STUDENT = re.compile(r"\bi(?:'m| am) (?:a |an )?(?:university |college )?student\b")
_NOT_STUDENT = re.compile(
    r"\bnot (?:a )?student\b|\bi (?:work|have a job)\b|\bi(?:'m| am) working\b|\bgraduated\b"
)
_NO_MAINLAND_ID = re.compile(
    r"\bonly (?:a |my )?passport\b|\bno (?:chinese |mainland )?id\b|\bforeigner\b|"
    r"\b(?:don'?t|do not) have (?:a |an )?(?:chinese |mainland )?(?:id|identity card)\b|"
    r"\bnot (?:a )?chinese\b"
)
_MAINLAND_ID = re.compile(r"\bi have (?:a |an )?(?:chinese |mainland )?(?:id|identity card)\b")
#: the word after a number that makes it something other than an age (「24 percent」「12 months」)
UNIT_AFTER_NUMBER = (
    r"(?:percent|%|rmb|yuan|cny|k\b|months?|days?|weeks?|years?|times|apr|per|dollars?|usd|元|块)"
)
#: an age said in words that make it one: 「I am 31」「31 years old」「age 31」 (not 「I am 24 percent sure」)
_AGE = re.compile(
    rf"\bi(?:'m| am)\s+(\d{{2}})\b(?!\s*{UNIT_AFTER_NUMBER})"
    r"|\b(\d{2})\s*(?:years? old|yo|y/o)\b|\bage[d:]?\s+(\d{2})\b"
)
_XIAOMI_DEVICE = re.compile(r"\b(?:xiaomi|redmi|mi) (?:phone|device|\d+)\b|\bredmi\b")
#: a reply to a yes/no question that starts with yes or no and may go on (「no, only a passport」)
_EN_NO = re.compile(r"\s*(?:no|nope|nah|not really|never|none|i don'?t|i do not)\b")
_EN_YES = re.compile(r"\s*(?:yes|yeah|yep|yup|sure|of course|correct|i do)\b")


def english_yes_no(text: str) -> bool | None:
    """A yes or a no at the start of an English reply (「yes I do」「no, only a passport」), else ``None``."""
    lowered = text.lower()
    if _EN_NO.match(lowered):
        return False
    if _EN_YES.match(lowered):
        return True
    return None


def english_facts(folded: str) -> dict[str, Any]:
    """The self-check facts an English message states (empty for a message with no English words).

    A number alone is never an age here: 「is 24 percent apr legal」 is about a rate.

    Args:
        folded: the message folded (lower case, half-width), as the Chinese readers take it.
    """
    if not _LATIN.search(folded):
        return {}
    facts: dict[str, Any] = {}
    age = _AGE.search(folded)
    if age is not None and 14 <= int(next(g for g in age.groups() if g)) <= 100:
        facts["age"] = int(next(g for g in age.groups() if g))
    for pattern in _INCOME:
        found = pattern.search(folded)
        if found:
            value = float(found.group(1).replace(",", "")) * (1000 if found.group(2) else 1)
            facts["monthly_income"] = int(value)
            break
    status = next((s for s, pattern in _CREDIT if pattern.search(folded)), None)
    if status is not None:
        facts["credit"] = status
    if _NOT_STUDENT.search(folded):
        facts["student"] = False
    elif _STUDENT.search(folded):
        facts["student"] = True
    if _NO_MAINLAND_ID.search(folded):
        facts["mainland_id"] = False
    elif _MAINLAND_ID.search(folded):
        facts["mainland_id"] = True
    if _XIAOMI_DEVICE.search(folded):
        facts["xiaomi_device"] = True
    return facts


#: an English loan to price: 「how much interest for 10000 over 12 months」「borrow 5k for 6 months at 0.05%
#: a day」
_LOAN_AMOUNT = re.compile(
    r"(?:borrow(?:ing)?|loan(?: of)?|for|of|take)\s+(?:rmb|cny|¥)?\s*"
    + _NUMBER
    + r"\s*(?:rmb|yuan|cny|元|块)?"
)
_LOAN_TERM = re.compile(
    r"(\d{1,3}|an?|one|two|three|six)\s*(months?|mos?|years?|yrs?|days?|weeks?|installments?|instalments?)\b"
)
#: a term's count in words (「for a year」「two years」)
_COUNT_WORDS = {"a": "1", "an": "1", "one": "1", "two": "2", "three": "3", "six": "6"}
_LOAN_RATE = re.compile(
    r"(\d+(?:\.\d+)?)\s*%\s*(?:a |per |each )?(day|daily|month|monthly|year|yearly|annual|apr)?"
)
_LOAN_ASKED = re.compile(r"interest|repay|pay back|cost|how much|monthly payment|per month|each month|total")
#: the sum paid each month asked for (「how much do i pay each month」), not the interest in all
_ASKS_INSTALMENT = re.compile(r"monthly|per month|each month|a month")
_TERM_UNITS = {"m": "个月", "y": "年", "d": "天", "w": "周", "i": "期"}
_RATE_KINDS = {"d": "日利率", "m": "月利率", "y": "年化", "a": "年化"}


def english_loan(text: str) -> str | None:
    """An English request to price a loan, in the Chinese words the calculator reads (「借10000元 12个月
    利息多少」); ``None`` when ``text`` names no amount to borrow with a term or a rate, or asks nothing."""
    term = _LOAN_TERM.search(text)
    rate = _LOAN_RATE.search(text)
    figures = [
        float(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        for m in _LOAN_AMOUNT.finditer(text)
        if not _LOAN_TERM.match(text, m.start(1))  # 「for 12 months」 is the term, not the sum
    ]
    figures = [f for f in figures if f >= 100]
    if not figures or not (term or rate) or not _LOAN_ASKED.search(text):
        return None
    parts = [f"借{figures[0]:g}元"]
    asks_instalment = _ASKS_INSTALMENT.search(text)
    if term is not None:
        unit = _TERM_UNITS[term.group(2)[0]]
        count = _COUNT_WORDS.get(term.group(1), term.group(1))
        # paid each month over so many months: that many instalments (「分12期」), not one repayment
        monthly = unit == "个月" and asks_instalment
        parts.append(f"分{count}期" if unit == "期" or monthly else f"{count}{unit}")
    if rate is not None:
        parts.append(f"{_RATE_KINDS.get((rate.group(2) or 'y')[0], '年化')}{rate.group(1)}%")
    parts.append("每月还多少" if asks_instalment else "利息多少")
    return " ".join(parts)


#: an English follow-up on the loan just priced: 「and the total interest」「what about 24 months」
_FOLLOW_TERM = re.compile(r"(\d{1,3})\s*(?:months?|mos?|installments?|instalments?)\b")


def english_calc_follow_up(text: str) -> str | None:
    """An English follow-up on the loan just priced, in the calculator's Chinese words (「改成24期」,
    「总共多少利息」, 「每月还多少」); ``None`` when ``text`` is none of those."""
    term = _FOLLOW_TERM.search(text)
    if term is not None and re.search(r"\b(?:what about|how about|instead|change|make it|for)\b", text):
        return f"改成{term.group(1)}期"
    if re.search(r"\btotal\b|\binterest\b|\bin all\b|\ball together\b|\baltogether\b", text):
        return "总共多少利息"
    if _ASKS_INSTALMENT.search(text):
        return "每月还多少"
    return None
