"""Wording a cost answer: the answer first, in one or two lines, and the details behind a button.

The first lines say the figure asked for, the true annual rate (IRR年化), where it stands against the 24 %
and 36 % lines the articles cite, and a plain judgement (「不算高」「偏高」「超过24%」). When the words left
open whether the loan is repaid in instalments or kept to the end, the assumption is stated and the other
reading's figure shown beside it when they differ a lot. The schedule and the conventions come after, or
behind the 「还款计划与明细」 button.
"""

from __future__ import annotations

from flows.buttons import CalcAmount, CalcDays, CalcMethod, CalcNew, CalcProduct, CalcSchedule, CalcTerm
from flows.formatting import ljust, number, pct, rate, rjust, width, yuan, yuan_short
from flows.i18n import N_, _
from flows.render import cite
from flows.reply import Button, Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.calc_request import CalcRequest, Missing
from knowledge.cost_answer import Band, CostAnswer, Figures
from knowledge.costs import LINE_24, LINE_36, LINE_SOURCES, CostResult, Method, Price, RateRange, Row
from knowledge.models import Claim

#: Widest a ``<pre>`` line may be to fit a phone without wrapping (a CJK character counts two).
PHONE_COLUMNS = 28
#: a true annual rate from which an answer within 24 % is called 「偏高」 rather than 「不算高」
HIGHISH_PCT = 18.0
#: the other reading is shown beside the headline when its cost differs by more than this share
READINGS_DIFFER = 0.2

METHOD_LABELS: dict[str, str] = {
    "equal_installment": N_("等额本息"),
    "equal_principal": N_("等额本金"),
    "daily": N_("到期一次还本付息"),
    "interest_first": N_("先息后本"),
}
PRICE_LABELS: dict[str, str] = {
    "daily": N_("日利率"),
    "monthly": N_("月利率"),
    "annual": N_("年化利率"),
    "monthly_fee": N_("月费率"),
}
ERROR_TEXTS: dict[str, str] = {
    "amount_not_positive": N_("借款金额要大于0，例如「借1万」。"),
    "amount_too_large": N_(
        "金额超过1000万元，超出了计算器的范围；网贷额度一般是几千到几十万元，请检查金额。"
    ),
    "too_large": N_("金额超过1000万元，超出了计算器的范围；网贷额度一般是几千到几十万元，请检查金额。"),
    "term_missing": N_("请告诉我借多久，例如「12期」「6个月」「30天」。"),
    "term_not_positive": N_("期限至少要1期或1天，例如「12期」「30天」。"),
    "term_not_whole_months": N_(
        "按月还款的方式需要整月的期限，例如「3个月」或「90天」；按天借请选随借随还。"
    ),
    "term_too_long": N_("期限最长算到60个月（1825天）；网贷分期一般在36期以内，请检查期限。"),
    "rate_not_positive": N_(
        "利率要大于0。写着“免息”的产品往往另收服务费，请把费用写上，例如「月费率0.5%」。"
    ),
    "rate_too_high": N_("折合年化超过1000%，不像真实报价：请检查是否多打了一位，或把日利率写成了年化。"),
    "fee_needs_installments": N_("月费率用于分期还款；随借随还请给日利率，例如「日利率0.05%」。"),
    "days_not_positive": N_("逾期天数要至少1天，例如「逾期10天」。"),
    "days_too_long": N_("逾期天数最长算到1825天，请检查天数。"),
    "not_positive": N_("金额和期数都要大于0，请检查后再发一次。"),
    "fee_not_below_amount": N_("先扣的费用不能等于或超过借款金额，请检查金额和到手的钱。"),
    "repaid_less_than_received": N_("还的钱比到手的钱还少，这组数字对不上，请检查每期还款或总还款。"),
    "no_rate": N_("这组数字算不出利率，请检查金额、期数和每期还款。"),
}
#: products offered as buttons when the price is missing, when the knowledge base has their rates
PRODUCT_CHOICES = ("xiaomi", "weilidai", "we2000", "wechat_third_party")
PRODUCT_NAMES = {
    "xiaomi": N_("小米贷款"),
    "weilidai": N_("微粒贷"),
    "we2000": N_("WE2000"),
    "wechat_third_party": N_("第三方平台"),
}


# --- small pieces ----------------------------------------------------------------------------------


def price_text(price: Price) -> str:
    """「日利率0.05%」."""
    return _("{label}{value}").format(label=_(PRICE_LABELS[price.kind]), value=rate(price.value_pct))


def term_text(request: CalcRequest) -> str:
    """「12期」「30天」「一年」 as the person gave it."""
    if request.term_days is not None:
        return _("{n}天").format(n=request.term_days)
    if request.term_months is None:
        return ""
    if request.by_periods:
        return _("{n}期").format(n=request.term_months)
    return _("{n}个月").format(n=request.term_months)


def error_reply(code: str) -> Reply:
    """A friendly word for figures that cannot describe a loan."""
    text = _(ERROR_TEXTS.get(code, N_("这组数字算不了，请检查后再发一次。")))
    return Reply().add(text, [[CalcNew().button(_("重新计算"))]])


def product_buttons_row(kb: KnowledgeBase | None = None) -> list[Button]:
    """A button per product whose rates the knowledge base has, to price the loan by."""
    from knowledge.costs import rate_range

    ids = [p for p in PRODUCT_CHOICES if kb is None or (p in kb.products and rate_range(kb.products[p]))]
    return [CalcProduct(product=p).button(_(PRODUCT_NAMES[p])) for p in ids]


def judgement(band: Band, apr_pct: float) -> str:
    """A plain word on the price: 「不算高」, 「偏高」, 「超过24%」, 「超过36%」."""
    if band == "over_36":
        return _("超过36%，是高利贷的价格")
    if band == "over_24":
        return _("超过24%，偏贵")
    if apr_pct >= HIGHISH_PCT:
        return _("偏高，但未超过24%")
    return _("不算高，未超过24%")


def line_citations(kb: KnowledgeBase) -> str:
    """Where the 24 % and 36 % lines come from."""
    return _("24%见{cite24}，36%见{cite36}").format(
        cite24=esc(cite(kb, [LINE_SOURCES[LINE_24]]).removeprefix("来源：")),
        cite36=esc(cite(kb, [LINE_SOURCES[LINE_36]]).removeprefix("来源：")),
    )


# --- asking for what is missing ----------------------------------------------------------------------


def understood(request: CalcRequest) -> str:
    """「已记下：借 1万元 · 12期」 — what was understood so far, so the person can correct it."""
    parts = []
    if request.amount is not None:
        parts.append(_("借 {amount}").format(amount=yuan_short(request.amount)))
    if term_text(request):
        parts.append(term_text(request))
    if request.method is not None:
        parts.append(_(METHOD_LABELS[request.method]))
    if request.price is not None:
        parts.append(price_text(request.price))
    for name, template in _SUMS_UNDERSTOOD:
        value = getattr(request, name)
        if value is not None:
            parts.append(_(template).format(amount=yuan_short(value)))
    if request.overdue_days is not None:
        parts.append(_("逾期{days}天").format(days=request.overdue_days))
    return _("已记下：{items}").format(items=" · ".join(parts)) if parts else ""


_SUMS_UNDERSTOOD = [
    ("installment", N_("每期还 {amount}")),
    ("total_repaid", N_("共还 {amount}")),
    ("interest_total", N_("利息 {amount}")),
    ("interest_month", N_("每月利息 {amount}")),
    ("per_day_yuan", N_("每天利息 {amount}")),
    ("fee_month", N_("每期手续费 {amount}")),
    ("received", N_("到手 {amount}")),
    ("fee_upfront", N_("先扣 {amount}")),
]


def ask(kb: KnowledgeBase, request: CalcRequest, missing: list[Missing], lead: str = "") -> Reply:
    """Ask for the first thing missing, after what was understood (and ``lead``, e.g. a rate's verdict)."""
    first = missing[0]
    lines = [line for line in [lead, understood(request)] if line]
    buttons: list[list[Button]] = []
    if first == "amount":
        lines.append(_("想借多少钱？例如「借1万」「5000元」「两万五」。"))
        buttons.append([CalcAmount(yuan=a).button(yuan_short(a)) for a in (2000, 5000, 10_000, 50_000)])
    elif first == "term":
        lines.append(_("借多久？例如「12期」「6个月」「一年」「30天」。"))
        buttons.append(
            [CalcTerm(unit="m", count=n).button(_("{n}期").format(n=n)) for n in (3, 6, 12, 24)]
            + [CalcTerm(unit="d", count=30).button(_("30天"))]
        )
    elif first == "price":
        lines.append(
            _(
                "利率或费率是多少？照贷款页面写，例如「日利率0.05%」「年化18%」「月费率0.8%」，"
                "或写每期还多少、一共还多少；也可以选一个产品，用知识库里它的利率范围算："
            )
        )
        row = product_buttons_row(kb)
        if row:
            buttons.append(row)
    else:  # days
        lines.append(_("逾期多少天？例如「逾期10天」。"))
        buttons.append([CalcDays(days=n).button(_("{n}天").format(n=n)) for n in (1, 3, 10, 30)])
    return Reply().add("\n".join(lines), buttons)


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
        for name, template in _SUMS_UNDERSTOOD
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
        return _("按你给的金额和还款倒推，IRR按月×12（按天借的按天×365）")
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
