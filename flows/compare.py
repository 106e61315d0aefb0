"""Side-by-side product comparison (``/compare``, 「小米贷款和微粒贷哪个利息低」).

Functions the dialogue engine calls:

- ``compare_reply(kb, product_ids) -> Reply`` — the comparison of the given products; an empty list
  gives a chooser with buttons for common pairs, one product asks for a second one.
- ``detect_comparison(kb, text) -> list[str] | None`` — the products of a question naming two or more
  with 比/对比/哪个/还是/区别/vs; ``None`` when the text is not a comparison.

The table is a ``<pre>`` block of at most :data:`PHONE_COLUMNS` display columns (a Chinese character
counts two), one block per attribute with a line per product, so it reads on a phone in Telegram and
in a terminal alike. Figures are the knowledge base's; a cell whose sources disagree is marked ``*``
and a second message lists every source's value. The last line names the sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel.numbers import format_decimal

from flows.buttons import CalcProduct, CheckStart, Compare, CompareFull, CompareStart
from flows.formatting import babel_locale, figure_short, ljust, number, width, wrap
from flows.i18n import N_, _, knowledge_language_note
from flows.render import cite
from flows.reply import Button, Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.calc_parse import products_named
from knowledge.costs import LoanQuote, Price, compute, rate_range
from knowledge.models import Attribute, AttributeKey, Claim
from knowledge.understanding.normalize import fold

__all__ = ["compare_reply", "detect_comparison"]

PHONE_COLUMNS = 28
#: the loan priced for every product, so 「哪个利息低」 gets figures
EXAMPLE_AMOUNT = 10_000.0
EXAMPLE_MONTHS = 12
#: room for a product's name at the start of a line (a space, 4 Chinese characters, a space)
NAME_COLUMNS = 8

#: (attribute key, row label) in the order shown
ROWS: list[tuple[AttributeKey, str]] = [
    ("limit", N_("额度")),
    ("daily_rate", N_("日利率")),
    ("annual_rate", N_("年化利率")),
    ("penalty", N_("逾期罚息")),
    ("early_repayment_fee", N_("提前还款费")),
    ("credit_reporting", N_("征信上报")),
    ("speed", N_("审批/到账")),
    ("age_range", N_("年龄")),
]
#: the rows of the short table shown first: what a loan costs and how much one can borrow
SHORT_ROWS: set[AttributeKey] = {"limit", "daily_rate", "annual_rate"}
#: attributes whose figures from several sources combine into one range
RANGE_ROWS: set[AttributeKey] = {"limit", "daily_rate", "annual_rate", "age_range", "speed"}
#: names short enough for the name column
SHORT_NAMES = {"wechat_third_party": "第三方", "weiyedai": "微业贷", "jiebei": "借呗", "jintiao": "京东金条"}
#: pairs offered by the chooser, when the knowledge base has both products
COMMON_PAIRS: list[tuple[str, ...]] = [
    ("xiaomi", "weilidai"),
    ("weilidai", "we2000"),
    ("xiaomi", "jiebei"),
    ("weilidai", "jiebei", "jintiao"),
    ("xiaomi", "weilidai", "we2000"),
]
_COMPARE_CUES = re.compile(r"比|对比|哪个|哪一个|还是|区别|不同|vs|VS|pk|PK|差别|更好|更低|更便宜|更划算")


@dataclass(frozen=True)
class Cell:
    """What one product says about one attribute: the text to show and whether its sources disagree."""

    parts: list[str]
    conflict: bool
    claims: list[Claim]


# --- entry points -------------------------------------------------------------------------------------


def detect_comparison(kb: KnowledgeBase, text: str) -> list[str] | None:
    """The product ids of a comparison question, or ``None`` if ``text`` is not one.

    A comparison names two or more products and has a cue such as 比, 对比, 哪个, 还是, 区别 or vs.
    """
    named = [p for p in products_named(kb, text) if p in kb.products]
    if len(named) < 2 or not _COMPARE_CUES.search(fold(text)):
        return None
    return named


def compare_reply(
    kb: KnowledgeBase, product_ids: list[str], *, full: bool = False, only: AttributeKey | None = None
) -> Reply:
    """The side-by-side comparison of ``product_ids`` (unknown ids are skipped, repeats dropped): short
    (limits, rates and what a sample loan costs) unless ``full``, with the whole table behind a button.

    Args:
        kb: the knowledge base.
        product_ids: two or more product ids; fewer gives a chooser.
        full: every row (penalties, early repayment, credit reporting, speed, ages).
        only: just this row (「这俩哪个上征信」 asked about the comparison in view).
    """
    ids = [p for p in dict.fromkeys(product_ids) if p in kb.products]
    if len(ids) < 2:
        return _chooser(kb, ids)
    cells = {(p, key): _cell(kb, p, key) for p in ids for key, _label in ROWS}
    present = [(key, label) for key, label in ROWS if any(cells[(p, key)] is not None for p in ids)]
    rows = present if full else [(key, label) for key, label in present if key in SHORT_ROWS]
    if only is not None:
        rows = [(key, label) for key, label in present if key == only] or rows
    names = " / ".join(esc(kb.product_name(p)) for p in ids)
    table_lines: list[str] = []
    for key, label in rows:
        table_lines.append(_(label))
        for p in ids:
            cell = cells[(p, key)]
            parts = ["—"] if cell is None else list(cell.parts)
            if cell is not None and cell.conflict:
                parts[-1] += "*"
            table_lines.extend(_cell_lines(_short_name(kb, p), parts))
        if key == "annual_rate" or (key == "daily_rate" and not any(k == "annual_rate" for k, _l in rows)):
            table_lines.extend(_example_block(kb, ids))
    shown = {key for key, _label in rows}
    sources = [
        s
        for (_p, key), cell in cells.items()
        if cell and key in shown
        for claim in cell.claims
        for s in claim.sources
    ]
    text = "\n".join(
        [
            _("<b>对比：{names}</b>").format(names=names),
            "<pre>" + esc("\n".join(table_lines)) + "</pre>",
            _(
                "“借1万分12期利息”按等额本息和知识库里的利率范围估算，日利率×365÷12折成月利率；"
                "细算请用 /calc。"
            )
            if shown & {"annual_rate", "daily_rate"} and any(rate_range(kb.products[p]) for p in ids)
            else "",
            _("带 * 的格子各来源说法不一，详见下一条。")
            if any(c and c.conflict and key in shown for (_p, key), c in cells.items())
            else "",
            esc(cite(kb, list(dict.fromkeys(sources)))),
            _("<i>数字来自文章，未经核实；利率和额度因人而异，以申请页面和合同为准。</i>"),
            esc(knowledge_language_note()),
        ]
    )
    buttons = _after_buttons(ids)
    if len(rows) < len(present):
        buttons.insert(0, _full_table_row(ids))
    reply = Reply().add("\n".join(line for line in text.split("\n") if line), buttons)
    footnotes = _footnotes(kb, ids, rows, cells)
    if footnotes:
        reply.add(footnotes)
    return reply


def _example_block(kb: KnowledgeBase, ids: list[str]) -> list[str]:
    """「借1万分12期利息」 per product at both ends of its rate range, so 「哪个利息低」 gets figures."""
    lines = [_("借1万分12期利息")]
    for p in ids:
        lines.extend(_cell_lines(_short_name(kb, p), [_example_cost(kb, p)]))
    return lines if any(rate_range(kb.products[p]) for p in ids) else []


def _example_cost(kb: KnowledgeBase, product_id: str) -> str:
    product = kb.products[product_id]
    rates = rate_range(product)
    limit = product.attributes.get("limit")
    too_small = limit is not None and all(
        c.high is not None and c.high < EXAMPLE_AMOUNT for c in limit.claims
    )
    if rates is None or too_small:
        return "—"

    def cost(price: Price) -> float:
        quote = LoanQuote(EXAMPLE_AMOUNT, "equal_installment", price, term_months=EXAMPLE_MONTHS)
        return compute(quote).total_cost

    high = cost(rates.high) if rates.high is not None else None
    span = _span(round(cost(rates.low)), round(high) if high is not None else None, "yuan")
    return _with_unit(span, "yuan") + ("*" if rates.conflict else "")


def choose_reply(kb: KnowledgeBase, product_ids: list[str]) -> Reply:
    """「那我到底该选哪个」 after a comparison: not a pick (the advisor is no lender and gives no advice),
    but how to weigh the table, with the self-check and the cost of a loan one tap away."""
    names = "、".join(kb.product_name(p) for p in product_ids if p in kb.products)
    text = _(
        "{names}选哪个，我不替你定：我不是贷款机构，也不做推荐。可以按这个顺序看：\n"
        "1. 能不能批：先做资格自测，批不下来的不用比；\n"
        "2. 真实成本：同样的金额和期数，比真实年化（IRR）和总利息，"
        "再对照24%和36%两条线（出处见「利率多少算高利贷」那条回答）；\n"
        "3. 规则合不合你：提前还款收不收费、逾期罚息多少、上不上征信（上面的完整对比表里有）；\n"
        "4. 只从官方App或微信「钱包」入口申请，不经中介和陌生链接。\n"
        "不是急用的话，不借最省钱。"
    ).format(names=esc(names))
    rows = [[CheckStart().button(_("我能申请吗？（资格自测）"))]]
    if len(product_ids) >= 2:
        rows.append(_full_table_row(product_ids))
    rows.extend(_after_buttons(product_ids)[:1])
    return Reply().add(text, rows)


def _full_table_row(ids: list[str]) -> list[Button]:
    return [CompareFull(products=tuple(ids)).button(_("完整对比表（罚息、提前还款、征信等）"))]


def _after_buttons(ids: list[str]) -> list[list[Button]]:
    return [
        [CalcProduct(product=ids[0]).button(_("算算借款成本"))],
        [CompareStart().button(_("换别的产品对比"))],
    ]


def _chooser(kb: KnowledgeBase, chosen: list[str]) -> Reply:
    if chosen:
        first = chosen[0]
        others = [p for p in kb.products if p != first]
        buttons = [[Compare(products=(first, p)).button(_short_name(kb, p))] for p in others]
        text = _("和{product}比哪个？请选一个：").format(product=esc(kb.product_name(first)))
        return Reply().add(text, _pack(buttons))
    rows = []
    for pair in COMMON_PAIRS:
        if all(p in kb.products for p in pair):
            label = " vs ".join(_short_name(kb, p) for p in pair)
            rows.append([Compare(products=pair).button(label)])
    text = _("想对比哪几个产品？选一组，或直接问，例如「小米贷款和微粒贷哪个利息低」。")
    return Reply().add(text, rows)


def _pack(buttons: list[list[Button]], per_row: int = 3) -> list[list[Button]]:
    flat = [b for row in buttons for b in row]
    return [flat[i : i + per_row] for i in range(0, len(flat), per_row)]


# --- cells ---------------------------------------------------------------------------------------------


def _short_name(kb: KnowledgeBase, product_id: str) -> str:
    name = kb.product_name(product_id)
    if width(name) <= NAME_COLUMNS:
        return name
    short = SHORT_NAMES.get(product_id, name)
    while width(short) > NAME_COLUMNS:
        short = short[:-1]
    return short


def _cell_lines(name: str, parts: list[str]) -> list[str]:
    """The product's name, then each part of its value on its own line(s), wrapped to the phone width."""
    indent = NAME_COLUMNS + 2
    pieces = [piece for part in parts for piece in wrap(part, PHONE_COLUMNS - indent)]
    first = " " + ljust(name, NAME_COLUMNS) + " " + pieces[0]
    return [first] + [" " * indent + piece for piece in pieces[1:]]


def _cell(kb: KnowledgeBase, product_id: str, key: AttributeKey) -> Cell | None:
    product = kb.products[product_id]
    attribute: Attribute | None = product.attributes.get(key)
    if attribute is None:
        return None
    claims = list(attribute.claims)
    if key == "credit_reporting":
        texts = [_credit_summary(c.value) for c in claims]
    else:
        texts = [_claim_text(c) for c in claims]
    distinct = list(dict.fromkeys(texts))
    conflict = attribute.conflict or len(distinct) > 1
    if key in RANGE_ROWS:
        combined = _combined_range(claims)
        if combined:
            return Cell([combined], conflict, claims)
    if key == "credit_reporting" and len(distinct) > 1:
        # 「上报征信」 adds nothing next to 「人行征信」 or 「百行」
        distinct = [t for t in distinct if t != _("上报征信")] or distinct
    return Cell(distinct, conflict, claims)


def _credit_summary(value: str) -> str:
    """「人行」「百行」 from a credit-reporting claim, so the cell stays short; else the claim itself."""
    found = []
    if re.search(r"人行|央行", value) and not re.search(r"不上(?:央行|人行)", value):
        found.append(_("人行征信"))
    if "百行" in value:
        found.append(_("百行"))
    if re.search(r"有的上报有的不报|选择性", value):
        found.insert(0, _("部分上报"))
    if not found and re.search(r"上报|报送|上征信", value):
        found.append(_("上报征信"))
    return "+".join(found) if found else value


def _fmt(value: float, unit: str | None) -> str:
    if unit == "yuan":
        return figure_short(value) if value >= 10_000 else number(value, 0)
    if unit == "minutes":
        if value >= 60:
            return _("{n}小时").format(n=f"{value / 60:g}")
        return _("{n}分钟").format(n=f"{value:g}")
    # as few decimals as the figure has: 0.02, 7.3, 24
    return format_decimal(value, format="#,##0.###", locale=babel_locale())


_SUFFIX = {
    "yuan": N_("{range}元"),
    "pct_day": N_("{range}%/日"),
    "pct_year": N_("{range}%/年"),
    "pct_month_fee": N_("月费率{range}%"),
    "years": N_("{range}岁"),
    "periods": N_("{range}期"),
    "pct_principal_day": N_("本金{range}%/日"),
    "pct_overdue_day": N_("欠款{range}%/日"),
    "x_daily_rate": N_("日利率×{range}"),
    "pct_remaining": N_("剩余本金{range}%"),
}


def _span(low: float | None, high: float | None, unit: str | None) -> str:
    if unit == "minutes" and low is not None and high is not None and high < 60 and low != high:
        return _("{n}分钟").format(n=f"{low:g}–{high:g}")
    if low is not None and high is not None:
        return _fmt(low, unit) if low == high else f"{_fmt(low, unit)}–{_fmt(high, unit)}"
    if high is not None:
        return "≤" + _fmt(high, unit)
    return "≥" + _fmt(low or 0.0, unit)


def _with_unit(span: str, unit: str | None) -> str:
    if unit in _SUFFIX:
        return _(_SUFFIX[unit]).format(range=span)
    return span


def _claim_text(claim: Claim) -> str:
    """A claim in a few characters: its figure with a unit when it has one, else its own words."""
    if claim.unit == "pct_remaining" and claim.low == 0 and claim.high == 0:
        return claim.value  # the article's own words: no 「免费」 of ours where it only says 不另收手续费
    if claim.unit is None or (claim.low is None and claim.high is None):
        return claim.value
    return _with_unit(_span(claim.low, claim.high, claim.unit), claim.unit)


def _combined_range(claims: list[Claim]) -> str | None:
    """One range over every source's figure, when they share a unit (the most common one)."""
    with_figures = [c for c in claims if c.unit and (c.low is not None or c.high is not None)]
    if not with_figures:
        return None
    units = [c.unit for c in with_figures]
    unit = max(dict.fromkeys(units), key=units.count)
    same = [c for c in with_figures if c.unit == unit]
    lows = [c.low for c in same if c.low is not None]
    highs = [c.high for c in same if c.high is not None]
    return _with_unit(_span(min(lows) if lows else None, max(highs) if highs else None, unit), unit)


def _footnotes(
    kb: KnowledgeBase,
    ids: list[str],
    rows: list[tuple[AttributeKey, str]],
    cells: dict[tuple[str, AttributeKey], Cell | None],
) -> str:
    """Every source's value for each cell marked ``*``, so the disagreement is visible."""
    lines = []
    for key, label in rows:
        for p in ids:
            cell = cells[(p, key)]
            if cell is None or not cell.conflict:
                continue
            parts = []
            for claim in cell.claims:
                mark = _("（评论）") if claim.note and "评论" in claim.note else ""
                parts.append(
                    _("{value}{mark}{source}").format(
                        value=esc(claim.value),
                        mark=mark,
                        source=esc(kb.cite(claim.sources).removeprefix("来源：")),
                    )
                )
            lines.append(
                _("* {product}·{attribute}：{values}").format(
                    product=esc(kb.product_name(p)), attribute=_(label), values="；".join(parts)
                )
            )
    if not lines:
        return ""
    return _("<b>各来源说法不一之处</b>") + "\n" + "\n".join(lines)
