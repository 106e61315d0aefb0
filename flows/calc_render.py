"""Wording a cost answer: the answer first, in one or two lines, and the details behind a button.

The first lines say the figure asked for, the true annual rate (IRR年化), where it stands against the 24 %
and 36 % lines the articles cite, and a plain judgement (「不算高」「偏高」「超过24%」). When the words left
open whether the loan is repaid in instalments or kept to the end, the assumption is stated and the other
reading's figure shown beside it when they differ a lot. The schedule and the conventions come after, or
behind the 「还款计划与明细」 button.
"""

from __future__ import annotations

from flows.buttons import CalcMethod, CalcNew, CalcSchedule
from flows.calc_ask import (
    METHOD_LABELS,
    PRICE_LABELS,
    SUMS_UNDERSTOOD,
    judgement,
    line_citations,
    price_text,
    term_text,
)
from flows.formatting import ljust, number, pct, rjust, width, yuan, yuan_short
from flows.i18n import _
from flows.reply import Button, Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.calc_request import CalcRequest
from knowledge.cost_answer import CostAnswer, Figures
from knowledge.costs import CostResult, Method, Row

#: Widest a ``<pre>`` line may be to fit a phone without wrapping (a CJK character counts two).
PHONE_COLUMNS = 28
#: the other reading is shown beside the headline when its cost differs by more than this share
READINGS_DIFFER = 0.2


# --- the answer ------------------------------------------------------------------------------------


def rate_verdict(kb: KnowledgeBase, result: CostAnswer) -> str:
    """「日利率0.05% → 真实年化约18.25%，不算高，未超过24%」, for a price without the whole loan."""
    assert result.price is not None and result.rate_apr_pct is not None and result.band is not None
    return _("{price} → 真实年化约 <b>{apr}</b>，{verdict}（{lines}）。").format(
        price=price_text(result.price),
        apr=pct(result.compared_pct or result.rate_apr_pct),
        verdict=judgement(result.band, result.rate_apr_pct),
        lines=line_citations(kb),
    )


def headline(kb: KnowledgeBase, request: CalcRequest, figures: Figures, product: str | None = None) -> str:
    """「<b>借 1万元 · 12期 · 等额本息</b>」."""
    parts = [esc(kb.product_name(product))] if product else []
    parts.append(_("借 {amount}").format(amount=yuan_short(figures.received + request.fee())))
    if term_text(request):
        parts.append(term_text(request))
    label = _(METHOD_LABELS[figures.method])
    result = figures.result
    if result is not None and result.quote.price.kind == "monthly_fee" and figures.method != "interest_first":
        label = _("每月本金等额＋固定费用")
    parts.append(label)
    return "<b>" + " · ".join(parts) + "</b>"


def answer_lines(kb: KnowledgeBase, request: CalcRequest, result: CostAnswer) -> list[str]:
    """The answer first: the sum asked for, the true annual rate and the verdict, then the assumption."""
    main = result.figures[0]
    lines = [_sum_line(request, main)]
    lines.append(
        _("真实年化（IRR）<b>{apr}</b>：{verdict}（{lines}）。").format(
            apr=pct(main.apr_pct), verdict=judgement(main.band, main.apr_pct), lines=line_citations(kb)
        )
    )
    if main.compared_pct > main.apr_pct + 0.005 and main.result is not None:
        lines.append(
            _("按报价折算的名义年化是 {nominal}，与24%、36%比较时取较高者。").format(
                nominal=pct(main.result.nominal_annual_pct)
            )
        )
    reading = reading_line(request, main)
    if reading:
        lines.append(reading)
    if request.fee() > 0:
        lines.append(
            _("先扣的 {fee} 也是成本：实际到手 {received}，年化按到手的钱算。").format(
                fee=yuan(request.fee()), received=yuan(main.received)
            )
        )
    if len(result.figures) > 1:
        other = result.figures[1]
        lines.append(
            _("按借满{term}、到期一次还本付息算；").format(term=term_text(request))
            + _("若分{n}期{method}，利息约 {cost}（年化 {apr}）。").format(
                n=other.periods,
                method=_(METHOD_LABELS[other.method]),
                cost=yuan(other.total_cost),
                apr=pct(other.apr_pct),
            )
            if abs(other.total_cost - main.total_cost) > READINGS_DIFFER * main.total_cost
            else _("按借满{term}、到期一次还本付息算（分期还款的利息会少一些）。").format(
                term=term_text(request)
            )
        )
    return lines


def reading_line(request: CalcRequest, figures: Figures) -> str:
    """How the quote was read, so a misreading shows: 「按月利率1.00%（名义年化 12.00%）算」, or the sums
    a rate was worked back from."""
    result = figures.result
    if result is not None:
        price = result.quote.price
        if price.kind == "annual" and request.price is not None:
            return ""
        return _("按{price}（名义年化 {nominal}）算。").format(
            price=price_text(price), nominal=pct(result.nominal_annual_pct)
        )
    parts = [
        _(template).format(amount=yuan_short(getattr(request, name)))
        for name, template in SUMS_UNDERSTOOD
        if getattr(request, name) is not None and name not in ("received", "fee_upfront")
    ]
    return _("由{sums}倒推。").format(sums=" · ".join(parts)) if parts else ""


def _sum_line(request: CalcRequest, figures: Figures) -> str:
    cost = yuan(figures.total_cost)
    fees = request.fee() > 0 or (figures.result is not None and figures.result.total_fees > 0)
    if figures.method == "daily" or figures.periods == 1:
        if fees:
            return _("到期一次还 {total}，其中利息和费用 <b>{cost}</b>。").format(
                total=yuan(figures.total_repaid), cost=cost
            )
        return _("到期一次还 {total}，其中利息 <b>{cost}</b>。").format(
            total=yuan(figures.total_repaid), cost=cost
        )
    if abs(figures.first_payment - figures.last_payment) < 0.005:
        each = _("每期还 {payment}").format(payment=yuan(figures.first_payment))
    elif figures.method == "interest_first":
        each = _("每期付息 {first}，末期连本带息 {last}").format(
            first=yuan(figures.first_payment), last=yuan(figures.last_payment)
        )
    else:
        each = _("首期还 {first}，逐月减少，末期 {last}").format(
            first=yuan(figures.first_payment), last=yuan(figures.last_payment)
        )
    if fees:
        return _("{each}，共还 {total}，利息和费用 <b>{cost}</b>。").format(
            each=each, total=yuan(figures.total_repaid), cost=cost
        )
    return _("{each}，共还 {total}，利息 <b>{cost}</b>。").format(
        each=each, total=yuan(figures.total_repaid), cost=cost
    )


def fee_note(result: CostResult) -> str:
    """Why a 月费率 costs more than ×12 says — only when it does (not with one repayment at the end)."""
    if result.quote.price.kind != "monthly_fee" or result.irr_annual_pct < result.nominal_annual_pct * 1.2:
        return ""
    return _(
        "月费率按最初的本金收，本金还了费用也不减，所以真实年化（IRR，{irr}）比月费率×12（{nominal}）高得多。"
    ).format(irr=pct(result.irr_annual_pct), nominal=pct(result.nominal_annual_pct))


def convention(figures: Figures) -> str:
    """The convention behind the figures, said in the fine print."""
    result = figures.result
    if result is None:
        return _("按你给的金额和还款倒推；IRR按月×12，按天借的按天×365")
    price = result.quote.price
    if figures.method == "daily":
        return _("单利，到期一次还本付息；按天借的年按365天")
    if price.kind == "daily":
        return _("日利率×365÷12折成月利率，即按实际天数计息")
    if price.kind == "annual":
        return _("年化÷12折成月利率")
    if price.kind == "monthly_fee":
        return _("每月费用=最初本金×月费率")
    return _("按月利率逐月计息")


def estimate_line(figures: Figures) -> str:
    """The fine print: an estimate, on which convention."""
    return _("<i>仅为估算（{convention}），实际以借款合同和还款计划为准。</i>").format(
        convention=convention(figures)
    )


def after_buttons(figures: Figures, *, offer_details: bool) -> list[list[Button]]:
    """The schedule behind a button, other methods to try, and a new calculation."""
    rows: list[list[Button]] = []
    if offer_details:
        rows.append([CalcSchedule().button(_("还款计划与明细"))])
    result = figures.result
    if result is not None and result.quote.price.kind != "monthly_fee":
        others: list[Method] = ["equal_installment", "equal_principal", "interest_first", "daily"]
        switch = [
            CalcMethod(method=m).button(_("改为{method}").format(method=_(METHOD_LABELS[m])))
            for m in others
            if m != figures.method and (m != "daily" or figures.method != "daily")
        ][:3]
        if switch:
            rows.append(switch)
    rows.append([CalcNew().button(_("重新计算"))])
    return rows


def cost_reply(kb: KnowledgeBase, request: CalcRequest, result: CostAnswer, *, details: bool) -> Reply:
    """The answer to a cost question whose figures are all known; ``details``: with the full schedule."""
    main = result.figures[0]
    lines = [headline(kb, request, main), *answer_lines(kb, request, result)]
    if request.price_guessed and request.price is not None:
        lines.append(
            _("没写明是日、月还是年利率，我按{kind}理解；不对的话请写明，例如「年化12%」。").format(
                kind=_(PRICE_LABELS[request.price.kind])
            )
        )
    if main.result is not None and fee_note(main.result):
        lines.append(fee_note(main.result))
    if details:
        lines.extend(detail_lines(main))
    lines.append(estimate_line(main))
    return Reply().add("\n".join(lines), after_buttons(main, offer_details=not details))


def detail_lines(figures: Figures) -> list[str]:
    """The schedule and the price as quoted: what stands behind the first lines."""
    lines = []
    result = figures.result
    if result is not None:
        price = result.quote.price
        if price.kind != "annual":
            lines.append(
                _("报价：{price}（名义年化 {nominal}）").format(
                    price=price_text(price), nominal=pct(result.nominal_annual_pct)
                )
            )
        lines.append(
            _("<b>IRR年化 {irr}</b>（按复利算 {effective}）").format(
                irr=pct(figures.apr_pct), effective=pct(result.effective_annual_pct)
            )
        )
        lines.append(schedule(result.rows, monthly_fee=price.kind == "monthly_fee", full=True))
    elif figures.solved is not None:
        solved = figures.solved
        lines.append(
            _("到手 {received}，共还 {total}（{n}次）；IRR年化 {irr}，按复利算 {effective}。").format(
                received=yuan(solved.received),
                total=yuan(solved.total_repaid),
                n=solved.periods,
                irr=pct(solved.irr_annual_pct),
                effective=pct(solved.effective_annual_pct),
            )
        )
    return lines


def schedule(rows: list[Row], *, monthly_fee: bool, full: bool) -> str:
    """A ``<pre>`` table that fits a phone: period, payment, interest (or fee), balance after it."""
    shown: list[Row | None] = list(rows)
    if not full and len(shown) > 3:
        shown = [shown[0], shown[1], None, shown[-1]]
    charge = _("费用") if monthly_fee else _("利息")
    header = [_("期"), _("还款"), charge, _("剩余本金")]
    for decimals in (2, 0):
        table = [header] + [
            ["…", "", "", ""]
            if row is None
            else [
                str(row.period),
                number(row.payment, decimals),
                number(row.interest + row.fee, decimals),
                number(row.balance, decimals),
            ]
            for row in shown
        ]
        widths = [max(width(line[i]) for line in table) for i in range(4)]
        if sum(widths) + 3 <= PHONE_COLUMNS:
            break
    lines = [
        " ".join(
            ljust(cell, widths[i]) if i == 0 else rjust(cell, widths[i]) for i, cell in enumerate(line)
        ).rstrip()
        for line in table
    ]
    return "<pre>" + esc("\n".join(lines)) + "</pre>"
