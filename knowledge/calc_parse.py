"""Reading a cost question typed in Chinese: 「借1万分12期，日利率0.05%，要还多少」 → a :class:`CalcRequest`.

Every way people state a loan's cost is read from the message's figures and the words around them:
amounts (1万, 一万二, 2w5, 8k, 3000块), terms (30天, 三个月, 分24期, 一年半, 三个月零十天, 两周), rates in
any quote (日息万五, 日息5厘, 月息1分5, 年化18, 千分之一, 月费率0.8, 「一天4块」, 「每万元每天5元」,
「一个月利息80」), and, instead of a rate, the sums a lender quoted (每期还1050, 总共还13000, 利息300,
到手9500, 先扣了2000服务费), which :mod:`knowledge.cost_answer` solves for the rate. Figures are taken
out in that order — products, fees in percent, rates, sums with their role words, overdue days, method,
term, and last the amount — so that one figure is never read twice. Corrections in words (「不对 是一万」
「不是80 是180」「到手是9000」) are read by :mod:`knowledge.calc_follow_up`.

With the reader's product mentions the text is taken as already folded (issue 15: each message is
normalised once); without them (the command line, tests) it is folded here.
"""

from __future__ import annotations

import re

from knowledge.base import KnowledgeBase
from knowledge.calc_request import CalcRequest, Intent, Missing
from knowledge.costs import DAYS_PER_MONTH, Method, Price, PriceKind
from knowledge.numerals import read_numeral
from knowledge.understanding.answers import lower_end
from knowledge.understanding.normalize import fold
from knowledge.understanding.products import Mention, ProductFinder

__all__ = [
    "CalcRequest",
    "Missing",
    "cn_number",
    "looks_like_calculation",
    "normalise",
    "parse",
    "products_named",
]

_CN = "零〇一二两三四五六七八九十百千万"
#: a figure, starting only where a run of digits starts: a pattern may never begin inside a run, which
#: keeps every search linear on a hostile message of thousands of digits (it was quadratic)
_NUM = r"(?<![\d.])\d+(?:\.\d+)?"
_DIGIT_FLOOD = re.compile(r"\d{13,}")
#: counts of periods or days are 1–99 in Chinese numerals, so 「一万一年」 reads as 一万 + 一年 and
#: 「两万五一年」 as 两万五 + 一年
_COUNT = rf"(?:{_NUM}|[一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九])"
#: a sum of money: 8000, 8,000, 1.5万, 2w5, 9千, 一万二, 两百五 (Chinese numerals: two characters or more)
_MONEY = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[万w千k]\d?(?!\d))?|[零〇一二两三四五六七八九十百千万]{2,}"
#: what may follow a sum of money and not make it something else (a count of periods, a percentage …)
_NOT_MONEY_AFTER = (
    r"(?![\d.])(?!\s*(?:期|个月|月(?![供费息利])|天|日(?![息利])|年(?![化息利])|周|%|本金(?!平摊)|万|千))"
)

# --- text normalisation ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Simplified characters, half-width digits and symbols (¥, %, ,), no spaces around numbers."""
    return uniform_symbols(fold(text))


#: slips of the keyboard seen in cost questions (pinyin input picks the wrong character of the sound)
_TYPOS = {
    "利西": "利息",
    "日西": "日息",
    "月西": "月息",
    "年西": "年息",
    "年华": "年化",
    "化算": "划算",
    "高力贷": "高利贷",
    "利律": "利率",
}
_CN_DIGITS = "零〇一二两三四五六七八九十"
#: 「2点5」「一点五」「三十六点五」: a decimal point in words
_POINT = re.compile(rf"(\d+|[{_CN_DIGITS}]+)点(\d+|[{_CN_DIGITS[:-1]}]+)")
#: 「7块5」 is 7.5 yuan
_YUAN_JIAO = re.compile(r"(\d+)元(\d)(?!\d)")


def uniform_symbols(folded: str) -> str:
    """Folded text (:func:`~knowledge.understanding.normalize.fold`) with the calculator's spellings of
    money and percentages made uniform: 块 → 元, 「百分之十八」 → 18%, 「2点5」 → 2.5, common typos mended."""
    for wrong, right in _TYPOS.items():
        folded = folded.replace(wrong, right)
    folded = folded.replace("￥", "¥").replace("块钱", "元").replace("块", "元")
    folded = _YUAN_JIAO.sub(r"\1.\2元", folded)
    folded = lower_end(folded)  # 「借五六千」 is 5000, the cautious reading, shown back in the reply
    folded = folded.replace("十几", "十").replace("半个月", "15天")  # 「十几天」: at least ten
    folded = _OVERDUE_MONTHS.sub(_overdue_in_days, folded)
    folded = _POINT.sub(_as_decimal, folded)
    folded = _RATE_IN_WORDS.sub(_rate_in_digits, folded)
    return _PER_CENT.sub(_as_percent, folded)


#: a rate written in words after its name: 「年化十八」「月费率一」 (not 「年息一分」, read as a folk rate)
_RATE_IN_WORDS = re.compile(
    r"(年化利率|年化|年利率|月利率|月费率|费率)\s*(是|为|约|大概|在)?\s*([一二两三四五六七八九十]+)"
    r"(?![零〇一二两三四五六七八九十百千万元期个天月年分厘])"
)


def _rate_in_digits(match: re.Match[str]) -> str:
    value = cn_number(match.group(3))
    if value is None:
        return match.group(0)
    return f"{match.group(1)}{match.group(2) or ''}{value:g}"


#: 「逾期两个月」: an overdue counted in days (30 a month, the costs module's convention), not a term
_OVERDUE_MONTHS = re.compile(
    r"(逾期|晚还|迟还|拖欠|超期)(\s*了?\s*)([0-9]+|[一二两三四五六七八九十]+)\s*个多?月"
)


def _overdue_in_days(match: re.Match[str]) -> str:
    months = _number(match.group(3))
    if months is None:
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{int(months * DAYS_PER_MONTH)}天"


def _as_decimal(match: re.Match[str]) -> str:
    whole, tenths = _number(match.group(1)), match.group(2)
    if whole is None:
        return match.group(0)
    digits = "".join(str(int(cn_number(ch) or 0)) if not ch.isdigit() else ch for ch in tenths)
    return f"{int(whole)}.{digits}"


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


def money(token: str) -> float | None:
    """The value of a sum as typed: 8000, 8,000, 1.5万, 2w5 (25 000), 9千, 一万二, 两百五."""
    token = token.replace(",", "").replace(" ", "").replace("w", "万").replace("k", "千")
    if not token:
        return None
    if token.replace(".", "").isdigit():
        return float(token)
    return read_numeral(token)


# --- extraction ----------------------------------------------------------------------------------------

_PCT = rf"(-?{_NUM})\s*%"
_PRICE_WORDS: list[tuple[PriceKind, str]] = [
    (
        "monthly_fee",
        r"月费率|月手续费率?|手续费每月按本金|手续费每月|每月手续费率?|分期费率|月服务费率?|费率|手续费率",
    ),
    ("daily", r"日利率|日息|日利|日费率|日化|每天利息|每日利率|按日利率|天利率|每天|每日|一天"),
    ("monthly", r"月利率|月息|月利|每月利率"),
    ("annual", r"年化利率|年化|年利率|年息|年利|apr|irr"),
]
#: a price word followed by a figure with no % sign: 「年化18」「日利率0.04」「月费率0.6」
_BARE_AFTER = r"(?:是|为|:|约|大概|在|才|只有)?\s*(\d+(?:\.\d+)?)(?![\d.])(?!\s*[%万千元wk])"
_PRICE_SUFFIX: list[tuple[PriceKind, str]] = [
    ("daily", r"\s*(?:/|每)\s*(?:天|日)|一天|每天"),
    ("monthly", r"\s*(?:/|每)\s*月|每个月"),
    ("annual", r"\s*(?:/|每)\s*年|一年"),
]
_WAN_RATE = re.compile(
    r"(?:日息|日利率|日利|每天|一天|每日)?\s*(?:的)?\s*(?:利息|息)?\s*万分之\s*([\d.]+|[一二两三四五六七八九])"
    r"|(?<![\d零〇一二两三四五六七八九十百千.万])(?:日息|日利率|日利|每天|一天|每日)?\s*万\s*(\d+(?:\.\d+)?|[一二两三四五六七八九])"
    r"(?![\d万千元])"
)
#: Folk rates: 「月息1分」 is 1% a month, 「月息8厘」 0.8%, 「月息1分5」 1.5%; a year's 分 is ten times as
#: much (「年息1分」 is 10%), a day's a tenth (「日息5厘」 is 0.05%).
_FEN_LI = re.compile(
    rf"(月息|月利率|月利|年息|年利率|年利|日息|日利率|日利)\s*(?:是|为|约|大概)?\s*({_COUNT})\s*(分|厘)"
    r"([\d一二两三四五六七八九])?"
)
_FEN_LI_PERCENT = {
    ("monthly", "分"): 1.0,
    ("monthly", "厘"): 0.1,
    ("annual", "分"): 10.0,
    ("annual", "厘"): 1.0,
    ("daily", "分"): 0.1,
    ("daily", "厘"): 0.01,
}
_FOLK_KIND: dict[str, PriceKind] = {"月": "monthly", "年": "annual", "日": "daily"}
#: 「扣了10%手续费」: a fee in percent of the amount, taken before the rate can claim its % sign
_FEE_PCT = re.compile(
    rf"(?:先扣了?|扣了?|预扣了?|砍头息?)\s*{_PCT}\s*(?:的)?\s*(?:服务费|手续费|会员费|保险费|管理费|砍头息)?"
)
#: 「每万元每天5元」: yuan a day per 10 000 lent is a daily rate in basis points
_PER_10K = re.compile(rf"每万元?\s*(?:每天|一天|每日)\s*(?:利息)?\s*(?:是|要)?\s*({_NUM})\s*元?")
#: the sums of a quote, each with the words that say what it is (order matters: the most specific first)
_SUMS: list[tuple[str, re.Pattern[str]]] = [
    (
        "fee_month",
        re.compile(
            rf"(?:每期|每月|每个月)\s*(?:的)?\s*(?:手续费|服务费|管理费)\s*(?:是|要)?\s*({_MONEY})\s*元?"
            rf"{_NOT_MONEY_AFTER}"
        ),
    ),
    (
        "interest_month",
        re.compile(
            rf"(?:一个月|每个月|每月|月)\s*(?:还|付)?\s*(?:的)?\s*利息\s*(?:是|要|就|才|大概|约)?\s*({_MONEY})\s*元?{_NOT_MONEY_AFTER}"
        ),
    ),
    (
        "per_day_yuan",
        re.compile(
            rf"(?:一天|每天|每日|日)\s*(?:的)?\s*(?:利息|息)?\s*(?:是|要|就|才|大概|约)?\s*({_NUM})\s*元?\s*(?:利息)?(?![\d%万千期个天日月年])"
            rf"|利息\s*(?:一天|每天|每日)\s*({_NUM})\s*元?"
        ),
    ),
    (
        "received",
        re.compile(
            rf"(?:实际|只|才)?(?:到手|到账|拿到|收到)\s*(?:的|了)?\s*(?:只有|才|是|了)?\s*({_MONEY})\s*元?{_NOT_MONEY_AFTER}"
        ),
    ),
    (
        "fee_upfront",
        re.compile(
            rf"(?:先扣了?|扣了?|预扣了?|砍头息?|先收了?|放款时扣了?)\s*({_MONEY})\s*元?{_NOT_MONEY_AFTER}"
            r"\s*(?:的)?\s*(?:服务费|手续费|会员费|保险费|管理费|砍头息)?"
        ),
    ),
    (
        "installment",
        re.compile(
            rf"(?:每期|每个月|每月|月供|一期)\s*(?:要|得|需要)?\s*还?\s*(?:款)?\s*({_MONEY})\s*元?{_NOT_MONEY_AFTER}"
        ),
    ),
    (
        "interest_total",
        # 「手续费300」 with no 每期 and no 先扣: what the loan costs besides the principal, like its interest
        re.compile(
            rf"(?:总利息|利息一共|利息总共|一共利息|利息|手续费|服务费|管理费)(?:是|要|一共|总共|就|才|收)?"
            rf"({_MONEY})\s*元?{_NOT_MONEY_AFTER}"
        ),
    ),
    (
        "total_repaid",
        re.compile(rf"(?:总共|一共|共|总计)?\s*(?:要|得|需要)?\s*还了?\s*({_MONEY})\s*元?{_NOT_MONEY_AFTER}"),
    ),
]
#: one repayment at the end of the term (「到期一次还」「随借随还」)
_BULLET = (
    r"到期一次还本付息|到期还本付息|到期一次还清?|到期一起还|一次还清|一次性还|一次还|到期还(?!本)|"
    r"随借随还|按日计息|按天计息|日计息|一起还"
)
_METHODS: list[tuple[Method, str]] = [
    ("equal_installment", r"等额本息"),
    ("equal_principal", r"等额本金|本金平摊"),
    ("interest_first", r"先息后本|按月付息[,，]?到期还本"),
    ("daily", _BULLET),
]
#: 「到期还本」 is 先息后本 when interest is paid monthly, else one repayment at the end
_REPAY_PRINCIPAL = re.compile(r"到期还本")
_MONTHLY_INTEREST = re.compile(r"每月(?:还|付)?利息|每个月(?:还|付)?利息|按月付息")
#: instalments paid before settling: 「已经还了6期」「已还6个月」, or the month it is settled in (「第6个月」)
_PAID = re.compile(
    rf"(?:已经|已)?(?:还了|已还|还过)\s*({_COUNT})\s*(?:期|个月)|第\s*({_COUNT})\s*(?:期|个月)"
)
#: the time an early settlement comes at: 「半年后一次还清」「3个月以后还完」 (instalments paid until then)
_SETTLE_AFTER = re.compile(
    rf"(?:过|用)?了?\s*(?:({_COUNT})\s*(?:期|个月)|(半年|一年))\s*(?:后|以后|之后|的时候)"
)
_HALF_OR_WHOLE_YEAR = {"半年": 6, "一年": 12}
#: paying off what is left (after instalments paid): settling early
_SETTLE = re.compile(r"(?:提前|一次性?|全部|都)?(?:还清|结清|还完|还掉)|一次性?还")
_OVERDUE = re.compile(
    rf"(?:逾期|晚还|延迟还款|迟还|拖欠|超期|晚|拖|迟|超)\s*了?\s*({_COUNT})\s*(?:天|日)(?!\s*(?:内|以内|之内))"
)
_OVERDUE_WORDS = re.compile(r"逾期|罚息|滞纳金|晚还|迟还|罚金|罚多少")
_EARLY_WORDS = re.compile(r"(?<!不)(?:提前还款|提前还清|提前结清|提前还|提前清贷|提前偿还)|违约金")
#: 「哪个最便宜」「借哪个划算」「哪家利息最低」「微粒贷还是借呗划算」「都算一下」
_CHEAPEST = re.compile(
    r"(?:哪个|哪家|哪一个|哪一家|谁)(?:平台|产品)?\s*(?:最|更|比较)?\s*(?:便宜|划算|省钱|省|实惠)"
    r"|(?:哪个|哪家|哪一个|谁)(?:平台|产品)?\s*(?:的)?\s*利息\s*(?:最|更)?\s*(?:低|少)"
    r"|借哪个\s*(?:最|更)?\s*(?:便宜|划算)|还是.{0,8}(?:划算|便宜|省钱)|都算一下|全都算|每个都算"
)
#: asking for a sum of money, not only whether the price is high
_MONEY_ASKED = re.compile(
    r"利息多少|多少利息|多少钱|还多少|要多少|每期多少|每月多少|月供多少|总利息|利息一共|一共多少|总共多少|"
    r"利息总共|几块|多少元|总共利息|一共利息|利息$"
)
#: asking whether the price is high or lawful, or for the true rate
_JUDGED = re.compile(
    r"贵|高吗|高不高|高利贷|合法|划算|便宜|高了|超没超|超过|年化多少|年化是|真实年化|实际年化|真实利率|实际多少|"
    r"利率多少|算下年化|年化到底|利息高|算高|年化$|多少年化"
)
#: 「一个月利息80」 gives the term as well as the price
_ONE_MONTH = re.compile(r"一个月\s*(?:的)?\s*利息")
_PERIOD_WORDS = re.compile(
    r"分\s*\d+\s*期|分[一二两三四五六七八九十]+期|\d+\s*期|[一二两三四五六七八九十]+期|每期|月供|每个?月还"
)
_TERM_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 「3个月零10天」: counted in days, months as 30 days (the costs module's convention); the reply shows
    # the total (「100天」), so the reading is visible
    ("months_days", re.compile(rf"({_COUNT})\s*个月\s*(?:零|又|加)?\s*({_COUNT})\s*(?:天|日)(?!利|息|费)")),
    ("half_year", re.compile(r"半年")),
    ("year_half", re.compile(rf"({_COUNT})\s*年半")),
    ("months", re.compile(rf"(-?{_COUNT})\s*(?:期|个月|月期|月)(?!利|息|费|供)")),
    ("years", re.compile(rf"(-?{_COUNT})\s*(?:年期|年)(?!化|利|息)")),
    ("weeks", re.compile(rf"(-?{_COUNT})\s*(?:周|个星期|星期)")),
    ("days", re.compile(rf"(-?{_COUNT})\s*(?:天|日)(?!利率|息|费)")),
]
_AMOUNT_PATTERNS = [
    # ¥8,000 / ￥8000
    re.compile(r"(-)?¥\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"),
    # 1.5万 / 2w / 5千 / 5k / 1万5
    re.compile(r"(-|负)?(\d+(?:\.\d+)?)\s*(万|w|千|k)(\d)?(?![a-z])"),
    # 10000元 / 8,000元
    re.compile(r"(-|负)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*元"),
    # 一万 / 两万五 / 五千元 / 三千五
    re.compile(r"(负)?([零〇一二两三四五六七八九十百千]*[万千百][零〇一二两三四五六七八九十百千]*)\s*元?"),
    # a bare number after 借/贷/本金/金额
    re.compile(
        r"(?:借|贷|本金|金额|借款|贷款|欠)\s*(?:了|的|的是)?\s*(-|负)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    ),
]
_MULTIPLIER = {"万": 10_000, "w": 10_000, "千": 1000, "k": 1000}


def products_named(kb: KnowledgeBase | None, text: str) -> list[str]:
    """Product ids named in ``text`` (raw or folded), in order of first mention, each once.

    Only for callers with no message reader (the command line, tests): the dialogue passes the reader's
    product mentions to :func:`parse` instead.
    """
    if kb is None:
        return []
    return [m.product for m in _mentions(kb, fold(text))]


def _mentions(kb: KnowledgeBase, folded: str) -> list[Mention]:
    return list({m.product: m for m in reversed(product_finder(kb).find(folded))}.values())[::-1]


#: id(kb) -> (kb, its product recogniser). Built once per knowledge base: rebuilding (with an OpenCC
#: conversion per alias) on every call was a third of an engine turn. Holding ``kb`` keeps its id from
#: being reused.
_FINDERS: dict[int, tuple[KnowledgeBase, ProductFinder]] = {}


def product_finder(kb: KnowledgeBase) -> ProductFinder:
    """The product recogniser over ``kb`` and the lexicon (the matcher's, built here when there is none)."""
    cached = _FINDERS.get(id(kb))
    if cached is None or cached[0] is not kb:
        from knowledge.understanding.lexicon import load_lexicon

        aliases: dict[str, list[str]] = {p.id: [p.id, p.name, *p.aliases] for p in kb.products.values()}
        for product_id, extra in load_lexicon().product_aliases.items():
            aliases.setdefault(product_id, []).extend(extra)
        cached = _FINDERS[id(kb)] = (kb, ProductFinder(aliases, fold))
    return cached[1]


def _cut_settling(work: str) -> tuple[bool, str]:
    """Whether ``work`` says the loan is settled, and ``work`` without those words: 「一次还清」 after the
    instalments paid settles early; it is no repayment method."""
    settle = _SETTLE.search(work)
    return (True, _cut(work, settle)) if settle is not None else (False, work)


def _cut(text: str, match: re.Match[str]) -> str:
    # replace the matched span with a separator so neighbours do not join into a new number
    return text[: match.start()] + " ; " + text[match.end() :]


def _take_price(text: str) -> tuple[Price | None, bool, str]:
    wan = _WAN_RATE.search(text)
    if wan:
        value = _number(wan.group(1) or wan.group(2))
        if value is not None:
            return Price("daily", value / 100), False, _cut(text, wan)
    folk = _FEN_LI.search(text)
    if folk:
        value = _number(folk.group(2))
        if value is not None:
            kind = _FOLK_KIND[folk.group(1)[0]]
            unit = _FEN_LI_PERCENT[(kind, folk.group(3))]
            # a digit after 分 counts in 厘: 「1分5」 is 1.5 分
            tail = _number(folk.group(4)) if folk.group(4) and folk.group(3) == "分" else None
            extra = tail / 10 if tail is not None else 0.0
            return Price(kind, (value + extra) * unit), False, _cut(text, folk)
    for kind, words in _PRICE_WORDS:
        match = re.search(rf"(?:{words})\s*(?:是|为|:|约|大概|在)?\s*{_PCT}", text)
        if match:
            return Price(kind, float(match.group(1))), False, _cut(text, match)
    for kind, words in _PRICE_WORDS:
        if kind == "daily":
            words = words.replace("|每天|每日|一天", "")  # 「一天4块」 is yuan, read with the sums
        match = re.search(rf"(?:{words})\s*{_BARE_AFTER}", text)
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


def _take_sums(work: str) -> tuple[dict[str, float], str]:
    """The sums of money a quote states, by role (installment, received …), taken out of ``work``."""
    found: dict[str, float] = {}
    for role, pattern in _SUMS:
        match = pattern.search(work)
        if match is None:
            continue
        token = next(g for g in match.groups() if g)
        value = money(token)
        if value is None:
            continue
        found[role] = value
        work = _cut(work, match)
    return found, work


def parse(
    text: str, kb: KnowledgeBase | None = None, *, mentions: list[Mention] | None = None
) -> CalcRequest:
    """Read a cost, penalty, early-repayment or 「哪个最便宜」 question.

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
    named = list(dict.fromkeys(m.product for m in mentions))
    for mention in sorted(mentions, key=lambda m: m.start, reverse=True):
        # a product's name is not a figure: 「WE2000」 is not an amount of 2000
        work = work[: mention.start] + " ; " + work[mention.end :]
    # no loan figure has more than a dozen digits; a longer run is noise, and cut out before any pattern
    # is tried, so that no search can go quadratic on it
    work = _DIGIT_FLOOD.sub(" ; ", uniform_symbols(work))
    words = work  # the words, before figures are cut out, for the cues
    fee_pct = None
    fee_match = _FEE_PCT.search(work)
    if fee_match:
        fee_pct = float(fee_match.group(1))
        work = _cut(work, fee_match)
    price, guessed = None, False
    per_10k = _PER_10K.search(work)
    if per_10k:
        price = Price("daily", float(per_10k.group(1)) / 100)
        work = _cut(work, per_10k)
    else:
        price, guessed, work = _take_price(work)
    paid_periods, settles = None, False
    paid = _PAID.search(work)
    if paid:
        count = _number(paid.group(1) or paid.group(2))
        if count is not None and count >= 1:
            # 「已经还了6期」: six paid; 「第6个月还清」: five paid, the sixth settles it
            paid_periods = int(count) - (1 if paid.group(2) else 0)
            settles, work = _cut_settling(_cut(work, paid))
    after = _SETTLE_AFTER.search(work) if paid is None else None
    if after is not None and _SETTLE.search(work[after.end() :]):
        # 「要是半年后我想一次还清呢」: six instalments paid, then what is left settled
        count = _number(after.group(1)) if after.group(1) else _HALF_OR_WHOLE_YEAR[after.group(2)]
        if count is not None and count >= 1:
            paid_periods = int(count)
            settles, work = _cut_settling(_cut(work, after))
    sums, work = _take_sums(work)
    overdue_days = None
    overdue = _OVERDUE.search(work)
    if overdue:
        overdue_days = _number(overdue.group(1))
        work = _cut(work, overdue)
    intent: Intent = "cost"
    if overdue is not None or _OVERDUE_WORDS.search(work):
        intent = "penalty"
    elif _EARLY_WORDS.search(work) or settles:
        intent = "early"
    elif _CHEAPEST.search(words):
        intent = "cheapest"
    method: Method | None = None
    for name, pattern in _METHODS:
        match = re.search(pattern, work)
        if match:
            method = name
            work = _cut(work, match)
            break
    if method is None and _REPAY_PRINCIPAL.search(work):
        method = "interest_first" if _MONTHLY_INTEREST.search(words) else "daily"
    by_periods = bool(_PERIOD_WORDS.search(words)) or "installment" in sums or "fee_month" in sums
    months, days, work = _take_term(work)
    if months is None and days is None and "interest_month" in sums and _ONE_MONTH.search(words):
        months = 1  # 「一个月利息80」 says the term too, when nothing else does
    amount = _take_amount(work)
    received = sums.get("received")
    if amount is None and received is not None:
        # 「到手9500 要还一万」: the loan is what is owed; without that, what arrived plus the fee
        fee = sums.get("fee_upfront")
        amount = sums.get("total_repaid") if fee is None else received + fee
    return CalcRequest(
        intent=intent,
        amount=amount,
        term_months=months,
        term_days=days,
        by_periods=by_periods,
        method=method,
        price=price,
        price_guessed=guessed,
        product=named[0] if named else None,
        products=",".join(named) or None,
        overdue_days=int(overdue_days) if overdue_days is not None else None,
        fee_upfront_pct=fee_pct,
        paid_periods=paid_periods or None,
        wants_money=bool(_MONEY_ASKED.search(words)),
        judges=bool(_JUDGED.search(words)),
        **sums,
    )


#: the sums of money a request may hold besides the amount
_SUM_FIELDS = (
    "installment",
    "total_repaid",
    "interest_total",
    "interest_month",
    "per_day_yuan",
    "fee_month",
    "received",
    "fee_upfront",
)
_CALC_CUES = re.compile(
    r"利息|还多少|要还|总共还|一共还|月供|每月还|每期还|多少钱|成本|划算|计算|算一下|算算|irr|年化"
)


def looks_like_calculation(
    text: str,
    kb: KnowledgeBase | None = None,
    *,
    mentions: list[Mention] | None = None,
    request: CalcRequest | None = None,
) -> bool:
    """Whether free text is a cost, penalty or early-repayment calculation rather than a general question.

    True when it names an amount and at least one of a term, a price, a sum quoted or a cue such as
    利息/要还多少/罚息/哪个最便宜. ``text`` and ``mentions`` are as for :func:`parse`.
    """
    request = request or parse(text, kb, mentions=mentions)
    if request.amount is None:
        return False
    return (
        request.has_term()
        or request.price is not None
        or request.overdue_days is not None
        or any(getattr(request, name) is not None for name in _SUM_FIELDS)
        or bool(_CALC_CUES.search(text if mentions is not None else fold(text)))
        or request.intent != "cost"
    )
