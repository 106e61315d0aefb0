"""The calculator's shared words (method and price labels, error texts, the verdict on a rate, where the
24 % and 36 % lines come from) and its questions for what a calculation still lacks."""

from __future__ import annotations

from flows.buttons import CalcAmount, CalcDays, CalcNew, CalcProduct, CalcTerm
from flows.formatting import rate, yuan_short
from flows.i18n import N_, _
from flows.render import cite
from flows.reply import Button, Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.calc_request import CalcRequest, Missing
from knowledge.cost_answer import Band
from knowledge.costs import LINE_24, LINE_36, LINE_SOURCES, Price

#: a true annual rate from which an answer within 24 % is called 「偏高」 rather than 「不算高」
HIGHISH_PCT = 18.0
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


def understood(request: CalcRequest, kb: KnowledgeBase | None = None) -> str:
    """「已记下：微粒贷 · 借 1万元 · 12期」 — what was understood so far, so the person can correct it (the
    product priced by, when ``kb`` names it)."""
    parts = []
    if kb is not None and request.product in kb.products:
        parts.append(kb.product_name(request.product or ""))
    if request.amount is not None:
        parts.append(_("借 {amount}").format(amount=yuan_short(request.amount)))
    if term_text(request):
        parts.append(term_text(request))
    if request.method is not None:
        parts.append(_(METHOD_LABELS[request.method]))
    if request.price is not None:
        parts.append(price_text(request.price))
    for name, template in SUMS_UNDERSTOOD:
        value = getattr(request, name)
        if value is not None:
            parts.append(_(template).format(amount=yuan_short(value)))
    if request.overdue_days is not None:
        parts.append(_("逾期{days}天").format(days=request.overdue_days))
    return _("已记下：{items}").format(items=" · ".join(parts)) if parts else ""


SUMS_UNDERSTOOD = [
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
    lines = [line for line in [lead, understood(request, kb)] if line]
    buttons: list[list[Button]] = []
    if first == "amount" and request.intent == "penalty" and request.overdue_days is not None:
        lines.append(
            _("逾期的是多少钱？例如「欠5000」「一万」，我按这{days}天算。").format(days=request.overdue_days)
        )
        buttons.append([CalcAmount(yuan=a).button(yuan_short(a)) for a in (2000, 5000, 10_000, 50_000)])
    elif first == "amount":
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
