"""Follow-ups to a calculation, read in words: 「不对 是一万」「说错了 是24期」「不是80 是180」「到手是9000」
「都算一下」「改成6期」, merged over the request they follow."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from knowledge.base import KnowledgeBase
from knowledge.calc_parse import money, parse, product_finder, uniform_symbols
from knowledge.calc_request import PER_AMOUNT, QUOTED, CalcRequest
from knowledge.costs import Price
from knowledge.solve import SolveError, from_installments
from knowledge.understanding.normalize import fold
from knowledge.understanding.products import Mention

#: 「不对」「说错了」「打错了」「啊不对」: the words that mark a correction (and say nothing else)
_CORRECTION = re.compile(
    r"^(?:啊|哦|噢|呃)?\s*(?:不对|说错了|打错了|我说错了|写错了|错了|更正|纠正一下)[,，。!！\s]*"
)
#: 「不是80」「不是万三」: the old value named in a correction
_NOT_THIS = re.compile(r"不是\s*([^\s,，是]+)\s*[,，\s]*")
#: 「都算一下」「有没有更便宜的」: every product ranked for the same loan
_EVERY_PRODUCT = re.compile(
    r"都算|全都算|每个都算|所有产品|全部产品|别的产品也|"
    r"(?:有没有|还有|哪个|哪家|有啥|有什么)(?:更|比较)?(?:便宜|划算|利息(?:更)?低)"
)
_BARE_NUMBER = re.compile(
    r"^\s*(\d+(?:\.\d+)?(?:万|w|千|k)?|[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]*)\s*元?\s*$"
)
#: the 是 of 「是一万」「到手是9000」, dropped before reading the figure
_IS = re.compile(r"^是\s*|(?<=[\u4e00-\u9fff])是(?=\s*[\d零〇一二两三四五六七八九十万])")
#: 「一个月还多少」 after a loan with a term: what is paid each month, not a loan of one month
_PER_MONTH = re.compile(r"一个月(?=\s*(?:要|得|需要|大概|大约)?\s*(?:还|供|付)\s*(?:款)?\s*(?:多少|几))")
_VALUE_FIELDS = ("amount", "installment", "total_repaid", "interest_total", "interest_month", "per_day_yuan",
                 "fee_month", "received", "fee_upfront")


def follow_up(
    text: str,
    previous: CalcRequest,
    kb: KnowledgeBase | None = None,
    *,
    mentions: list[Mention] | None = None,
) -> CalcRequest:
    """Read a message typed after a calculation and merge it over ``previous``.

    Corrections in words are read as such: 「不对 是一万」 (the amount), 「说错了 是24期」,
    「不是万三 是万五」, 「到手是9000」; a bare figure after 「不是80」 replaces the figure that was 80, and a
    bare figure with no old value named replaces the rate when it is small (「是0.9」).
    """
    folded = text if mentions is not None else fold(text)
    if _EVERY_PRODUCT.search(folded) and previous.amount is not None:
        # 「都算一下」: every product, not only the ones named before
        return replace(previous, intent="cheapest", product=None, products=None, price=None)
    corrected = _CORRECTION.sub("", folded.strip())
    old = _NOT_THIS.search(corrected)
    old_value = money(old.group(1)) if old else None
    if old:
        corrected = _NOT_THIS.sub("", corrected, count=1)
    corrected = _IS.sub("", corrected)
    if previous.has_term() and _PER_MONTH.search(corrected):
        corrected = _PER_MONTH.sub("每个月", corrected)
    bare = _BARE_NUMBER.match(uniform_symbols(corrected))
    if bare and previous.has_numbers():
        value = money(bare.group(1))
        if value is not None:
            return _replace_value(previous, value, old_value)
    if mentions is not None and corrected != folded:
        # the mentions' spans no longer line up with the shortened text: find the products in it again
        request = parse(corrected, kb, mentions=product_finder(kb).find(corrected) if kb is not None else [])
    else:
        request = parse(corrected, kb, mentions=mentions)
    if request.judges and not request.has_numbers() and previous.intent in ("early", "penalty"):
        # 「那这个利息合法吗」 after a fee or a penalty: the loan's own rate judged, not the fee again
        return replace(previous, intent="cost", judges=True, paid_periods=None, early_fee_pct=None)
    only_named = request.product is not None and not replace(request, product=None).has_numbers()
    if previous.intent == "cheapest" and only_named:
        # 「微粒贷的话一个月还多少」「那小米呢」 after the ranking: that product's figures, same loan
        return replace(request.merged_over(previous), intent="cost", products=request.products)
    price = request.price
    if previous.intent == "early" and request.intent == "cost" and price and not request.has_term():
        # 「按2%算呢」 after an early-settlement fee: that fee, tried, not a rate for a new loan
        request = replace(request, intent="early", price=None, price_guessed=False)
        request = replace(request, early_fee_pct=price.value_pct)
    if _only_the_term(request) and not _CORRECTION.match(folded.strip()):
        # 「那换成24期呢」 asks what if; 「啊不对 是18期」 corrects what was said, instalment and all
        previous = _rate_kept(previous)
    return request.merged_over(previous) if previous.has_numbers() or previous.intent != "cost" else request


def _only_the_term(request: CalcRequest) -> bool:
    """「那换成24期呢」: a new term and nothing else that prices the loan."""
    prices = (request.amount, request.price, request.product, request.received, request.fee_upfront)
    sums = [getattr(request, name) for name in (*QUOTED, *PER_AMOUNT)]
    return request.has_term() and all(value is None for value in (*prices, *sums))


def _rate_kept(previous: CalcRequest) -> CalcRequest:
    """The loan of 「借2万 分12期 每月还1900」 at the rate its instalment implies, without the instalment:
    over another term (「那换成24期呢」) the same loan costs that rate, not 1900 a month for twice as long."""
    if previous.installment is None or previous.amount is None or previous.term_months is None:
        return previous
    fees = (previous.received, previous.fee_upfront, previous.fee_upfront_pct)
    if any(value is not None for value in fees):
        return previous  # the fee is part of what the instalment implies: no plain rate to carry over
    try:
        solved = from_installments(previous.amount, previous.installment, previous.term_months)
    except SolveError:
        return previous
    rate = Price("annual", round(solved.irr_annual_pct, 2))
    return replace(previous, installment=None, price=rate, price_guessed=False)


def _replace_value(previous: CalcRequest, value: float, old: float | None) -> CalcRequest:
    """A bare figure given as a correction, put where it belongs."""
    if old is not None:
        for name in _VALUE_FIELDS:
            if getattr(previous, name) is not None and abs(getattr(previous, name) - old) < 0.005:
                changes: dict[str, Any] = {name: value}
                return replace(previous, **changes)
    price = previous.price
    if price is not None and value < 100 and (old is None or abs(price.value_pct - old) < 0.005):
        return replace(previous, price=Price(price.kind, value))
    if previous.amount is not None and value >= 100:
        return replace(previous, amount=value)
    return previous
