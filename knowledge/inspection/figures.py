"""The cost figures of a received message, solved into the true annual rate.

Messages state a loan in a handful of ways: 「借10000元到手8000元，分12期每期还1200元」, 「借款20,000.00元，
分12期，每期应还1,833.60元」, 「借2000元到手1400元，30天后还2000元」, 「先交3000的风险保证金，相当于实际到手
17000」. This module reads the amount, the fee taken before the loan arrives, the money received, the
instalment, the number of periods, a total repaid and a term, then lets :mod:`knowledge.solve` find the
IRR年化. A message that states the money owed at the end but no term (「到期应还本息2,030.00元」) is taken
as one month, and the result says so (``assumed_term``).

A fee charged with every instalment (「每期…手续费60.00元」) is part of the instalment, not money taken
up front, and is not counted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.numerals import read_numeral
from knowledge.solve import Solved, SolveError, from_installments, from_total

_CN = "零〇一二两三四五六七八九十百千"
# a number is read only from where a run of digits or numerals starts, and a run is at most 12 long: a
# hostile paste of 4,000 digits is read in linear time, not tried again from every position
_NUM = (
    rf"(?<![\d.,{_CN}])"
    rf"(?P<n>\d{{1,3}}(?:,\d{{3}}){{1,4}}(?:\.\d{{1,2}})?|\d{{1,12}}(?:\.\d{{1,4}})?|[{_CN}]{{1,8}})"
    rf"\s*(?:(?P<u>万|千)(?P<r>\d(?![\d.]))?)?"
)
_COUNT = r"(?<![第/\d一二两三四五六七八九十])(?P<n>\d{1,4}|[一二两三四五六七八九十]{1,4})"

_AMOUNT = [
    re.compile(
        rf"(?:借款(?:金额|本金|额度)?|(?<![还应])借|贷款|批了|批的|申请的|本金)[:：\s]*{_NUM}元?(?![\d%期个天])"
    ),
    re.compile(rf"{_NUM}元?的?贷款"),
    # 「你的5万已经审核通过」: a sum said to be approved
    re.compile(rf"(?:你|您)的\s*{_NUM}元?\s*(?:已经?|都)?(?:审核|审批|批)"),
]
_INSTALMENT_TOTAL = re.compile(rf"(?:每期|每月)[^。]{{0,60}}?合计\s*{_NUM}元?")
_INSTALMENT = re.compile(
    rf"(?:每期|每月|每个月|月供|月还款额?|月还)[^，,。\d]{{0,6}}?{_NUM}元?(?![\d%期个天])"
)
_PERIODS = re.compile(rf"{_COUNT}\s*期(?![限间])")
_MONTHS = re.compile(rf"{_COUNT}\s*个月")
_DAYS = re.compile(rf"{_COUNT}\s*天")
_TOTAL = re.compile(rf"(?:应还本息|共还|一共还|总共还|到期还|后还|合计还)[^，,。\d]{{0,4}}{_NUM}元?(?![\d%])")
_FEE_WORDS = (
    r"保费|保证金|会员费?|服务费|手续费|渠道费|押金|工本费|保险费?|解冻金|解冻费|前期费用|公证费|砍头息"
)
#: any other charge named X费 (审核费, 加急费 …), but not a rate (费率) or everyday bills
_ANY_FEE = r"[\u4e00-\u9fa5]{1,3}(?<![消话学电水年运免])费(?!率|用)"
_FEE = [
    re.compile(rf"(?P<w>{_FEE_WORDS}|{_ANY_FEE})[^，,。\d]{{0,6}}?{_NUM}元?(?![\d%])"),
    re.compile(rf"{_NUM}元?的?[\u4e00-\u9fa5]{{0,2}}(?P<w>{_FEE_WORDS})"),
]
_RECEIVED = re.compile(rf"(?:到手|到账|实际放款|实际拿到)[^，,。\d]{{0,3}}{_NUM}元?(?![\d%])")
_STATED = [
    (re.compile(r"(?:年化|年利率)[^，,。\d]{0,8}?(?P<v>\d+(?:\.\d+)?)\s*%"), 1.0),
    (re.compile(r"(?:日利率|日息|日利)[^，,。\d]{0,4}?(?P<v>\d+(?:\.\d+)?)\s*%"), 365.0),
    (re.compile(r"(?:月利率|月息)[^，,。\d]{0,4}?(?P<v>\d+(?:\.\d+)?)\s*%"), 12.0),
]
_CLAUSE = re.compile(r"[^，,。；;\n]*")


@dataclass(frozen=True)
class CostFigures:
    """What a message says a loan costs, and the true rate it comes to.

    ``stated_annual_pct`` is the yearly rate the message itself claims (a daily rate × 365), if any:
    the reply sets it beside the IRR, which is often far higher.
    """

    amount: float
    fee: float
    received: float
    installment: float
    periods: int
    total_repaid: float
    assumed_term: bool
    stated_annual_pct: float | None
    solved: Solved

    @property
    def irr_annual_pct(self) -> float:
        """The IRR年化, held against the 24 % and 36 % lines."""
        return self.solved.irr_annual_pct

    def to_dict(self) -> dict[str, object]:
        """Plain data, for ``--json`` and tests."""
        return {
            "amount": self.amount,
            "fee": self.fee,
            "received": self.received,
            "installment": round(self.installment, 2),
            "periods": self.periods,
            "period_days": self.solved.period_days,
            "total_repaid": round(self.total_repaid, 2),
            "assumed_term": self.assumed_term,
            "stated_annual_pct": self.stated_annual_pct,
            "irr_annual_pct": round(self.irr_annual_pct, 2),
            "band": self.solved.band,
        }


def _value(match: re.Match[str]) -> float | None:
    raw = match.group("n").replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        value = read_numeral(raw) or 0.0
    scale = {"万": 10_000, "千": 1_000}.get(match.group("u") or "", 1)
    rest = match.group("r")  # 「1万6」 is 16,000, as 「一万六」 is
    return value * scale + (int(rest) * scale / 10 if rest else 0) if value else None


def _first(patterns: list[re.Pattern[str]], text: str) -> float | None:
    for pattern in patterns:
        for match in pattern.finditer(text):
            value = _value(match)
            if value is not None:
                return value
    return None


def _count(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    if match is None:
        return None
    raw = match.group("n")
    value = int(raw) if raw.isdigit() else int(read_numeral(raw) or 0)
    return value or None


def _upfront_fee(text: str) -> float | None:
    """A fee paid or deducted before the loan arrives; fees charged with each instalment are skipped."""
    for pattern in _FEE:
        for match in pattern.finditer(text):
            clause = _clause_around(text, match.start())
            if "每期" in clause or "每月" in clause:
                continue
            value = _value(match)
            if value:
                return value
    return None


def _clause_around(text: str, position: int) -> str:
    start = max(text.rfind(mark, 0, position) for mark in "，,。；;\n")
    found = _CLAUSE.match(text, start + 1)
    return found.group(0) if found else ""


def _stated(text: str) -> float | None:
    for pattern, scale in _STATED:
        match = pattern.search(text)
        if match:
            return round(float(match.group("v")) * scale, 4)
    return None


def find_figures(text: str) -> CostFigures | None:
    """The loan a message describes, solved; ``None`` when it does not give enough to solve.

    Enough is an amount and either an instalment with a number of periods (or months), or a total repaid
    (with a term in months or days; without one, a month is assumed).
    """
    amount = _first(_AMOUNT, text)
    if amount is None:
        return None
    fee = _upfront_fee(text) or 0.0
    received = _first([_RECEIVED], text)
    if received is not None and received < amount:
        fee = amount - received  # what the message says arrives is the surest figure
    installment = _first([_INSTALMENT_TOTAL, _INSTALMENT], text)
    periods = _count(_PERIODS, text)
    months = _count(_MONTHS, text)
    days = _count(_DAYS, text)
    total = _first([_TOTAL], text)
    assumed = False
    try:
        if installment is not None and (periods or months):
            solved = from_installments(amount, installment, periods or months or 0, fee=fee)
        elif total is not None and periods:
            solved = from_total(amount, total, months=periods, fee=fee, installments=True)
        elif total is not None:
            assumed = months is None and days is None
            solved = from_total(amount, total, months=months or (None if days else 1), days=days, fee=fee)
        else:
            return None
    except SolveError:
        return None  # figures that do not make a loan: say nothing rather than something wrong
    return CostFigures(
        amount=amount,
        fee=fee,
        received=solved.received,
        installment=solved.payments[0],
        periods=solved.periods,
        total_repaid=solved.total_repaid,
        assumed_term=assumed,
        stated_annual_pct=_stated(text),
        solved=solved,
    )
