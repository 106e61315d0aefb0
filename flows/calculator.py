"""The cost calculator (``/calc`` and free text such as 「借1万分12期，日利率0.05%，要还多少」).

Functions the dialogue engine calls (all pure: nothing is stored here, the engine keeps the returned
dict in ``Session.calc`` and passes it back on the next turn):

- ``calc_intro() -> Reply`` — what ``/calc`` with no text says: how to ask, with examples.
- ``calc_reply(kb, text, previous=None) -> tuple[Reply, dict]`` — read a typed question (or a follow-up
  such as 「改成24期」, merged over ``previous``), compute and render it, or ask for what is missing. A
  comparison typed while the calculator is open (「小米贷款和微粒贷哪个利息低」) gets
  :func:`flows.compare.compare_reply`, and ``previous`` is returned unchanged.
- ``calc_button(kb, button_id, previous=None) -> tuple[Reply, dict]`` — a pressed ``calc:…`` button.
  Ids: ``calc:amount:<yuan>``, ``calc:term:<n>m`` / ``calc:term:<n>d``, ``calc:method:<method>``,
  ``calc:product:<id>``, ``calc:price:<kind>:<pct>``, ``calc:days:<n>``, ``calc:schedule:full``,
  ``calc:new``. Every id fits Telegram's 64 bytes.
- ``is_calc_button(button_id) -> bool`` and ``looks_like_calculation(text, kb)`` (from
  :mod:`knowledge.calc_parse`) for routing free text to the calculator.

The returned dict (``dict[str, float | int | str | None]``) is the request so far; ``{}`` means start
over. Rates of a named product come from the knowledge base with their sources; every result shows the
IRR年化 against the 24 % and 36 % lines the articles cite, and says it is an estimate.
"""

from __future__ import annotations

from dataclasses import replace

from flows.compare import compare_reply, detect_comparison
from flows.formatting import ljust, number, pct, rate, rjust, width, yuan, yuan_short
from flows.i18n import N_, _
from flows.render import cite
from flows.reply import Button, Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.calc_parse import CalcRequest, Missing, looks_like_calculation, parse
from knowledge.costs import (
    LINE_24,
    LINE_36,
    LINE_SOURCES,
    METHODS,
    PRICE_KINDS,
    ChargeEstimate,
    CostResult,
    Method,
    Price,
    QuoteError,
    RateRange,
    Row,
    compute,
    early_fee,
    line_band,
    penalty,
    rate_range,
)
from knowledge.models import Claim

__all__ = ["calc_button", "calc_intro", "calc_reply", "is_calc_button", "looks_like_calculation"]

State = dict[str, float | int | str | None]

#: Widest a ``<pre>`` line may be to fit a phone without wrapping (a CJK character counts two).
PHONE_COLUMNS = 28

METHOD_LABELS: dict[str, str] = {
    "equal_installment": N_("等额本息"),
    "equal_principal": N_("等额本金"),
    "daily": N_("随借随还（按日计息）"),
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
}
#: products offered as buttons when the price is missing, when the knowledge base has their rates
PRODUCT_CHOICES = ("xiaomi", "weilidai", "we2000", "wechat_third_party")


# --- knowledge-base figures ----------------------------------------------------------------------------


def product_rate_range(kb: KnowledgeBase, product_id: str) -> RateRange | None:
    """The product's rate range from the knowledge base (see :func:`knowledge.costs.rate_range`)."""
    product = kb.products.get(product_id)
    return rate_range(product) if product is not None else None


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


# --- entry points ----------------------------------------------------------------------------------------


def is_calc_button(button_id: str) -> bool:
    """Whether a pressed button belongs to the calculator."""
    return button_id.startswith("calc:")


def calc_intro() -> Reply:
    """What ``/calc`` says with no question: how to ask, with examples and a few starting points."""
    text = "\n".join(
        [
            _("<b>借款成本计算器</b>"),
            _("直接发一句话，我算每期还款、总利息和真实年化（IRR），并和24%、36%两条线对比。例如："),
            _("· 借1万分12期，日利率0.05%"),
            _("· 借2万，12期，月费率0.8%"),
            _("· 小米贷款借5000，6期"),
            _("· 借1万逾期10天罚多少"),
            _("· 微粒贷借1万，提前还款手续费多少"),
        ]
    )
    return Reply().add(text, [_product_buttons_row()])


def calc_reply(kb: KnowledgeBase, text: str, previous: State | None = None) -> tuple[Reply, State]:
    """Answer a typed cost question, or a follow-up to the previous one.

    Args:
        kb: the knowledge base (product rates, penalty and fee rules, sources).
        text: what the user typed, e.g. 「借1万分12期，日利率0.05%」 or 「改成24期」.
        previous: the dict this function returned last turn (``Session.calc``), or ``None``.

    Returns:
        The reply and the request so far, to store and pass back next turn.
    """
    compared = detect_comparison(kb, text)
    if compared and not looks_like_calculation(text, kb):
        # 「小米贷款和微粒贷哪个利息低」 typed while the calculator is open: the side-by-side answers it
        return compare_reply(kb, compared), dict(previous or {})
    request = parse(text, kb)
    if request == CalcRequest():
        # nothing a calculation could use: say how to ask, keep what was understood before
        hint = _("没看懂要算什么。请写出金额、期限和利率，例如「借1万分12期，日利率0.05%」。")
        return Reply().add(hint, [[Button(id="calc:new", label=_("重新计算"))]]), dict(previous or {})
    if previous:
        request = request.merged_over(CalcRequest.from_dict(previous))
    return _respond(kb, request), request.to_dict()


def calc_button(kb: KnowledgeBase, button_id: str, previous: State | None = None) -> tuple[Reply, State]:
    """Handle a pressed ``calc:…`` button (see the module docstring for the ids)."""
    request = CalcRequest.from_dict(previous)
    parts = button_id.split(":")
    kind, value = (parts[1], parts[2:]) if len(parts) >= 2 else ("", [])
    if kind == "new":
        return calc_intro(), {}
    if kind == "schedule" and value == ["full"]:
        return _respond(kb, request, full_schedule=True), request.to_dict()
    try:
        request = _apply_button(request, kind, value)
    except (ValueError, IndexError):
        return Reply().add(_("这个按钮已失效，请重新输入问题。")), request.to_dict()
    return _respond(kb, request), request.to_dict()


def _apply_button(request: CalcRequest, kind: str, value: list[str]) -> CalcRequest:
    if kind == "amount":
        return replace(request, amount=float(value[0]))
    if kind == "term":
        raw = value[0]
        if raw.endswith("d"):
            return replace(request, term_days=int(raw[:-1]), term_months=None)
        return replace(request, term_months=int(raw.rstrip("m")), term_days=None)
    if kind == "method" and value[0] in METHODS:
        return replace(request, method=value[0])
    if kind == "product":
        return replace(request, product=value[0], price=None, price_guessed=False)
    if kind == "price" and value[0] in PRICE_KINDS:
        price = Price(value[0], float(value[1]))
        return replace(request, price=price, product=None, price_guessed=False)
    if kind == "days":
        return replace(request, overdue_days=int(value[0]), intent="penalty")
    raise ValueError(kind)


def _respond(kb: KnowledgeBase, request: CalcRequest, *, full_schedule: bool = False) -> Reply:
    notes: list[str] = []
    fixed = _fixed_amount(kb, request.product)
    if fixed is not None and request.amount != fixed:
        if request.amount is not None:
            notes.append(
                _("{product}的额度固定为{amount}，下面按{amount}算。").format(
                    product=esc(kb.product_name(request.product)), amount=yuan_short(fixed)
                )
            )
        request = replace(request, amount=fixed)
    reply = _answer(kb, request, full_schedule=full_schedule)
    if notes and reply.messages:
        first = reply.messages[0]
        reply.messages[0] = first.model_copy(update={"text": "\n".join([*notes, first.text])})
    return reply


def _answer(kb: KnowledgeBase, request: CalcRequest, *, full_schedule: bool) -> Reply:
    if request.intent == "penalty":
        return _penalty_reply(kb, request)
    if request.intent == "early":
        return _early_reply(kb, request)
    missing = request.missing()
    if missing:
        return _ask(kb, request, missing)
    return _cost_reply(kb, request, full_schedule=full_schedule)


# --- asking for what is missing --------------------------------------------------------------------------


def _product_buttons_row(kb: KnowledgeBase | None = None) -> list[Button]:
    ids = [p for p in PRODUCT_CHOICES if kb is None or product_rate_range(kb, p) is not None]
    names = {
        "xiaomi": N_("小米贷款"),
        "weilidai": N_("微粒贷"),
        "we2000": N_("WE2000"),
        "wechat_third_party": N_("第三方平台"),
    }
    return [Button(id=f"calc:product:{p}", label=_(names[p])) for p in ids]


def _understood(request: CalcRequest) -> str:
    """「已记下：借 1万元 · 12期」 — what was understood so far, so the user can correct it."""
    parts = []
    if request.amount is not None:
        parts.append(_("借 {amount}").format(amount=yuan_short(request.amount)))
    parts.extend(_term_text(request))
    if request.method is not None:
        parts.append(_(METHOD_LABELS[request.method]))
    if request.price is not None:
        parts.append(_price_text(request.price))
    if request.overdue_days is not None:
        parts.append(_("逾期{days}天").format(days=request.overdue_days))
    return _("已记下：{items}").format(items=" · ".join(parts)) if parts else ""


def _term_text(request: CalcRequest) -> list[str]:
    if request.term_months is not None:
        return [_("{n}期（月）").format(n=request.term_months)]
    if request.term_days is not None:
        return [_("{n}天").format(n=request.term_days)]
    return []


def _price_text(price: Price) -> str:
    return _("{label}{value}").format(label=_(PRICE_LABELS[price.kind]), value=rate(price.value_pct))


def _ask(kb: KnowledgeBase, request: CalcRequest, missing: list[Missing]) -> Reply:
    first = missing[0]
    lines = [line for line in [_understood(request)] if line]
    buttons: list[list[Button]] = []
    if first == "amount":
        lines.append(_("想借多少钱？例如「借1万」「5000元」「两万五」。"))
        buttons.append(
            [Button(id=f"calc:amount:{a}", label=yuan_short(a)) for a in (2000, 5000, 10_000, 50_000)]
        )
    elif first == "term":
        lines.append(_("借多久？例如「12期」「6个月」「一年」「30天」。"))
        buttons.append(
            [Button(id=f"calc:term:{n}m", label=_("{n}期").format(n=n)) for n in (3, 6, 12, 24)]
            + [Button(id="calc:term:30d", label=_("30天"))]
        )
    elif first == "price":
        lines.append(
            _(
                "利率或费率是多少？照贷款页面写，例如「日利率0.05%」「年化18%」「月费率0.8%」；"
                "也可以选一个产品，用知识库里它的利率范围算："
            )
        )
        row = _product_buttons_row(kb)
        if row:
            buttons.append(row)
    else:  # days
        lines.append(_("逾期多少天？例如「逾期10天」。"))
        buttons.append([Button(id=f"calc:days:{n}", label=_("{n}天").format(n=n)) for n in (1, 3, 10, 30)])
    return Reply().add("\n".join(lines), buttons)


def _error(exc: QuoteError) -> Reply:
    text = _(ERROR_TEXTS.get(exc.code, N_("这组数字算不了，请检查后再发一次。")))
    return Reply().add(text, [[Button(id="calc:new", label=_("重新计算"))]])


# --- cost ---------------------------------------------------------------------------------------------


def _cost_reply(kb: KnowledgeBase, request: CalcRequest, *, full_schedule: bool) -> Reply:
    scenarios: list[tuple[str, Price]]
    rates = product_rate_range(kb, request.product) if request.product and request.price is None else None
    if request.price is not None:
        scenarios = [("", request.price)]
    elif rates is not None:
        if rates.high is None:
            scenarios = [(N_("最低"), rates.low)]
        elif rates.high == rates.low:
            scenarios = [("", rates.low)]
        else:
            scenarios = [(N_("低"), rates.low), (N_("高"), rates.high)]
    else:
        name = esc(kb.product_name(request.product))
        reply = Reply().add(
            _("知识库里没有{product}的利率数字，请直接写出利率，例如「日利率0.05%」。").format(product=name)
        )
        return reply
    results: list[tuple[str, CostResult]] = []
    for label, price in scenarios:
        quote = request.quote(price)
        if isinstance(quote, list):
            return _ask(kb, request, quote)
        try:
            results.append((label, compute(quote)))
        except QuoteError as exc:
            return _error(exc)
    shown = results[-1][1]  # with a product's range, the schedule shows the dearer case
    estimate = _("<i>仅为估算（{convention}），实际以借款合同和还款计划为准。</i>").format(
        convention=_convention(shown)
    )
    if full_schedule:
        parts = [_headline(kb, request, shown)]
        if len(results) > 1:
            parts.append(_("还款计划按较高的{price}：").format(price=_price_text(shown.quote.price)))
        parts += [_schedule(shown, full=True), estimate]
        return Reply().add("\n".join(parts), _after_buttons(shown, False))
    lines = [_headline(kb, request, shown)]
    if rates is not None:
        lines.append(_rate_source_line(kb, request.product or "", rates))
        for label, result in results:
            lines.append(_scenario_line(label, result))
    else:
        lines.extend(_detail_lines(shown, guessed=request.price_guessed))
    if len(results) > 1:
        lines.append(_("还款计划按较高的{price}：").format(price=_price_text(shown.quote.price)))
    lines.append(_schedule(shown, full=False))
    lines.extend(_line_comparison(kb, [r for _, r in results]))
    lines.append(estimate)
    return Reply().add("\n".join(line for line in lines if line), _after_buttons(shown, len(shown.rows) > 3))


def _headline(kb: KnowledgeBase, request: CalcRequest, result: CostResult) -> str:
    quote = result.quote
    parts = []
    if request.product and request.price is None:
        parts.append(esc(kb.product_name(request.product)))
    parts.append(_("借 {amount}").format(amount=yuan_short(quote.amount)))
    if quote.method == "daily":
        parts.append(_("{n}天").format(n=quote.days()))
    else:
        parts.append(_("{n}期").format(n=quote.months()))
    method = quote.method
    label = _(METHOD_LABELS[method])
    if quote.price.kind == "monthly_fee" and method != "interest_first":
        label = _("每月本金等额＋固定费用")
    parts.append(label)
    return "<b>" + " · ".join(parts) + "</b>"


def _detail_lines(result: CostResult, *, guessed: bool) -> list[str]:
    quote, price = result.quote, result.quote.price
    if price.kind == "annual":
        lines = [_("报价：{price}").format(price=_price_text(price))]
    else:
        lines = [
            _("报价：{price}（名义年化 {nominal}）").format(
                price=_price_text(price), nominal=pct(result.nominal_annual_pct)
            )
        ]
    if guessed:
        lines.append(
            _("没写明是日、月还是年利率，我按{kind}理解；不对的话请写明，例如「年化12%」。").format(
                kind=_(PRICE_LABELS[price.kind])
            )
        )
    if result.period_unit == "month":
        if quote.method == "equal_principal":
            lines.append(
                _("首期还 {first}，逐月减少，末期 {last}").format(
                    first=yuan(result.per_period), last=yuan(result.last_payment)
                )
            )
        elif quote.method == "interest_first":
            lines.append(
                _("每期付息 {first}，末期连本带息 {last}").format(
                    first=yuan(result.per_period), last=yuan(result.last_payment)
                )
            )
        else:
            lines.append(_("每期还 {payment}").format(payment=yuan(result.per_period)))
    else:
        lines.append(_("到期一次还 {payment}").format(payment=yuan(result.per_period)))
    if result.total_fees > 0 and result.total_interest > 0:
        lines.append(
            _("利息 {interest} · 费用 {fees} · 共还 {total}").format(
                interest=yuan(result.total_interest),
                fees=yuan(result.total_fees),
                total=yuan(result.total_paid),
            )
        )
    elif result.total_fees > 0:
        lines.append(
            _("费用 {fees} · 共还 {total}").format(
                fees=yuan(result.total_fees), total=yuan(result.total_paid)
            )
        )
    else:
        lines.append(
            _("利息 {interest} · 共还 {total}").format(
                interest=yuan(result.total_interest), total=yuan(result.total_paid)
            )
        )
    lines.append(_irr_line(result))
    if price.kind == "monthly_fee":
        lines.append(
            _(
                "月费率按最初的本金收，本金还了费用也不减，所以真实年化（{irr}）远高于月费率×12（{nominal}）。"
            ).format(irr=pct(result.irr_annual_pct), nominal=pct(result.nominal_annual_pct))
        )
    return lines


def _irr_line(result: CostResult) -> str:
    if result.period_unit == "month":
        return _("<b>IRR年化 {irr}</b>（月IRR×12；按复利算 {effective}）").format(
            irr=pct(result.irr_annual_pct), effective=pct(result.effective_annual_pct)
        )
    return _("<b>IRR年化 {irr}</b>（单利；按复利算 {effective}）").format(
        irr=pct(result.irr_annual_pct), effective=pct(result.effective_annual_pct)
    )


def _rate_source_line(kb: KnowledgeBase, product_id: str, rates: RateRange) -> str:
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
            _("{range}（{source}）").format(range=_claim_range(c), source=esc(cite(kb, c.sources)))
            for c in rates.claims
        )
        text += "\n" + _("⚠️ 各来源说法不一：{details}").format(details=details)
    else:
        text += _("（{source}）").format(source=esc(cite(kb, rates.sources)))
    return text


def _claim_range(claim: Claim) -> str:
    low = claim.low if claim.low is not None else claim.high
    high = claim.high if claim.high is not None else claim.low
    if low is None or high is None:
        return esc(claim.value)
    return rate(low) if low == high else f"{rate(low)}–{rate(high)}"


def _scenario_line(label: str, result: CostResult) -> str:
    head = _("{label}：").format(label=_(label)) if label else ""
    if result.period_unit == "day":
        template = _("{price} → 到期还 {payment}，利息 {interest}，IRR年化 {irr}")
    else:
        template = _("{price} → 每期 {payment}，利息 {interest}，IRR年化 {irr}")
    return head + template.format(
        price=_price_text(result.quote.price),
        payment=yuan(result.per_period),
        interest=yuan(result.total_cost),
        irr=pct(result.irr_annual_pct),
    )


def _convention(result: CostResult) -> str:
    price = result.quote.price
    if result.period_unit == "day":
        return _("按日单利计息，到期一次还本付息，年按365天")
    if price.kind == "daily":
        return _("日利率×30折成月利率，即每月按30天计；名义年化=日利率×365")
    if price.kind == "annual":
        return _("年化÷12折成月利率")
    if price.kind == "monthly_fee":
        return _("每月费用=最初本金×月费率")
    return _("按月利率逐月计息")


def _line_comparison(kb: KnowledgeBase, results: list[CostResult]) -> list[str]:
    """Where each result falls against 24 % and 36 % (IRR年化, or the nominal rate when higher), with the
    articles that cite the lines."""
    by_band: dict[str, list[str]] = {}
    for result in results:
        figures = by_band.setdefault(line_band(result.compared_pct), [])
        # name the figure compared: the IRR, or the stated rate when 30-day months put the IRR below it
        if result.irr_annual_pct >= result.nominal_annual_pct:
            figure = _("IRR年化 {rate}").format(rate=pct(result.irr_annual_pct))
        else:
            figure = _("名义年化 {rate}").format(rate=pct(result.nominal_annual_pct))
        if figure not in figures:
            figures.append(figure)
    return line_verdicts(kb, by_band)


def line_verdicts(kb: KnowledgeBase, by_band: dict[str, list[str]]) -> list[str]:
    """One line per band (``within_24``, ``over_24``, ``over_36``): the figures named in it, set against
    24 % and 36 % with the articles that cite the lines. The message check (flows/inspect_view) shares it."""
    cite24 = esc(cite(kb, [LINE_SOURCES[LINE_24]]))
    cite36 = esc(cite(kb, [LINE_SOURCES[LINE_36]]))
    lines: list[str] = []
    for band, figures in by_band.items():
        irr = _("、").join(figures)  # the list separator of the language: 、 in Chinese
        if band == "within_24":
            lines.append(
                _("✅ {irr} 未超过24%（{cite24}）和36%（{cite36}）。").format(
                    irr=irr, cite24=cite24, cite36=cite36
                )
            )
        elif band == "over_24":
            lines.append(
                _(
                    "⚠️ {irr} 超过了24%（{cite24}：网络小贷IRR年化不得超过24%），"
                    "但未超过36%（{cite36}）。请慎重。"
                ).format(irr=irr, cite24=cite24, cite36=cite36)
            )
        else:
            lines.append(
                _(
                    "⛔ {irr} 超过了36%红线（{cite36}），也超过24%（{cite24}）：这是高利贷的价格，不建议借。"
                ).format(irr=irr, cite24=cite24, cite36=cite36)
            )
    return lines


def _after_buttons(result: CostResult, offer_full: bool) -> list[list[Button]]:
    rows: list[list[Button]] = []
    if offer_full:
        rows.append([Button(id="calc:schedule:full", label=_("完整还款计划"))])
    others: list[Method] = (
        ["equal_installment", "equal_principal", "interest_first"] if result.quote.method != "daily" else []
    )
    switch = [
        Button(id=f"calc:method:{m}", label=_("改为{method}").format(method=_(METHOD_LABELS[m])))
        for m in others
        if m != result.quote.method
    ]
    if switch and result.quote.price.kind != "monthly_fee":
        rows.append(switch)
    rows.append([Button(id="calc:new", label=_("重新计算"))])
    return rows


# --- schedule table -----------------------------------------------------------------------------------


def _schedule(result: CostResult, *, full: bool) -> str:
    """A ``<pre>`` table that fits a phone: period, payment, interest (or fee), balance after it."""
    rows: list[Row | None] = list(result.rows)
    if not full and len(rows) > 3:
        rows = [rows[0], rows[1], None, rows[-1]]
    charge = _("费用") if result.quote.price.kind == "monthly_fee" else _("利息")
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
            for row in rows
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


# --- penalty and early settlement ---------------------------------------------------------------------


def _products_with(kb: KnowledgeBase, key: str, request: CalcRequest) -> list[str]:
    """The named product, else every product of the self-check that has the attribute."""
    if request.product:
        return [request.product]
    return [p.id for p in kb.products.values() if p.checkable and key in p.attributes]


def _daily_rate_range(kb: KnowledgeBase, request: CalcRequest, product_id: str) -> tuple[float, float] | None:
    if request.price is not None:
        daily = request.price.daily_pct()
        return daily, daily
    rates = product_rate_range(kb, product_id)
    if rates is None:
        return None
    high = rates.high or rates.low
    return rates.low.daily_pct(), high.daily_pct()


def _money_range(estimate: ChargeEstimate) -> str:
    if abs(estimate.high - estimate.low) < 0.005:
        return yuan(estimate.low)
    return f"{yuan(estimate.low)}–{yuan(estimate.high)}"


def _note(claim: Claim) -> str:
    return _("〔{note}〕").format(note=esc(claim.note)) if claim.note else ""


def _penalty_reply(kb: KnowledgeBase, request: CalcRequest) -> Reply:
    missing = request.missing()
    if missing:
        return _ask(kb, request, missing)
    assert request.amount is not None and request.overdue_days is not None
    days = request.overdue_days
    lines = [
        _("<b>逾期 {days} 天的罚息估算</b>（按逾期金额＝{amount}）").format(
            days=days, amount=yuan_short(request.amount)
        )
    ]
    found = False
    for product_id in _products_with(kb, "penalty", request):
        product = kb.products.get(product_id)
        attribute = product.attributes.get("penalty") if product else None
        if attribute is None:
            lines.append(
                _("{product}：知识库里没有罚息规则。").format(product=esc(kb.product_name(product_id)))
            )
            continue
        found = True
        lines.append("<b>" + esc(kb.product_name(product_id)) + "</b>")
        for claim in attribute.claims:
            try:
                estimate = penalty(
                    claim,
                    principal=request.amount,
                    overdue_amount=request.amount,
                    days=days,
                    daily_rate_pct=_daily_rate_range(kb, request, product_id),
                )
            except QuoteError as exc:
                return _error(exc)
            rates = _daily_rate_range(kb, request, product_id)
            figure = _money_range(estimate) if estimate else _("没有可计算的标准")
            if estimate and claim.unit == "x_daily_rate" and rates:
                basis = rate(rates[0]) if rates[0] == rates[1] else f"{rate(rates[0])}–{rate(rates[1])}"
                figure += _("（按日利率{rates}）").format(rates=basis)
            lines.append(
                _("· {rule} → {figure}（{source}）").format(
                    rule=esc(claim.value), figure=figure, source=esc(cite(kb, claim.sources))
                )
                + _note(claim)
            )
        if attribute.conflict or len(attribute.claims) > 1:
            lines.append(
                _("⚠️ 各来源对{product}罚息的说法不一，以上都列出。").format(
                    product=esc(kb.product_name(product_id))
                )
            )
    if found:
        lines.append(_("逾期还可能上报征信、影响以后借款。"))
    lines.append(_("<i>仅为估算，按单利逐日计；实际以借款合同为准。</i>"))
    return Reply().add("\n".join(lines), [[Button(id="calc:new", label=_("重新计算"))]])


def _early_reply(kb: KnowledgeBase, request: CalcRequest) -> Reply:
    missing = request.missing()
    if missing:
        return _ask(kb, request, missing)
    assert request.amount is not None
    lines = [_("<b>提前还款手续费估算</b>（按剩余本金＝{amount}）").format(amount=yuan_short(request.amount))]
    for product_id in _products_with(kb, "early_repayment_fee", request):
        product = kb.products.get(product_id)
        attribute = product.attributes.get("early_repayment_fee") if product else None
        if attribute is None:
            lines.append(
                _("{product}：知识库里没有提前还款费用的说法。").format(
                    product=esc(kb.product_name(product_id))
                )
            )
            continue
        lines.append("<b>" + esc(kb.product_name(product_id)) + "</b>")
        for claim in attribute.claims:
            try:
                estimate = early_fee(claim, request.amount)
            except QuoteError as exc:
                return _error(exc)
            figure = _money_range(estimate) if estimate else ""
            arrow = " → " + figure if figure else ""
            lines.append(
                _("· {rule}{figure}（{source}）").format(
                    rule=esc(claim.value), figure=arrow, source=esc(cite(kb, claim.sources))
                )
                + _note(claim)
            )
        if attribute.conflict or len({c.value for c in attribute.claims}) > 1:
            lines.append(_("⚠️ 各来源说法不一，可能因还款方式而不同，以上都列出。"))
    lines.append(_("<i>仅为估算；实际以借款合同为准，提前还款前可先在App里查看结清金额。</i>"))
    return Reply().add("\n".join(lines), [[Button(id="calc:new", label=_("重新计算"))]])
