"""The cost calculator (``/calc`` and free text such as 「借1万分12期，日利率0.05%，要还多少」).

Functions the dialogue engine calls (all pure: nothing is stored here, the engine keeps the returned
dict in ``Session.calc`` and passes it back on the next turn):

- ``calc_intro() -> Reply`` — what ``/calc`` with no text says: how to ask, with examples.
- ``calc_reply(kb, text, previous=None, *, mentions=None) -> tuple[Reply, dict]`` — read a typed question
  or a follow-up (「改成24期」「不对 是一万」「那微粒贷呢」「都算一下」「算高利贷吗」), merged over
  ``previous``, and answer it or ask for what is missing.
- ``calc_button(kb, data, previous=None) -> tuple[Reply, dict]`` — a pressed calculator button, as its
  typed data (:mod:`flows.buttons`).

The seams: reading is :mod:`knowledge.calc_parse`, computing :mod:`knowledge.cost_answer` (with
:mod:`knowledge.costs`, :mod:`knowledge.solve` and :mod:`knowledge.cheapest`), wording
:mod:`flows.calc_render`, :mod:`flows.calc_charges` (penalties and early-repayment fees) and
:mod:`flows.calc_cheapest` (「哪个最便宜」). This module only routes between them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.buttons import (
    ButtonData,
    CalcAmount,
    CalcDays,
    CalcMethod,
    CalcNew,
    CalcPrice,
    CalcProduct,
    CalcSchedule,
    CalcTerm,
)
from flows.calc_ask import ask, error_reply, product_buttons_row
from flows.calc_charges import EARLY, PENALTY, charges_reply
from flows.calc_cheapest import cheapest_reply
from flows.calc_product import product_reply
from flows.calc_render import cost_reply, fee_note, rate_verdict
from flows.compare import compare_reply, detect_comparison
from flows.formatting import pct, yuan_short
from flows.i18n import N_, _
from flows.reply import Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.calc_follow_up import follow_up
from knowledge.calc_parse import CalcRequest, looks_like_calculation, parse
from knowledge.cost_answer import Figures, answer
from knowledge.costs import METHODS, PRICE_KINDS, Price, rate_range
from knowledge.understanding.normalize import fold

__all__ = ["ask_for", "calc_button", "calc_intro", "calc_reply"]

State = dict[str, float | int | str | None]

#: 「为啥比看着高」「为什么这么贵」: asking why the true rate is above the quoted one
_WHY = re.compile(r"为啥|为什么|咋|怎么会|凭什么")
#: words of a follow-up about the last calculation: a change (「改成6期」「换成微粒贷」「那年化呢」), a
#: correction (「不对 是一万」「不是80 是180」), all products (「都算一下」), or a question about its answer
#: (「算高利贷吗」「超过24%了吗」「为啥比看着高」)
FOLLOW_UP = re.compile(
    r"改成|改为|换成|换作|那.{0,6}呢|(?:如果是|要是)(?=.{0,8}(?:\d|[一二两三四五六七八九十半]|期|月|天|年|万|千|元|块|%|"
    r"利|息|提前|逾期|按|等额|先息))|变成|不对|说错|打错|写错|错了|(?<!是)不是|^是|都算|全都算|每个都算|"
    r"哪个最便宜|哪个便宜|哪个划算|更便宜|便宜点|便宜些|利息更低|更划算|高利贷|合法|贵不贵|贵吗|高不高|高吗|超过|超没超|"
    r"为啥|为什么|正常吗|合理吗|砍头息|被坑|坑不坑"
)
#: a question about the loan just worked out (「那每个月还多少」「要是逾期了呢」「第6个月想一次还清呢」): a
#: follow-up once the calculator has answered, a side question while it still asks for something
#: 「这正常吗 是不是砍头息」: a judgement of that loan's fee and rate, which its own figures answer
_ITS_PRICE = r"砍头息|正常吗|合理吗|高利贷|合法吗"
ABOUT_THE_LOAN = re.compile(
    r"还多少|利息多少|多少利息|多少钱|月供|每期多少|每月多少|一共多少|总共多少|逾期|罚息|提前还|还清|结清|违约金|"
    + _ITS_PRICE
)
#: of those, the ones the loan just worked out answers better than any FAQ entry (「总共多少利息」 is its
#: interest, not the articles' 「借1万一年要多少利息」)
LOAN_COST = re.compile(
    r"还多少|利息多少|多少利息|月供|每期多少|每月多少|一共多少|总共多少|一共还|总共还|" + _ITS_PRICE
)


def calc_intro() -> Reply:
    """What ``/calc`` says with no question: how to ask, with examples and a few starting points."""
    text = "\n".join(
        [
            _("<b>借款成本计算器</b>"),
            _("直接发一句话，我算利息和真实年化（IRR），并和24%、36%两条线对比。例如："),
            _("· 借1万分12期，日利率0.05%"),
            _("· 借了两万 分24期 每期还1050 年化多少"),
            _("· 到手9500 要还一万 一个月"),
            _("· 借1万 三个月 哪个最便宜"),
            _("· 借1万逾期10天罚多少"),
        ]
    )
    return Reply().add(text, [product_buttons_row()])


def calc_reply(
    kb: KnowledgeBase,
    text: str,
    previous: State | None = None,
    *,
    mentions: list | None = None,
    in_view: str | None = None,
) -> tuple[Reply, State]:
    """Answer a typed cost question, or a follow-up to the previous one.

    Args:
        kb: the knowledge base (product rates, penalty and fee rules, sources).
        text: what the user typed, e.g. 「借1万分12期，日利率0.05%」 or 「改成24期」; with ``mentions``, the
            message as the reader folded it.
        previous: the dict this function returned last turn (``Session.calc``), or ``None``.
        mentions: the products the reader found in the folded ``text`` (see
            :func:`knowledge.calc_parse.parse`); without them ``text`` is read from scratch.
        in_view: the product of the answer the person is looking at: a new loan that names no product
            and no rate is priced by its rates; products compared side by side (comma-separated): it is
            priced by each of them, ranked.

    Returns:
        The reply and the request so far, to store and pass back next turn.
    """
    if mentions is None:
        compared = detect_comparison(kb, text)
        if compared and not looks_like_calculation(text, kb):
            # 「小米贷款和微粒贷哪个利息低」 from the command line: the side-by-side answers it (in the
            # dialogue the comparison's own route takes it before the calculator sees it)
            return compare_reply(kb, compared), dict(previous or {})
    before = CalcRequest.from_dict(previous)
    if before.has_numbers() or before.intent != "cost":
        request = follow_up(text, before, kb, mentions=mentions)
        folded = text if mentions is not None else fold(text)
        pending = ask_for(kb, before) if request == before else None
        if pending is not None and ABOUT_THE_LOAN.search(folded):
            # 「每个月还多少」 before the rate is known: the answer waits on the question still open
            lead = Reply().add(_("还差一项才能算出来，先告诉我："))
            return lead.extend(pending), before.to_dict()
        if request == before and not (FOLLOW_UP.search(folded) or ABOUT_THE_LOAN.search(folded)):
            hint = _(
                "没看懂要在上一笔计算里改什么，例如「改成6期」「不对 是一万」「那微粒贷呢」；"
                "也可以发一笔新的借款。"
            )
            return Reply().add(hint, [[CalcNew().button(_("重新计算"))]]), before.to_dict()
        if request == before:
            # nothing new: 「算高利贷吗」「为啥比看着高」 about the last answer
            return _about_last(kb, before, text), before.to_dict()
        return _respond(kb, request), request.to_dict()
    request = parse(text, kb, mentions=mentions)
    unpriced = request.product is None and request.stated_price() is None and not request.quoted()
    compared = [p for p in (in_view or "").split(",") if p in kb.products]
    if len(compared) >= 2 and unpriced and request.amount is not None and request.intent == "cost":
        # 「那借3万呢 分12期」 after 小米贷款 and 微粒贷 side by side: the sum priced for both, ranked
        request = replace(request, intent="cheapest", products=",".join(compared), product=None)
    elif in_view in kb.products and unpriced and request.intent != "cheapest" and request.has_numbers():
        request = replace(request, product=in_view, products=in_view)
    if not request.has_numbers() and request.intent == "cost":
        hint = _("没看懂要算什么。请写出金额、期限和利率，例如「借1万分12期，日利率0.05%」。")
        return Reply().add(hint, [[CalcNew().button(_("重新计算"))]]), dict(previous or {})
    return _respond(kb, request), request.to_dict()


def calc_button(kb: KnowledgeBase, data: ButtonData, previous: State | None = None) -> tuple[Reply, State]:
    """Handle a pressed calculator button (its typed data, see the module docstring)."""
    request = CalcRequest.from_dict(previous)
    if isinstance(data, CalcNew):
        return calc_intro(), {}
    if isinstance(data, CalcSchedule):
        return _respond(kb, request, details=True), request.to_dict()
    try:
        request = _apply_button(request, data)
    except ValueError:
        return Reply().add(_("这个按钮已失效，请重新输入问题。")), request.to_dict()
    return _respond(kb, request), request.to_dict()


def ask_for(kb: KnowledgeBase, request: CalcRequest) -> Reply | None:
    """The question the calculator asks for the first thing ``request`` lacks (``None``: it lacks
    nothing), e.g. to ask it again after a question answered on the side."""
    missing = request.missing()
    return ask(kb, request, missing) if missing else None


def _apply_button(request: CalcRequest, data: ButtonData) -> CalcRequest:
    if isinstance(data, CalcAmount):
        return replace(request, amount=float(data.yuan))
    if isinstance(data, CalcTerm):
        if data.unit == "d":
            return replace(request, term_days=data.count, term_months=None)
        return replace(request, term_months=data.count, term_days=None, by_periods=True)
    if isinstance(data, CalcMethod) and data.method in METHODS:
        return replace(request, method=data.method)
    if isinstance(data, CalcProduct):
        intent = "cost" if request.intent == "cheapest" else request.intent
        return replace(request, product=data.product, price=None, price_guessed=False, intent=intent)
    if isinstance(data, CalcPrice) and data.kind in PRICE_KINDS:
        price = Price(data.kind, data.pct)
        return replace(request, price=price, product=None, price_guessed=False)
    if isinstance(data, CalcDays):
        return replace(request, overdue_days=data.days, intent="penalty")
    raise ValueError(type(data).__name__)


def _respond(kb: KnowledgeBase, request: CalcRequest, *, details: bool = False) -> Reply:
    fixed = _fixed_amount(kb, request.product)
    note = ""
    if fixed is not None and request.amount != fixed and request.intent == "cost":
        if request.amount is not None:
            note = _("{product}的额度固定为{amount}，下面按{amount}算。").format(
                product=esc(kb.product_name(request.product)), amount=yuan_short(fixed)
            )
        request = replace(request, amount=fixed)
    reply = _answer(kb, request, details=details)
    if note and reply.messages:
        first = reply.messages[0]
        reply.messages[0] = first.model_copy(update={"text": "\n".join([note, first.text])})
    return reply


def _answer(kb: KnowledgeBase, request: CalcRequest, *, details: bool) -> Reply:
    if request.intent == "penalty":
        return charges_reply(kb, request, PENALTY)
    if request.intent == "early":
        return charges_reply(kb, request, EARLY)
    missing = request.missing()
    if request.intent == "cheapest":
        return ask(kb, request, missing) if missing else cheapest_reply(kb, request)
    if request.product and request.stated_price() is None and not request.quoted():
        return ask(kb, request, missing) if missing else _product_answer(kb, request, details=details)
    result = answer(request)
    if result.error is not None:
        return error_reply(result.error.code)
    if result.figures:
        return cost_reply(kb, request, result, details=details)
    lead = rate_verdict(kb, result) if result.rate_apr_pct is not None else ""
    if missing:
        return ask(kb, request, missing, lead)
    # the price alone answered 「算高利贷吗」; the sum needs the term
    return ask(kb, request, ["term" if request.amount else "amount"], lead)


def _product_answer(kb: KnowledgeBase, request: CalcRequest, *, details: bool) -> Reply:
    product_id = request.product or ""
    product = kb.products.get(product_id)
    rates = rate_range(product) if product is not None else None
    if rates is None:
        name = esc(kb.product_name(product_id))
        return Reply().add(
            _("知识库里没有{product}的利率数字，请直接写出利率，例如「日利率0.05%」。").format(product=name)
        )
    ends: list[tuple[str, Price]]
    if rates.high is None:
        ends = [(N_("最低"), rates.low)]
    elif rates.high == rates.low:
        ends = [("", rates.low)]
    else:
        ends = [(N_("低"), rates.low), (N_("高"), rates.high)]
    scenarios: list[tuple[str, Figures]] = []
    for label, price in ends:
        result = answer(request, price=price)
        if result.error is not None:
            return error_reply(result.error.code)
        if not result.figures:
            return ask(kb, request, result.missing or ["term"])
        scenarios.append((label, result.figures[0]))
    return product_reply(kb, request, product_id, rates, scenarios, details=details)


def _about_last(kb: KnowledgeBase, request: CalcRequest, text: str) -> Reply:
    """A question about the last answer: why the true rate is higher, or the answer again with its verdict."""
    reply = _respond(kb, request)
    if not _WHY.search(text):
        return reply
    result = answer(request)
    main = result.figures[0] if result.figures else None
    if main is not None and main.result is not None and fee_note(main.result):
        why = fee_note(main.result)
    elif main is not None and main.received < (request.amount or 0):
        why = _("先扣的费用让到手的钱变少，利息却按全部本金算，所以真实年化（IRR）{apr}比报价高。").format(
            apr=pct(main.apr_pct)
        )
    else:
        why = _(
            "分期还款时本金逐月减少，但报价按全部本金算的话，真实年化（IRR，按实际占用的钱算）就会更高；"
            "要看的是IRR。"
        )
    return Reply().add(why).extend(reply)


def _fixed_amount(kb: KnowledgeBase, product_id: str | None) -> float | None:
    """A product with one fixed amount (WE2000's 2000元) needs no amount from the user."""
    product = kb.products.get(product_id or "")
    attribute = product.attributes.get("limit") if product else None
    if attribute is None:
        return None
    for claim in attribute.claims:
        if claim.unit == "yuan" and claim.low is not None and claim.low == claim.high:
            return claim.low
    return None
