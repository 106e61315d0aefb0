"""Penalties for paying late and fees for paying early: one renderer, two sets of words.

Each product's rules come from its articles (``penalty`` / ``early_repayment_fee`` claims), each computed
(:func:`knowledge.costs.penalty`, :func:`knowledge.costs.early_fee`) and shown with its own source. A rule
that multiplies the contract's daily rate (「罚息为日利率的1.5倍」) is computed with the rate the person
gave, else only with the rates the *same* article gives — never with another article's rates under this
one's name. A fee of nothing is shown in the rule's own words, never as 「¥0.00」: an article that only
says 「不另收手续费」 has not priced early repayment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flows.buttons import CalcNew
from flows.calc_ask import ask, error_reply
from flows.formatting import rate, yuan, yuan_short
from flows.i18n import N_, _
from flows.render import cite
from flows.reply import Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.calc_request import CalcRequest
from knowledge.costs import ChargeEstimate, QuoteError, early_fee, penalty
from knowledge.models import AttributeKey, Claim


@dataclass(frozen=True)
class ChargeKind:
    """What differs between the penalty and the early-repayment reply: the attribute and the words."""

    attribute: AttributeKey
    title: str
    none_found: str
    disagree: str
    fine_print: str
    closing: str = ""


PENALTY = ChargeKind(
    attribute="penalty",
    title=N_("<b>逾期 {days} 天的罚息估算</b>（按逾期金额＝{amount}）"),
    none_found=N_("{product}：知识库里没有罚息规则。"),
    disagree=N_("⚠️ 各来源对{product}罚息的说法不一，以上都列出。"),
    fine_print=N_("<i>仅为估算，按单利逐日计；实际以借款合同为准。</i>"),
    closing=N_("逾期还可能上报征信、影响以后借款。"),
)
EARLY = ChargeKind(
    attribute="early_repayment_fee",
    title=N_("<b>提前还款手续费估算</b>（按剩余本金＝{amount}）"),
    none_found=N_("{product}：知识库里没有提前还款费用的说法。"),
    disagree=N_("⚠️ 各来源说法不一，可能因还款方式而不同，以上都列出。"),
    fine_print=N_("<i>仅为估算；实际以借款合同为准，提前还款前可先在App里查看结清金额。</i>"),
)


def charges_reply(kb: KnowledgeBase, request: CalcRequest, kind: ChargeKind) -> Reply:
    """The penalty (``PENALTY``) or early-repayment fee (``EARLY``) under every rule the articles give."""
    missing = request.missing()
    if missing:
        return ask(kb, request, missing)
    assert request.amount is not None
    if kind is EARLY:
        return _early_reply(kb, request)
    title = _(kind.title).format(days=request.overdue_days, amount=yuan_short(request.amount))
    return _charges(kb, request, kind, title, request.amount)


def _early_reply(kb: KnowledgeBase, request: CalcRequest) -> Reply:
    """The early-settlement fee on what is left of the principal (after the instalments paid), under every
    rule the articles give, or under the percentage the person wants to try (「按2%算呢」)."""
    remaining, exact = request.remaining_principal() or (request.amount or 0.0, True)
    if request.paid_periods and request.term_months and request.paid_periods < request.term_months:
        basis = _("按你给的利率算") if exact else _("没给利率，按本金平均摊还粗算；等额本息剩得会多一些")
        title = _(
            "<b>提前还款手续费估算</b>（剩余本金约{remaining}：借{amount}分{n}期，已还{k}期，{basis}）"
        ).format(
            remaining=yuan_short(remaining),
            amount=yuan_short(request.amount or 0.0),
            n=request.term_months,
            k=request.paid_periods,
            basis=basis,
        )
    else:
        title = _(EARLY.title).format(amount=yuan_short(remaining))
    if request.early_fee_pct is not None:
        if not 0 <= request.early_fee_pct <= 100 or not remaining > 0:
            return error_reply("fee_out_of_range")  # the general 「这组数字算不了」
        fee = remaining * request.early_fee_pct / 100
        line = _("按{pct}%算：{remaining} × {pct}% ＝ {fee}").format(
            pct=f"{request.early_fee_pct:g}", remaining=yuan_short(remaining), fee=yuan(fee)
        )
        lines = [title, line, _(EARLY.fine_print)]
        return Reply().add("\n".join(lines), [[CalcNew().button(_("重新计算"))]])
    return _charges(kb, request, EARLY, title, remaining)


def _charges(kb: KnowledgeBase, request: CalcRequest, kind: ChargeKind, title: str, base: float) -> Reply:
    """The charge of ``kind`` on ``base`` under each rule of each product in question, with its source."""
    lines = [title]
    found = False
    for product_id in _products_with(kb, kind.attribute, request):
        product = kb.products.get(product_id)
        attribute = product.attributes.get(kind.attribute) if product else None
        name = esc(kb.product_name(product_id))
        if attribute is None:
            lines.append(_(kind.none_found).format(product=name))
            continue
        found = True
        lines.append("<b>" + name + "</b>")
        for claim in attribute.claims:
            try:
                figure = _figure(kb, request, product_id, claim, kind, base)
            except QuoteError as exc:
                return error_reply(exc.code)
            arrow = " → " + figure if figure else ""
            lines.append(
                _("· {rule}{figure}（{source}）").format(
                    rule=esc(claim.value), figure=arrow, source=esc(cite(kb, claim.sources))
                )
                + _note(claim)
            )
        if attribute.conflict or len({c.value for c in attribute.claims}) > 1:
            lines.append(_(kind.disagree).format(product=name))
            if attribute.note:
                lines.append(_("〔{note}〕").format(note=esc(attribute.note)))
    if found and kind.closing:
        lines.append(_(kind.closing))
    lines.append(_(kind.fine_print))
    return Reply().add("\n".join(lines), [[CalcNew().button(_("重新计算"))]])


def _products_with(kb: KnowledgeBase, key: AttributeKey, request: CalcRequest) -> list[str]:
    """The named product, else every product of the self-check that has the attribute."""
    if request.product:
        return [request.product]
    return [p.id for p in kb.products.values() if p.checkable and key in p.attributes]


def _figure(
    kb: KnowledgeBase, request: CalcRequest, product_id: str, claim: Claim, kind: ChargeKind, base: float
) -> str:
    assert request.amount is not None
    if kind is EARLY:
        estimate = early_fee(claim, base)
        if estimate is not None and estimate.high == 0:
            return ""  # 「不收手续费」 is said by the rule's own words; no ¥0 of our making
        return _money_range(estimate) if estimate else ""
    assert request.overdue_days is not None
    rates = _daily_rates(kb, request, product_id, claim)
    estimate = penalty(
        claim,
        principal=request.amount,
        overdue_amount=request.amount,
        days=request.overdue_days,
        daily_rate_pct=rates,
    )
    if estimate is None:
        if claim.unit == "x_daily_rate":
            return _("这篇文章没给日利率，按合同日利率算")
        return _("没有可计算的标准")
    figure = _money_range(estimate)
    if claim.unit == "x_daily_rate" and rates:
        basis = rate(rates[0]) if rates[0] == rates[1] else f"{rate(rates[0])}–{rate(rates[1])}"
        figure += _("（按日利率{rates}）").format(rates=basis)
    return figure


def _daily_rates(
    kb: KnowledgeBase, request: CalcRequest, product_id: str, claim: Claim
) -> tuple[float, float] | None:
    """The daily rate a 「日利率×1.5」 rule multiplies: the person's own, else the same article's range."""
    price = request.stated_price()
    if price is not None:
        return price.daily_pct(), price.daily_pct()
    attribute = kb.products[product_id].attributes.get("daily_rate")
    if attribute is None:
        return None
    same = [
        c
        for c in attribute.claims
        if c.unit == "pct_day" and set(c.sources) & set(claim.sources) and (c.low or c.high)
    ]
    lows = [c.low if c.low is not None else c.high for c in same]
    highs = [c.high if c.high is not None else c.low for c in same]
    values: Callable[[list[float | None]], list[float]] = lambda xs: [x for x in xs if x is not None]  # noqa: E731
    if not values(lows) or not values(highs):
        return None
    return min(values(lows)), max(values(highs))


def _money_range(estimate: ChargeEstimate) -> str:
    if abs(estimate.high - estimate.low) < 0.005:
        return yuan(estimate.low)
    return f"{yuan(estimate.low)}–{yuan(estimate.high)}"


def _note(claim: Claim) -> str:
    return _("〔{note}〕").format(note=esc(claim.note)) if claim.note else ""
