"""A loan priced by a product's own rates: both ends of the range its articles give, with their sources,
and where the articles disagree each one's figure."""

from __future__ import annotations

from flows.calc_ask import PRICE_LABELS, judgement, line_citations, price_text
from flows.calc_render import after_buttons, detail_lines, estimate_line, headline
from flows.formatting import pct, rate, yuan
from flows.i18n import _
from flows.render import cite
from flows.reply import Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.calc_request import CalcRequest
from knowledge.cost_answer import Figures
from knowledge.costs import RateRange
from knowledge.models import Claim

# --- a product's range --------------------------------------------------------------------------------


def rate_source_line(kb: KnowledgeBase, product_id: str, rates: RateRange) -> str:
    """「知识库里小米贷款的日利率：0.02%–0.06%（来源…）」, with each source's figure when they disagree."""
    if rates.high is None:
        span = _("最低{low}").format(low=rate(rates.low.value_pct))
    elif rates.high == rates.low:
        span = rate(rates.low.value_pct)
    else:
        span = f"{rate(rates.low.value_pct)}–{rate(rates.high.value_pct)}"
    text = _("知识库里{product}的{kind}：{span}").format(
        product=esc(kb.product_name(product_id)), kind=_(PRICE_LABELS[rates.low.kind]), span=span
    )
    if rates.conflict:
        details = "；".join(
            _("{range}（{source}）").format(range=claim_range(c), source=esc(cite(kb, c.sources)))
            for c in rates.claims
        )
        return text + "\n" + _("⚠️ 各来源说法不一：{details}").format(details=details)
    return text + _("（{source}）").format(source=esc(cite(kb, rates.sources)))


def claim_range(claim: Claim) -> str:
    """A claim's figure or range, as a rate."""
    low = claim.low if claim.low is not None else claim.high
    high = claim.high if claim.high is not None else claim.low
    if low is None or high is None:
        return esc(claim.value)
    return rate(low) if low == high else f"{rate(low)}–{rate(high)}"


def scenario_line(label: str, figures: Figures) -> str:
    """One end of a product's range: 「低：日利率0.02% → 每期 ¥x，利息 ¥y，IRR年化 z」."""
    assert figures.result is not None
    head = _("{label}：").format(label=_(label)) if label else ""
    if figures.method == "daily":
        template = _("{price} → 到期还 {payment}，利息 {interest}，IRR年化 {irr}")
    else:
        template = _("{price} → 每期 {payment}，利息 {interest}，IRR年化 {irr}")
    return head + template.format(
        price=price_text(figures.result.quote.price),
        payment=yuan(figures.first_payment),
        interest=yuan(figures.total_cost),
        irr=pct(figures.apr_pct),
    )


def product_reply(
    kb: KnowledgeBase,
    request: CalcRequest,
    product_id: str,
    rates: RateRange,
    scenarios: list[tuple[str, Figures]],
    *,
    details: bool,
) -> Reply:
    """The loan priced at both ends of a product's rate range, the answer first."""
    dear = scenarios[-1][1]
    cheap = scenarios[0][1]
    lines = [headline(kb, request, dear, product=product_id)]
    if len(scenarios) > 1:
        lines.append(
            _("按文章的利率，利息约 <b>{low}–{high}</b>，真实年化 {low_apr}–{high_apr}：{verdict}。").format(
                low=yuan(cheap.total_cost),
                high=yuan(dear.total_cost),
                low_apr=pct(cheap.apr_pct),
                high_apr=pct(dear.apr_pct),
                verdict=judgement(dear.band, dear.apr_pct),
            )
        )
    else:
        lines.append(
            _("按文章的利率，利息约 <b>{cost}</b>，真实年化 {apr}：{verdict}。").format(
                cost=yuan(dear.total_cost), apr=pct(dear.apr_pct), verdict=judgement(dear.band, dear.apr_pct)
            )
        )
    lines.append(rate_source_line(kb, product_id, rates))
    lines.extend(scenario_line(label, figures) for label, figures in scenarios)
    lines.append(_("（{lines}）").format(lines=line_citations(kb)))
    if details:
        if dear.result is not None:
            lines.append(_("还款计划按较高的{price}：").format(price=price_text(dear.result.quote.price)))
        lines.extend(detail_lines(dear))
    lines.append(estimate_line(dear))
    return Reply().add("\n".join(lines), after_buttons(dear, offer_details=not details))
