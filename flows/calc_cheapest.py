"""「借1万 三个月 哪个最便宜」 answered in one phone-sized reply: the products ranked by what the loan costs.

Each line is a product with the cost at the low and high end of its articles' rates (a ``*`` where the
articles disagree), cheapest first; then the honest conclusion — when the ranges overlap, that nobody can
say which will be cheaper for this person, and what the articles' lowest and highest prices say — and the
sources. The full comparison table is behind a button.
"""

from __future__ import annotations

from collections.abc import Callable

from flows.buttons import CalcNew, CalcProduct, CompareFull
from flows.calc_ask import error_reply, line_citations, term_text
from flows.formatting import pct, yuan, yuan_short
from flows.i18n import _
from flows.render import cite
from flows.reply import Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.calc_request import CalcRequest
from knowledge.cheapest import ProductCost, Ranking, rank
from knowledge.costs import QuoteError

#: short names, so a line fits a phone
SHORT_NAMES = {
    "wechat_third_party": "第三方平台",
    "weiyedai": "微业贷",
    "jiebei": "借呗",
    "jintiao": "京东金条",
}


def short_name(kb: KnowledgeBase, product_id: str) -> str:
    """A product's name, short enough for a ranking line."""
    return SHORT_NAMES.get(product_id, kb.product_name(product_id))


def cheapest_reply(kb: KnowledgeBase, request: CalcRequest) -> Reply:
    """Rank the products (the ones named, when two or more are) for the request's amount and term."""
    assert request.amount is not None
    named = request.named()
    try:
        ranking = rank(
            kb,
            request.amount,
            term_months=request.term_months,
            term_days=request.term_days,
            products=named if len(named) >= 2 else None,
        )
    except QuoteError as exc:
        return error_reply(exc.code)
    method = _("到期一次还") if ranking.method == "daily" else _("等额本息")
    lines = [
        _("<b>借 {amount} · {term} · {method}：按各文章的利率估算总利息</b>").format(
            amount=yuan_short(request.amount), term=term_text(request), method=method
        )
    ]
    for place, cost in enumerate(ranking.ranked, start=1):
        lines.append(_line(kb, place, cost))
    lines.append(_conclusion(kb, ranking))
    if any(c.conflict for c in ranking.ranked):
        lines.append(_("* 各文章给的利率不一致，区间取了所有说法。"))
    if ranking.too_small:
        lines.append(
            _("额度不够：{products}").format(
                products=_("、").join(
                    _("{product}（最高{limit}）").format(
                        product=esc(short_name(kb, p)), limit=yuan_short(limit)
                    )
                    for p, limit in ranking.too_small
                )
            )
        )
    sources = list(dict.fromkeys(s for c in ranking.ranked for s in c.sources))
    lines.append(esc(cite(kb, sources)))
    lines.append(
        _(
            "<i>仅为估算：实际利率因人而异，以申请页面和合同为准；真实年化与24%、36%比（{lines}）。</i>"
        ).format(lines=line_citations(kb))
    )
    buttons = []
    if ranking.ranked:
        ids = tuple(c.product for c in ranking.ranked[:3])
        buttons.append([CompareFull(products=ids).button(_("完整对比表"))])
        buttons.append([CalcProduct(product=ranking.ranked[0].product).button(_("细算第一名"))])
    buttons.append([CalcNew().button(_("重新计算"))])
    return Reply().add("\n".join(lines), buttons)


def _line(kb: KnowledgeBase, place: int, cost: ProductCost) -> str:
    mark = "*" if cost.conflict else ""
    if cost.high is None or cost.high_apr_pct is None:
        return _("{place}. {product} {low}起{mark}（年化{apr}起）").format(
            place=place,
            product=esc(short_name(kb, cost.product)),
            low=yuan(cost.low),
            mark=mark,
            apr=pct(cost.low_apr_pct),
        )
    return _("{place}. {product} {low}–{high}{mark}（年化{low_apr}–{high_apr}）").format(
        place=place,
        product=esc(short_name(kb, cost.product)),
        low=yuan(cost.low),
        high=yuan(cost.high),
        mark=mark,
        low_apr=pct(cost.low_apr_pct),
        high_apr=pct(cost.high_apr_pct),
    )


def _conclusion(kb: KnowledgeBase, ranking: Ranking) -> str:
    if not ranking.ranked:
        return _("知识库里没有能算这笔借款的产品利率。")
    first = ranking.ranked[0]
    if len(ranking.ranked) == 1:
        return _("只有{product}的文章给了能算的利率。").format(product=esc(short_name(kb, first.product)))
    if not ranking.overlap:
        return _("按文章的利率，{product}最便宜，最高价也低于其他产品的最低价。").format(
            product=esc(short_name(kb, first.product))
        )
    highs = [c for c in ranking.ranked if c.high is not None]
    by_high = min(highs, key=lambda c: c.high or 0.0) if highs else first

    def tied(costs: list[ProductCost], price: float | None, of: Callable[[ProductCost], float | None]) -> str:
        # 「微粒贷、小米贷款最便宜」: every product at the best price, not the first one ranked alone
        return _("、").join(esc(short_name(kb, c.product)) for c in costs if of(c) == price)

    return _(
        "⚠️ 区间重叠，说不准谁更便宜；按文章的最低价，{low_product}最便宜（{low}），"
        "按最高价，{high_product}最便宜（{high}）。实际以你拿到的报价为准。"
    ).format(
        low_product=tied(ranking.ranked, first.low, lambda c: c.low),
        low=yuan(first.low),
        high_product=tied(highs, by_high.high, lambda c: c.high)
        if highs
        else esc(short_name(kb, first.product)),
        high=yuan(by_high.high or 0.0),
    )
