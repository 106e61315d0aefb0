"""The cost figures of a received message, solved into the true annual rate.

Messages state a loan in a handful of ways: 「借10000元到手8000元，分12期每期还1200元」, 「借款20,000.00元，
分12期，每期应还1,833.60元」, 「借2000元到手1400元，30天后还2000元」, 「先交3000的风险保证金，相当于实际到手
17000」. This module reads the amount, the fee taken before the loan arrives, the money received, the
instalment, the number of periods, a total repaid and a term, then lets :mod:`knowledge.solve` find the
IRR年化. A message that states the money owed at the end but no term (「到期应还本息2,030.00元」) is taken
as one month, and the result says so (``assumed_term``).

A fee charged with every instalment (「每期…手续费60.00元」) is part of the instalment, not money taken
up front, and is not counted twice.

The layouts vary: the amount after any word for the loan (借款本金, 合同金额, 您借的, 额度) or right before
its periods (「5万分24期」), the money received before or after it, forms of 「name：value」 fields
separated by spaces, and repayment plans written as rows (「第1期 … 应还1,030.00元」), solved as they are
even when the rows differ. Money asked for before the payout is not money lent, whether it is deducted
(服务费, 砍头息) or paid separately first (a 保证金 or any X费 / X金, a share of the loan 「10%的保证金」,
the first instalment 「放款前先交第一期月供」, 「三笔流水，每笔1000」): all of it together is the fee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.numerals import read_numeral
from knowledge.solve import Solved, SolveError, from_installments, from_payments, from_total

_CN = "零〇一二两三四五六七八九十百千"
# a number is read only from where a run of digits or numerals starts, and a run is at most 12 long: a
# hostile paste of 4,000 digits is read in linear time, not tried again from every position
_NUM = (
    rf"(?<![\d.,{_CN}])(?<!尾号)(?<!尾号为)(?<!尾号是)(?<!卡号)"  # 「到账尾号2210的卡」: a card, not a sum
    rf"(?P<n>\d{{1,3}}(?:,\d{{3}}){{1,4}}(?:\.\d{{1,2}})?|\d{{1,12}}(?:\.\d{{1,4}})?|[{_CN}]{{1,8}})(?!\d)"
    rf"(?:\s*(?P<u>万|千)(?P<r>\d(?![\d.])|[一二两三四五六七八九](?![{_CN}]))?)?"  # 「1万6」「两万五」
)
_COUNT = r"(?<![第/\d一二两三四五六七八九十])(?P<n>\d{1,4}|[一二两三四五六七八九十]{1,4})"

_AMOUNT = [
    # a sum after the word for the loan, in any order with the rest: 「借款本金5000元」「合同金额10000」
    # 「您借的80000元」「中银E贷30000.00元」「金额6000元」 (not 到账金额 or 还款金额: those are other sums)
    re.compile(
        rf"(?:(?:借款|贷款|合同|申请|审批|批款|授信|分期)(?:金额|本金|额度)|(?<![每期月还应])本金|借款|贷款?|"
        rf"(?<![还应])借(?:的|了)?|批了|批的|批款|申请的|(?<![账还款放际期月付转余])金额)[:：为是\s]*{_NUM}元?(?![\d%期个天])"
    ),
    re.compile(rf"{_NUM}元?的?(?:贷款|借款|额度)"),
    # 「你的5万已经审核通过」「30000元已放款」: a sum said to be approved or paid out
    re.compile(rf"(?:你|您)的\s*{_NUM}元?\s*(?:已经?|都)?(?:审核|审批|批)"),
    re.compile(rf"{_NUM}元?\s*(?:已经?)(?:放款|发放|到账|审核|审批|批|激活)"),
    re.compile(rf"{_NUM}元?\s*(?:已经?|都)?(?:下来了|批下来|批好了)"),
    # 「您的新一贷已放款50,000.00元至尾号3390账户」: a bank's notice of a loan paid out, the sum after it
    re.compile(rf"(?:已经?|成功)(?:放款|发放|借出)了?[:：\s]*{_NUM}元?(?![\d%期个天])"),
    # 「预审额度50000元」「额度12000元已锁定」: the limit offered is the loan when instalments follow
    re.compile(rf"额度[:：为是\s]*{_NUM}元?(?![\d%期个天])"),
    # 「5万分24期」: a sum right before its periods (not an instalment's: 每期600 分6期)
    re.compile(
        rf"(?<!每期)(?<!每月)(?<!月供)(?<!还)(?<![\d.]){_NUM}元?[，,\s]*(?:分|共)?\s*\d{{1,3}}\s*(?:期|个月)"
    ),
    # 「3000元到手」 with the fee asked for separately: the sum said to arrive is the loan
    re.compile(rf"{_NUM}元?\s*(?:到手|到账|秒到)"),
    re.compile(rf"放款金额[:：为是\s]*{_NUM}元?(?![\d%期个天])"),
    # 「您已获批消费贷名额80000元」「恭喜获得可借40000元」: a sum said to be granted
    re.compile(rf"(?:获得|获批|已获|批下|可借|可贷)[^，,。\d]{{0,10}}?{_NUM}元?(?![\d%期个天])"),
    # last: a sum that opens the message or a clause, 「1万元，一年12期，一期还1000」
    re.compile(rf"(?:^|(?<=[，,。；;！!\n]))\s*{_NUM}(?:(?<=[万千])元?|元)(?![\d%])"),
]
_INSTALMENT_TOTAL = re.compile(rf"(?:每期|每月)[^。]{{0,60}}?合计\s*{_NUM}元?")
# 「每期手续费36元，每期应还536元」: the fee charged each period is not the instalment;
# 「一个月还两千」 is one, 「3个月还5600」 a total after three months
_INSTALMENT = re.compile(
    rf"(?:每期|每月|每个月|月供|(?<![\d二两三四五六七八九十]个)月还款额?|(?<![\d二两三四五六七八九十]个)月还|(?<![先付交缴还第前首])一期)(?:(?!费|(?<!本)息)[^，,。\d]){{0,6}}?{_NUM}元?(?![\d%期个天])"
)
#: a row of a repayment plan: 「第3期 03-05 应还1,030.00元」; the row's last sum is what is paid
_PLAN_ROW = re.compile(r"第\s*(?P<k>\d{1,3})\s*期(?P<row>[^第\n；;。]{0,40})")
#: … or a table's line opened by the period's number: 「2 2025-02-10 1,763.33」
_NUMBERED_ROW = re.compile(r"(?m)^[ \t]*(?P<k>\d{1,3})(?:期)?[ \t|]+(?P<row>[^\n]{1,40})$")
#: an instalment told in parts: 「每期本金833.33元，每期利息75元」
_PART_PRINCIPAL = re.compile(rf"(?:每期|每月)(?:应还|还款)?本金[:：为\s]*{_NUM}")
_PART_CHARGE = re.compile(rf"(?:利息|手续费|服务费|息费|管理费)[:：为\s]*{_NUM}")
_ROW_MONEY = re.compile(
    r"(?<![\d.,/-])(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,7}(?:\.\d{1,2})?)(?![\d/-]|\s*[年月日号期])"
)
_PERIODS = re.compile(rf"{_COUNT}\s*期(?![限间])")
#: 「期数：24」, a form's field without the word 期 after the number
_PERIODS_FIELD = re.compile(rf"(?:期数|分期数|还款期数)[:：为是\s]*{_COUNT}(?!\d)")
_MONTHS = re.compile(rf"{_COUNT}\s*个月")
#: a term in years: 「年限3年」「期限1年」 (not a date's year, nor 年化)
_YEARS = re.compile(rf"(?:期限|年限|为期|分)[:：为是\s]*{_COUNT}\s*年(?![化利息度初底月内])")
_DAYS = re.compile(rf"{_COUNT}\s*天")
#: 「7天还3000」 is a total after a term in days or months (「每天还50」 is an instalment, not a total)
_AFTER_TERM = r"(?<=[\d一二两三四五六七八九十]天)还|(?<=[\d一二两三四五六七八九十]个月)还"
_TOTAL = re.compile(
    rf"(?:应还本息|共还|一共还|总共还|到期还|后还|合计还|{_AFTER_TERM})[^，,。\d]{{0,4}}{_NUM}元?(?![\d%])"
)
_FEE_WORDS = (
    r"保费|保证金|会员费?|服务费|手续费|渠道费|押金|工本费|保险费?|解冻金|解冻费|前期费用|公证费|砍头息"
    r"|个人所得税|所得税|个税|印花税|税费"
)
#: any other charge named X费 (审核费, 加急费 …), but not a rate (费率) or everyday bills
_ANY_FEE = r"[\u4e00-\u9fa5]{1,3}(?<![消话学电水年运免])费(?!率|用)"
#: or X金 (认证金, 保障金, 证明金, 锁定金 …), but not the loan's own money (本金, 资金, 备用金), nor a penalty
#: charged later (违约金, 滞纳金, 罚金)
_ANY_DEPOSIT = r"[\u4e00-\u9fa5]{1,4}(?<![本资现租奖基黄美约纳罚积用薪年])金(?![额融条库币])"
_FEE = [
    re.compile(rf"(?P<w>{_FEE_WORDS}|{_ANY_FEE}|{_ANY_DEPOSIT})[^，,。\d]{{0,6}}?{_NUM}元?(?![\d%])"),
    # 「先交199元极速放款通道费」「缴纳88元电子合同公证费」: the sum first, then a charge of a long name
    re.compile(rf"{_NUM}元?的?[\u4e00-\u9fa5A-Za-z]{{0,6}}?(?P<w>{_FEE_WORDS}|{_ANY_FEE}|{_ANY_DEPOSIT})"),
]
#: a fee stated as a share of the loan: 「交10%的保证金」「收取借款金额的5%作为服务费」
_FEE_SHARE = [
    re.compile(
        rf"(?<![\d.])(?P<p>\d{{1,2}}(?:\.\d{{1,2}})?)\s*%\s*的?\s*[\u4e00-\u9fa5]{{0,4}}?(?:{_FEE_WORDS}|{_ANY_FEE}|{_ANY_DEPOSIT})"
    ),
    re.compile(
        rf"(?:{_FEE_WORDS}|{_ANY_FEE}|{_ANY_DEPOSIT})[^，,。\d%]{{0,10}}?(?:金额|本金|额度|贷款|借款)的\s*"
        r"(?P<p>\d{1,2}(?:\.\d{1,2})?)\s*%"
    ),
    re.compile(
        r"(?:金额|本金|额度|贷款|借款)的\s*(?P<p>\d{1,2}(?:\.\d{1,2})?)\s*%\s*(?:作为|做|当|的)?"
        rf"\s*(?:{_FEE_WORDS}|{_ANY_FEE}|{_ANY_DEPOSIT})"
    ),
]
#: a fee said not to be charged: 「免服务费」「不收手续费」
_NO_FEE = re.compile(r"(?:免|不收|无|无需|不需|没有|不用)[^，,。]{0,4}$")
#: the first instalment asked for before the money is paid out: 「放款前先交第一期月供」「首期先付一期」
_FIRST_INSTALMENT = re.compile(
    rf"(?:(?:先|提前|预)(?:付|交|缴纳?|支付|还)?[^，,。]{{0,4}}?(?:首期|第一期|一期)(?:月供|还款|款)?"
    rf"|(?:首期|第一期)(?:月供|还款|款)?[^，,。\d]{{0,3}}(?:先|提前|预)(?:付|交|缴纳?|支付|扣|转))"
    rf"(?:[^，,。\d]{{0,4}}?(?=\d){_NUM}元?)?"  # a sum in digits: 「先付一期」 is no sum of 1
)
#: a sum asked for several times: 「先做三笔流水，每笔1000」
_EACH_TIME = re.compile(
    rf"(?<![\d一二两三四五六七八九十])(?P<c>\d{{1,2}}|[一二两三四五六七八九十]{{1,3}})\s*笔[^。]{{0,16}}?每笔[^，,。\d]{{0,3}}{_NUM}"
)
_RECEIVED = re.compile(
    rf"(?:到手(?:金额)?|到账(?:金额)?|实际放款|放款金额|实际拿到|实得)[^，,。\d]{{0,3}}{_NUM}元?(?![\d%期个天])"
)
#: an instalment paid every week: 「每周还320元，8周还清」 (periods of 7 days, 365 / 7 a year)
_WEEKLY = re.compile(rf"每周(?:应还|还款|还|付|供)?(?:金额)?[^，,。\d]{{0,3}}{_NUM}元?(?![\d%期个天])")
_WEEKS = re.compile(rf"{_COUNT}\s*(?:周|个星期|星期)")
_STATED = [
    (re.compile(r"(?:年化|年利率)[^，,。\d]{0,8}?(?P<v>\d+(?:\.\d+)?)\s*%"), 1.0),
    (re.compile(r"(?:日利率|日息|日利)[^，,。\d]{0,4}?(?P<v>\d+(?:\.\d+)?)\s*%"), 365.0),
    (re.compile(r"(?:月利率|月息)[^，,。\d]{0,4}?(?P<v>\d+(?:\.\d+)?)\s*%"), 12.0),
]
#: a clause ends at a mark, or at a space before the next field of a form (「服务费：2000元 还款期数：24期」)
_CLAUSE = re.compile(r"(?:[^，,。；;\n\s]|\s+(?![\u4e00-\u9fa5]))*")
_FIELD_BREAK = re.compile(r"\s+(?=[\u4e00-\u9fa5])")


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
    rest = match.group("r")  # 「1万6」 is 16,000, as 「一万六」 and 「两万五」 are 16,000 and 25,000
    tenth = (int(rest) if rest.isdigit() else read_numeral(rest) or 0) if rest else 0
    return value * scale + tenth * scale / 10 if value else None


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


def _upfront_fee(text: str, amount: float, installment: float | None) -> float | None:
    """The money paid or deducted before the loan arrives, all charges together; fees charged with each
    instalment, and fees said not to be charged, are skipped.

    A charge is counted once even when the message names it twice (「认证金5000元 … 认证金出款后退回」);
    the first instalment asked for in advance counts as a fee of that instalment.
    """
    total = 0.0
    seen: set[tuple[str, float]] = set()
    taken: list[tuple[int, int]] = []
    for pattern in _FEE:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            clause = _clause_around(text, match.start())
            if "每期" in clause or "每月" in clause:
                continue
            before = text[text_clause_start(text, match.start()) : match.start()]
            if _NO_FEE.search(before):
                continue
            value = _value(match)
            if value and (match.group("w"), value) not in seen:
                seen.add((match.group("w"), value))
                taken.append(match.span())
                total += value
    for pattern in _FEE_SHARE:
        share = pattern.search(text)
        if share is None or _NO_FEE.search(text[text_clause_start(text, share.start()) : share.start()]):
            continue
        # 「3%的工本费600元」: a share whose sum is also given is counted once
        if not any(start < share.end() and share.start() < end for start, end in taken):
            total += round(amount * float(share.group("p")) / 100, 2)
        break
    for match in _EACH_TIME.finditer(text):
        count = _numeral_count(match.group("c"))
        value = _value(match)
        if count and value:
            total += count * value
            break
    first = _FIRST_INSTALMENT.search(text)
    if first is not None:
        value = _value(first) if first.group("n") else installment
        if value and not any(start <= first.start() < end for start, end in taken):
            total += value
    return total or None


def _numeral_count(raw: str) -> int:
    return int(raw) if raw.isdigit() else int(read_numeral(raw) or 0)


def text_clause_start(text: str, position: int) -> int:
    """Where the clause holding ``position`` begins."""
    start = max(text.rfind(mark, 0, position) for mark in "，,。；;\n") + 1
    # one character past ``position``: the break's lookahead must see the field that starts there
    spaces = [m.end() for m in _FIELD_BREAK.finditer(text, start, position + 1) if m.end() <= position]
    return spaces[-1] if spaces else start


def _plan(text: str) -> list[float] | None:
    """The repayments of a plan written as rows 「第1期 … 应还1,030.00元」 (or lines 「1 2025-01-10
    1,763.33」), in order; ``None`` unless the rows run 1, 2, 3 … with a sum in each."""
    return _rows(_PLAN_ROW, text) or _rows(_NUMBERED_ROW, text)


def _instalment_in_parts(text: str) -> float | None:
    """「每期本金833.33元，每期利息75元」: the principal and the charges of each period, added up (in the same
    sentence)."""
    principal = _PART_PRINCIPAL.search(text)
    if principal is None or (value := _value(principal)) is None:
        return None
    end = min(
        (i for i in (text.find("。", principal.end()), text.find("\n", principal.end())) if i >= 0),
        default=len(text),
    )
    charges = [_value(m) or 0.0 for m in _PART_CHARGE.finditer(text, principal.end(), end)]
    return value + sum(charges) if charges else None


def _rows(pattern: re.Pattern[str], text: str) -> list[float] | None:
    rows: list[float] = []
    for match in pattern.finditer(text):
        if int(match.group("k")) != len(rows) + 1:
            break
        sums = list(_ROW_MONEY.finditer(match.group("row")))
        if not sums:
            break
        rows.append(float(sums[-1].group("n").replace(",", "")))
    return rows if len(rows) >= 2 else None


def _clause_around(text: str, position: int) -> str:
    start = text_clause_start(text, position)
    found = _CLAUSE.match(text, start)
    return found.group(0) if found else ""


def _stated(text: str) -> float | None:
    for pattern, scale in _STATED:
        match = pattern.search(text)
        if match:
            return round(float(match.group("v")) * scale, 4)
    return None


_CURRENCY = re.compile(r"(?:人民币|RMB|CNY|[¥￥])\s*(?=\d)")
_KUAI = re.compile(r"(?<=[\d万千])\s*块钱?")
#: 「3个点的服务费」: a lender's 「points」 are a share of the loan
_POINTS = re.compile(r"(?<=\d)\s*个点")
#: a loan written in English, put in the words the reader knows (order matters: the longer forms first)
_ENGLISH = [
    (re.compile(r"(?i)\bloan\s+amount\b\s*[:：]?"), "借款金额："),
    (re.compile(r"(?i)\b(?:a\s+|the\s+|your\s+)?loan\s+of\b"), "借款"),
    (re.compile(r"(?i)\bborrow(?:ed)?\b"), "借"),
    (
        re.compile(r"(?i)\b(\d{1,3})\s+(?:monthly\s+|weekly\s+)?(?:instal?l?ments?|repayments?|payments?)\s+of\b"),
        r"\1期，每期",
    ),
    (re.compile(r"(?i)\b(\d{1,3})\s+(?:monthly\s+)?(?:instal?l?ments?|repayments?|payments?)\b"), r"\1期"),
    (re.compile(r"(?i)\b(?:monthly|each)\s+(?:instal?l?ment|repayment|payment)s?\s*(?:of\b|[:：])?"), "每期"),
    (re.compile(r"(?i)\b(\d{1,3})\s+months?\b"), r"\1个月"),
    (
        re.compile(r"(?i)\b(?:service|processing|handling|admin(?:istration)?|platform)\s+fee\b\s*[:：]?"),
        "服务费",
    ),
    (re.compile(r"(?i)\bdeducted(?:\s+(?:at|on|upon)\s+(?:disbursement|payout|release))?"), "放款时扣除"),
    (re.compile(r"(?i)\b(?:you\s+(?:will\s+)?)?receive\b"), "到手"),
]


def _plain_money(text: str) -> str:
    """``text`` with sums written one way: no currency before them (「¥12,000.00」「人民币2万」), 「500块」
    as 「500元」, 「3个点」 as 「3%」, and a loan told in English in the reader's words."""
    text = _POINTS.sub("%", _KUAI.sub("元", _CURRENCY.sub("", text)))
    if text.isascii():
        for pattern, words in _ENGLISH:
            text = pattern.sub(words, text)
    return text


def find_figures(text: str) -> CostFigures | None:
    """The loan a message describes, solved; ``None`` when it does not give enough to solve.

    Enough is an amount and either an instalment with a number of periods (or months), or a total repaid
    (with a term in months or days; without one, a month is assumed).
    """
    text = _plain_money(text)
    amount = _first(_AMOUNT, text)
    if amount is None:
        return None
    installment = _instalment_in_parts(text) or _first([_INSTALMENT_TOTAL, _INSTALMENT], text)
    plan = _plan(text)
    fee = _upfront_fee(text, amount, installment or (plan[0] if plan else None)) or 0.0
    received = _first([_RECEIVED], text)
    if received is not None and received < amount:
        fee = amount - received  # what the message says arrives is the surest figure
    periods = _count(_PERIODS, text) or _count(_PERIODS_FIELD, text)
    months = _count(_MONTHS, text)
    years = _count(_YEARS, text)
    if months is None and years is not None and years <= 30:
        months = years * 12
    days = _count(_DAYS, text)
    total = _first([_TOTAL], text)
    weekly = _first([_WEEKLY], text) if installment is None else None
    weeks = _count(_WEEKS, text) or periods
    assumed = False
    try:
        if weekly is not None and weeks:
            solved = from_payments(amount, [weekly] * weeks, fee=fee, period_days=7)
        elif plan is not None and (periods is None or periods == len(plan) or installment is None):
            solved = from_payments(amount, plan, fee=fee)
        elif installment is not None and (periods or months):
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
