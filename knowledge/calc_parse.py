"""Reading a cost question typed in Chinese: 「借1万分12期，日利率0.05%，要还多少」 → a :class:`CalcRequest`.

The parser pulls out, in this order, so that one figure is never read twice: products (小米贷款, 微粒贷,
WE2000 — their rates then come from the knowledge base), prices (日利率0.05%, 日息万五, 月利率1%, 年化18%,
月费率0.8%), overdue days (逾期10天), terms (12期, 12个月, 一年, 半年, 30天), repayment methods, and last
the amount (1万, 一万, 两万五, 5千, 2w, ¥8,000, 10000元). Traditional characters are converted first
(OpenCC t2s) and full-width digits folded (NFKC).

What is missing is reported as field names (``amount``, ``term``, ``price``); the caller asks for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from knowledge.base import KnowledgeBase
from knowledge.costs import DAYS_PER_MONTH, LoanQuote, Method, Price, PriceKind
from knowledge.numerals import read_numeral
from knowledge.understanding.normalize import fold
from knowledge.understanding.products import Mention, ProductFinder

Intent = Literal["cost", "penalty", "early"]
Missing = Literal["amount", "term", "price", "days"]

_CN = "零〇一二两三四五六七八九十百千万"
_NUM = r"\d+(?:\.\d+)?"
#: counts of periods or days are 1–99 in Chinese numerals, so 「一万一年」 reads as 一万 + 一年 and
#: 「两万五一年」 as 两万五 + 一年
_COUNT = rf"(?:{_NUM}|[一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九])"


@dataclass(frozen=True)
class CalcRequest:
    """Everything a cost question said; ``None`` where it said nothing."""

    intent: Intent = "cost"
    amount: float | None = None
    term_months: int | None = None
    term_days: int | None = None
    method: Method | None = None
    price: Price | None = None
    #: the price had no 日/月/年 word, so its kind was guessed from its size
    price_guessed: bool = False
    product: str | None = None
    overdue_days: int | None = None

    def self_contained(self) -> bool:
        """Whether this reads as a new question rather than a follow-up: an amount and something more."""
        more = (
            self.term_months is not None
            or self.term_days is not None
            or self.price is not None
            or self.product is not None
            or self.overdue_days is not None
            or self.intent != "cost"
        )
        return self.amount is not None and more

    def merged_over(self, previous: CalcRequest) -> CalcRequest:
        """This request with its gaps filled from ``previous`` (for 「改成24期」「那微粒贷呢」 follow-ups).

        A new question (:meth:`self_contained`) replaces the previous one. In a follow-up, a new product
        replaces an old typed price and a new typed price replaces an old product.
        """
        if self.self_contained():
            return self
        keep = previous
        if self.product is not None:
            keep = replace(keep, price=None, price_guessed=False)
        if self.price is not None:
            keep = replace(keep, product=None)
        if self.term_months is not None or self.term_days is not None:
            keep = replace(keep, term_months=None, term_days=None)
        values = {
            name: getattr(self, name) if getattr(self, name) is not None else getattr(keep, name)
            for name in ("amount", "term_months", "term_days", "method", "price", "product", "overdue_days")
        }
        guessed = self.price_guessed if self.price is not None else keep.price_guessed
        # 「那微粒贷呢」 after a penalty question is still about the penalty; 「改成24期」 is about cost
        changes_cost = any(v is not None for v in (self.term_months, self.term_days, self.price, self.method))
        intent = self.intent if self.intent != "cost" or changes_cost else previous.intent
        return CalcRequest(intent=intent, price_guessed=guessed, **values)

    def has_numbers(self) -> bool:
        """Whether anything a calculation needs was given."""
        return any(
            v is not None
            for v in (self.amount, self.term_months, self.term_days, self.price, self.product, self.method)
        )

    def effective_method(self) -> Method:
        """The method asked for, else 随借随还 for a term in days and 等额本息 for one in months."""
        if self.method is not None:
            return self.method
        if self.term_days is not None and self.term_months is None:
            return "daily"
        return "equal_installment"

    def missing(self) -> list[Missing]:
        """What a calculation still needs, in the order to ask for it."""
        needs: list[Missing] = []
        if self.amount is None:
            needs.append("amount")
        if self.intent == "penalty":
            if self.overdue_days is None:
                needs.append("days")
            return needs
        if self.intent == "early":
            return needs
        if self.term_months is None and self.term_days is None:
            needs.append("term")
        if self.price is None and self.product is None:
            needs.append("price")
        return needs

    def quote(self, price: Price | None = None) -> LoanQuote | list[Missing]:
        """The :class:`LoanQuote` to compute, or what is missing. ``price`` overrides (product scenarios)."""
        gaps = [m for m in self.missing() if not (m == "price" and price is not None)]
        if self.intent == "cost" and gaps:
            return gaps
        chosen = price or self.price
        if self.amount is None or chosen is None:
            return gaps or ["price"]
        return LoanQuote(
            amount=self.amount,
            method=self.effective_method(),
            price=chosen,
            term_months=self.term_months,
            term_days=self.term_days,
        )

    def to_dict(self) -> dict[str, float | int | str | None]:
        """Flat scalars, to keep between turns (``Session.calc``)."""
        return {
            "intent": self.intent,
            "amount": self.amount,
            "term_months": self.term_months,
            "term_days": self.term_days,
            "method": self.method,
            "price_kind": self.price.kind if self.price else None,
            "price_pct": self.price.value_pct if self.price else None,
            "price_guessed": 1 if self.price_guessed else 0,
            "product": self.product,
            "overdue_days": self.overdue_days,
        }

    @classmethod
    def from_dict(cls, data: dict[str, float | int | str | None] | None) -> CalcRequest:
        """Rebuild from :meth:`to_dict`; unknown or malformed values are dropped, never raised."""
        if not data:
            return cls()

        def num(key: str) -> float | None:
            value = data.get(key)
            return float(value) if isinstance(value, int | float) else None

        def whole(key: str) -> int | None:
            value = num(key)
            return int(value) if value is not None else None

        kind, pct = data.get("price_kind"), num("price_pct")
        price = Price(kind, pct) if kind in ("daily", "monthly", "annual", "monthly_fee") and pct else None  # type: ignore[arg-type]
        method = data.get("method")
        intent = data.get("intent")
        product = data.get("product")
        return cls(
            intent=intent if intent in ("cost", "penalty", "early") else "cost",  # type: ignore[arg-type]
            amount=num("amount"),
            term_months=whole("term_months"),
            term_days=whole("term_days"),
            method=method
            if method in ("equal_installment", "equal_principal", "daily", "interest_first")
            else None,  # type: ignore[arg-type]
            price=price,
            price_guessed=bool(data.get("price_guessed")),
            product=product if isinstance(product, str) else None,
            overdue_days=whole("overdue_days"),
        )


# --- text normalisation ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Simplified characters, half-width digits and symbols (¥, %, ,), no spaces around numbers."""
    return _symbols(fold(text))


def _symbols(folded: str) -> str:
    """Folded text (:func:`~knowledge.understanding.normalize.fold`) with the calculator's spellings of
    money and percentages made uniform: 块 → 元, 「百分之十八」 → 18%."""
    folded = folded.replace("￥", "¥").replace("块钱", "元").replace("块", "元")
    return _PER_CENT.sub(_as_percent, folded)


#: 「百分之十八」 → 18%, 「千分之五」 → 0.5% (万分之N stays: it is read as a daily rate by itself)
_PER_CENT = re.compile(r"(百|千)分之\s*(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)")


def _as_percent(match: re.Match[str]) -> str:
    value = _number(match.group(2))
    if value is None:
        return match.group(0)
    if match.group(1) == "千":
        value /= 10
    return f"{value:g}%"


def cn_number(text: str) -> float | None:
    """Read a Chinese numeral such as 一万, 两万五, 三千五, 十二, 一百 (``None`` if it is not one)."""
    if not text or any(ch not in _CN for ch in text):
        return None
    return read_numeral(text)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return cn_number(text)


# --- extraction ----------------------------------------------------------------------------------------

_PCT = rf"(-?{_NUM})\s*%"
_PRICE_WORDS: list[tuple[PriceKind, str]] = [
    ("monthly_fee", r"月费率|月手续费率?|每月手续费|分期费率|月服务费率?|费率|手续费率"),
    ("daily", r"日利率|日息|日利|日费率|日化|每天利息|每日利率|按日利率|天利率|每天|每日|一天"),
    ("monthly", r"月利率|月息|月利|每月利率"),
    ("annual", r"年化利率|年化|年利率|年息|年利|apr|APR|IRR|irr"),
]
_PRICE_SUFFIX: list[tuple[PriceKind, str]] = [
    ("daily", r"\s*(?:/|每)\s*(?:天|日)|一天|每天"),
    ("monthly", r"\s*(?:/|每)\s*月|每个月"),
    ("annual", r"\s*(?:/|每)\s*年|一年"),
]
_WAN_RATE = re.compile(
    r"(?:日息|日利率|日利|每天)?\s*万分之\s*([\d.]+|[一二两三四五六七八九])|(?:日息|日利率|日利)\s*万\s*([\d.]+|[一二两三四五六七八九])"
)
#: Folk rates: 「月息1分」 is 1% a month, 「月息8厘」 0.8%, 「月息1分5」 1.5%; a year's 分 is ten times as
#: much (「年息1分」 is 10%). The daily 分/厘 is used too loosely to read.
_FEN_LI = re.compile(
    rf"(月息|月利率|月利|年息|年利率|年利)\s*(?:是|为|约|大概)?\s*({_COUNT})\s*(分|厘)([\d一二两三四五六七八九])?"
)
_FEN_LI_PERCENT = {
    ("monthly", "分"): 1.0,
    ("monthly", "厘"): 0.1,
    ("annual", "分"): 10.0,
    ("annual", "厘"): 1.0,
}
#: 「借1万一天5块」: interest stated in yuan a day; it becomes a daily rate once the amount is known.
_DAILY_YUAN = re.compile(rf"(?:一天|每天|每日)\s*(?:利息|息)?\s*(?:是|要|就|才|大概|约)?\s*({_NUM})\s*元")
_METHODS: list[tuple[Method, str]] = [
    ("equal_installment", r"等额本息"),
    ("equal_principal", r"等额本金"),
    ("interest_first", r"先息后本|按月付息[,，]?到期还本|到期还本"),
    ("daily", r"随借随还|按日计息|按天计息|日计息"),
]
_OVERDUE = re.compile(rf"(?:逾期|晚还|延迟还款|迟还|拖欠|超期)\s*了?\s*({_COUNT})\s*(?:天|日)")
_OVERDUE_WORDS = re.compile(r"逾期|罚息|滞纳金|晚还|迟还|罚金|罚多少")
_EARLY_WORDS = re.compile(r"提前还款|提前还清|提前结清|提前还|提前清贷|违约金|提前偿还")
_TERM_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 「3个月零10天」: counted in days, months as 30 days (the costs module's convention); the reply shows
    # the total (「100天」), so the reading is visible
    ("months_days", re.compile(rf"({_COUNT})\s*个月\s*(?:零|又|加)?\s*({_COUNT})\s*(?:天|日)(?!利|息|费)")),
    ("half_year", re.compile(r"半年")),
    ("year_half", re.compile(rf"({_COUNT})\s*年半")),
    ("months", re.compile(rf"(-?{_COUNT})\s*(?:期|个月|月期|月)(?!利|息|费|供)")),
    ("years", re.compile(rf"(-?{_COUNT})\s*(?:年期|年)(?!化|利|息)")),
    ("weeks", re.compile(rf"(-?{_COUNT})\s*(?:周|个星期|星期)")),
    ("days", re.compile(rf"(-?{_COUNT})\s*(?:天|日)(?!利|息|费)")),
]
_AMOUNT_PATTERNS = [
    # ¥8,000 / ￥8000
    re.compile(r"(-)?¥\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"),
    # 1.5万 / 2w / 5千 / 5k / 1万5
    re.compile(r"(-|负)?(\d+(?:\.\d+)?)\s*(万|w|W|千|k|K)(\d)?(?![A-Za-z])"),
    # 10000元 / 8,000元
    re.compile(r"(-|负)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*元"),
    # 一万 / 两万五 / 五千元 / 三千五
    re.compile(r"(负)?([零〇一二两三四五六七八九十百千]*[万千百][零〇一二两三四五六七八九十百千]*)\s*元?"),
    # a bare number after 借/贷/本金/金额
    re.compile(
        r"(?:借|贷|本金|金额|借款|贷款|欠)\s*了?\s*(-|负)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    ),
]
_MULTIPLIER = {"万": 10_000, "w": 10_000, "W": 10_000, "千": 1000, "k": 1000, "K": 1000}


#: id(kb) -> (kb, its aliases). Built once per knowledge base: rebuilding (with an OpenCC conversion per
#: alias) on every call was a third of an engine turn. Holding ``kb`` keeps its id from being reused.
def products_named(kb: KnowledgeBase | None, text: str) -> list[str]:
    """Product ids named in ``text`` (raw or folded), in order of first mention, each once.

    Only for callers with no message reader (the command line, tests): the dialogue passes the reader's
    product mentions to :func:`parse` instead.
    """
    if kb is None:
        return []
    return [m.product for m in _mentions(kb, fold(text))]


def _mentions(kb: KnowledgeBase, folded: str) -> list[Mention]:
    return list({m.product: m for m in reversed(_finder(kb).find(folded))}.values())[::-1]


_FINDERS: dict[int, tuple[KnowledgeBase, ProductFinder]] = {}


def _finder(kb: KnowledgeBase) -> ProductFinder:
    """The product recogniser over ``kb`` and the lexicon (the matcher's, built here when there is none)."""
    cached = _FINDERS.get(id(kb))
    if cached is None or cached[0] is not kb:
        from knowledge.understanding.lexicon import load_lexicon

        aliases: dict[str, list[str]] = {p.id: [p.id, p.name, *p.aliases] for p in kb.products.values()}
        for product_id, extra in load_lexicon().product_aliases.items():
            aliases.setdefault(product_id, []).extend(extra)
        cached = _FINDERS[id(kb)] = (kb, ProductFinder(aliases, fold))
    return cached[1]


def _cut(text: str, match: re.Match[str]) -> str:
    # replace the matched span with a separator so neighbours do not join into a new number
    return text[: match.start()] + " ; " + text[match.end() :]


def _take_price(text: str) -> tuple[Price | None, bool, str]:
    wan = _WAN_RATE.search(text)
    if wan:
        raw = wan.group(1) or wan.group(2)
        value = _number(raw)
        if value is not None:
            return Price("daily", value / 100), False, _cut(text, wan)
    folk = _FEN_LI.search(text)
    if folk:
        value = _number(folk.group(2))
        if value is not None:
            kind: PriceKind = "monthly" if folk.group(1).startswith("月") else "annual"
            unit = _FEN_LI_PERCENT[(kind, folk.group(3))]
            # a digit after 分 counts in 厘: 「1分5」 is 1.5 分
            tail = _number(folk.group(4)) if folk.group(4) and folk.group(3) == "分" else None
            extra = tail / 10 if tail is not None else 0.0
            return Price(kind, (value + extra) * unit), False, _cut(text, folk)
    for kind, words in _PRICE_WORDS:
        match = re.search(rf"(?:{words})\s*(?:是|为|:|约|大概|在)?\s*{_PCT}", text)
        if match:
            return Price(kind, float(match.group(1))), False, _cut(text, match)
    for kind, suffix in _PRICE_SUFFIX:
        match = re.search(rf"{_PCT}(?:{suffix})", text)
        if match:
            return Price(kind, float(match.group(1))), False, _cut(text, match)
    match = re.search(_PCT, text)
    if match:
        value = float(match.group(1))
        # no 日/月/年 word: guess from the size, and let the reply say what it assumed
        guess: PriceKind = "daily" if value < 0.3 else "monthly" if value < 3 else "annual"
        return Price(guess, value), True, _cut(text, match)
    return None, False, text


def _take_term(text: str) -> tuple[int | None, int | None, str]:
    for name, pattern in _TERM_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        if name == "half_year":
            return 6, None, _cut(text, match)
        if name == "months_days":
            months, days = _number(match.group(1)), _number(match.group(2))
            if months is None or days is None:
                continue
            return None, int(months * DAYS_PER_MONTH + days), _cut(text, match)
        value = _number(match.group(1))
        if value is None:
            continue
        if name == "year_half":
            return int(value * 12 + 6), None, _cut(text, match)
        if name == "months":
            return int(value), None, _cut(text, match)
        if name == "years":
            return int(value * 12), None, _cut(text, match)
        if name == "weeks":
            return None, int(value * 7), _cut(text, match)
        return None, int(value), _cut(text, match)
    return None, None, text


def _take_amount(text: str) -> float | None:
    for index, pattern in enumerate(_AMOUNT_PATTERNS):
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groups()
        negative = bool(groups[0])
        if index == 0:
            value = _number(groups[1])
        elif index == 1:
            base = float(groups[1]) * _MULTIPLIER[groups[2]]
            # 1万5 = 15 000: a trailing digit counts in the unit below
            extra = int(groups[3]) * _MULTIPLIER[groups[2]] / 10 if groups[3] else 0
            value = base + extra
        else:
            value = _number(groups[1])
        if value is None:
            continue
        return -value if negative else value
    return None


def parse(
    text: str, kb: KnowledgeBase | None = None, *, mentions: list[Mention] | None = None
) -> CalcRequest:
    """Read a cost, penalty or early-repayment question.

    Args:
        text: what the user typed, Simplified or Traditional; or, with ``mentions``, the message as the
            reader folded it.
        kb: the knowledge base, for product names when no ``mentions`` are given.
        mentions: the products named in the folded ``text`` (the reader's one recogniser); when given,
            ``text`` is taken as folded and is not normalised again.
    """
    work = text
    if mentions is None:
        work = fold(text)
        mentions = _mentions(kb, work) if kb is not None else []
    product = mentions[0].product if mentions else None
    for mention in sorted(mentions, key=lambda m: m.start, reverse=True):
        # a product's name is not a figure: 「WE2000」 is not an amount of 2000
        work = work[: mention.start] + " ; " + work[mention.end :]
    work = _symbols(work)
    price, guessed, work = _take_price(work)
    daily_yuan = None if price is not None else _DAILY_YUAN.search(work)
    if daily_yuan is not None:
        # taken out before the term, which would read 「一天」 as a one-day loan
        work = _cut(work, daily_yuan)
    overdue_days = None
    overdue = _OVERDUE.search(work)
    if overdue:
        overdue_days = _number(overdue.group(1))
        work = _cut(work, overdue)
    intent: Intent = "cost"
    if overdue is not None or _OVERDUE_WORDS.search(work):
        intent = "penalty"
    elif _EARLY_WORDS.search(work):
        intent = "early"
    method: Method | None = None
    for name, pattern in _METHODS:
        match = re.search(pattern, work)
        if match:
            method = name
            work = _cut(work, match)
            break
    months, days, work = _take_term(work)
    amount = _take_amount(work)
    if daily_yuan is not None and amount:
        price = Price("daily", float(daily_yuan.group(1)) / abs(amount) * 100)
    return CalcRequest(
        intent=intent,
        amount=amount,
        term_months=months,
        term_days=days,
        method=method,
        price=price,
        price_guessed=guessed,
        product=product,
        overdue_days=int(overdue_days) if overdue_days is not None else None,
    )


_CALC_CUES = re.compile(
    r"利息|还多少|要还|总共还|一共还|月供|每月还|每期还|多少钱|成本|划算|计算|算一下|算算|IRR|年化"
)


def looks_like_calculation(
    text: str, kb: KnowledgeBase | None = None, *, mentions: list[Mention] | None = None
) -> bool:
    """Whether free text is a cost, penalty or early-repayment calculation rather than a general question.

    True when it names an amount and at least one of a term, a price or a cue such as 利息/要还多少/罚息.
    ``text`` and ``mentions`` are as for :func:`parse`.
    """
    request = parse(text, kb, mentions=mentions)
    if request.amount is None:
        return False
    return (
        request.term_months is not None
        or request.term_days is not None
        or request.price is not None
        or request.overdue_days is not None
        or bool(_CALC_CUES.search(text if mentions is not None else fold(text)))
        or request.intent != "cost"
    )
