"""From knowledge to messages: FAQ answers, suggestions, topic and product menus, as HTML replies.

The choice of texts and sources for a match is :func:`knowledge.understanding.compose.compose`; this module
only frames them (title, product labels, the citation line, buttons). Every knowledge-base text is
escaped with :func:`~flows.reply.esc`; UI words go through ``_()``.
"""

from __future__ import annotations

from dataclasses import replace

from flows.buttons import (
    CalcStart,
    CheckProduct,
    CheckStart,
    CompareStart,
    Home,
    Nav,
    OpenEntry,
    ProductCard,
    Products,
    Topics,
)
from flows.buttons import Topic as TopicButton
from flows.formatting import date_text
from flows.i18n import N_, _, knowledge_language_note
from flows.reply import Button, Reply, esc
from knowledge.base import KnowledgeBase
from knowledge.models import FaqEntry
from knowledge.understanding.api import FaqMatch
from knowledge.understanding.compose import compose

#: at most this many 「相关问题」 buttons under an answer (a phone screen, not a directory)
MAX_RELATED = 3
#: the attributes shown on a product card, in this order
CARD_ATTRIBUTES = ("limit", "annual_rate", "daily_rate", "credit_reporting", "age_range", "funder", "access")
CARD_LABELS = {
    "limit": N_("额度"),
    "annual_rate": N_("年化利率"),
    "daily_rate": N_("日利率"),
    "credit_reporting": N_("征信"),
    "age_range": N_("年龄"),
    "funder": N_("资金方"),
    "access": N_("开通方式"),
}


def entry_button_id(entry_id: str, product: str | None = None) -> str:
    """The id of a button that opens an FAQ answer, e.g. ``faq:entry:credit.reported`` (≤ 64 bytes)."""
    try:
        return OpenEntry(entry=entry_id, product=product).pack()
    except ValueError:  # too long with the product: the general answer then
        return OpenEntry(entry=entry_id).pack()


def home_button() -> Button:
    """The button back to the main menu."""
    return Home().button(_("主菜单"))


def cite(kb: KnowledgeBase, source_ids: list[str]) -> str:
    """The citation 「来源：《…》」 as plain text: the label in the UI language, the titles as they are."""
    titles = kb.cite(source_ids).removeprefix("来源：")  # the knowledge base's own label is Chinese
    return _("来源：{titles}").format(titles=titles)


def source_line(kb: KnowledgeBase, source_ids: list[str]) -> str:
    """The citation line in italics, 「来源：《…》」."""
    return f"<i>{esc(cite(kb, source_ids))}</i>" if source_ids else ""


def with_language_note(text: str) -> str:
    """``text`` followed, outside Chinese locales, by the note that knowledge answers are in Chinese."""
    note = knowledge_language_note()
    return f"{text}\n<i>{esc(note)}</i>" if note else text


def answer_text(kb: KnowledgeBase, match: FaqMatch) -> str:
    """The HTML text of an answer: the entry's question as a title, the composed texts, the sources."""
    assert match.entry_id is not None
    entry = kb.entries[match.entry_id]
    composed = compose(kb, match)
    title = esc(entry.question)
    if len(composed.texts) == 1 and composed.texts[0][0]:
        # a product's own answer: say whose, since the canonical question names no product
        whose = kb.product_name(composed.texts[0][0])
        title = esc(_("【{product}】{question}").format(product=whose, question=entry.question))
    if entry.kind == "warning":
        title = "⚠️ " + title
    lines = [f"<b>{title}</b>"]
    if composed.general_for is not None and entry.kind != "warning":  # a warning holds for every lender
        note = _("文章没有单独讲{product}的这一点，下面是文章的一般说法：")
        lines.append(esc(note.format(product=kb.product_name(composed.general_for))))
    several = len(composed.texts) > 1
    for product, text in composed.texts:
        if product and several:
            # several texts: say which product each is about
            lines.append(f"<b>{esc(kb.product_name(product))}</b>：{esc(text)}")
        else:
            lines.append(esc(text))
    if composed.sources:
        lines.append(source_line(kb, composed.sources))
    return "\n".join(lines)


def related_buttons(
    kb: KnowledgeBase, entry: FaqEntry, product: str | None, *, shown: list[str] | None = None
) -> list[list[Button]]:
    """One row per related entry (up to :data:`MAX_RELATED` with the ``shown`` ones above them), then the
    topic and main-menu buttons."""
    shown = shown or []
    related = [rid for rid in entry.related if rid in kb.entries and rid not in shown]
    rows = [
        [Button(id=entry_button_id(rid, product), label=kb.entries[rid].question)]
        for rid in related[: max(1, MAX_RELATED - len(shown))]
    ]
    rows.append([TopicButton(topic=entry.topic).button(_("同类问题")), home_button()])
    return rows


def product_buttons(kb: KnowledgeBase, entry: FaqEntry, products: list[str]) -> list[list[Button]]:
    """「小米贷款的回答」 buttons, two per row, for the products whose own answer was not shown."""
    buttons = [
        Button(id=entry_button_id(entry.id, p), label=_("{product}的回答").format(product=kb.product_name(p)))
        for p in products
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def render_answer(kb: KnowledgeBase, match: FaqMatch) -> Reply:
    """A match answered: the answer with its sources, each product's own answer and related questions as
    buttons. Answered without certainty (``match.alternatives``), it says so in one line and offers what
    else the question may have meant first (「您可能还想问」). A sibling answered together
    (``match.together``) follows the answer under its own title."""
    assert match.entry_id is not None
    entry = kb.entries[match.entry_id]
    rows = product_buttons(kb, entry, compose(kb, match).more_products)
    text = answer_text(kb, match)
    together = [t for t in match.together if t in kb.entries and t != entry.id]
    for sibling in together:
        # a sibling a person would not tell apart (逾期罚息 / 逾期后果): answered too, under its own title
        text += "\n\n" + answer_text(kb, replace(match, entry_id=sibling, together=[]))
    alternatives = [a for a in match.alternatives if a in kb.entries and a != entry.id and a not in together]
    if alternatives:
        text += "\n" + esc(_("如果您问的不是这个，您可能还想问："))
        rows.extend(
            [Button(id=entry_button_id(a, match.product), label=kb.entries[a].question)] for a in alternatives
        )
    rows.extend(related_buttons(kb, entry, match.product, shown=alternatives + together))
    return Reply().add(with_language_note(text), rows)


def suggestion_buttons(kb: KnowledgeBase, match: FaqMatch, limit: int = 4) -> list[list[Button]]:
    """The suggested entries of a match as one button per row."""
    return [
        [Button(id=entry_button_id(eid, match.product), label=kb.entries[eid].question)]
        for eid in match.suggestions[:limit]
        if eid in kb.entries
    ]


def render_suggestions(kb: KnowledgeBase, match: FaqMatch) -> Reply:
    """An unsure match: 「您是不是想问」 with the likeliest entries as buttons."""
    rows = suggestion_buttons(kb, match)
    if not rows:
        return render_decline(kb, match)
    rows.append([home_button()])
    return Reply().add(_("我不太确定您问的是哪个问题。您是不是想问："), rows)


def render_decline(kb: KnowledgeBase, match: FaqMatch, *, again: bool = False) -> Reply:
    """No match: say so plainly, offer the closest entries and the topic menu.

    ``again`` (the second fallback in a row) words it differently and offers the whole menu, rather than
    repeating a sentence the person has just read.
    """
    rows = suggestion_buttons(kb, match, limit=3)
    if again:
        text = _(
            "抱歉，这个我还是答不上来。我能回答的是小米贷款、微粒贷、WE2000 和微信里贷款平台的申请、征信、"
            "利率、还款、逾期和防骗问题；也可以做资格自测、算利息。点下面选一个开始吧："
        )
        rows.extend(main_menu_rows())
        return Reply().add(text, rows)
    rows.append([Topics().button(_("按主题浏览")), home_button()])
    text = _(
        "这个问题我暂时答不了：我只根据几篇公开文章回答小米贷款、微粒贷、WE2000 和微信里的贷款平台的问题"
        "（申请条件、征信、利率、还款、逾期、防骗）。可以换个说法，或者按主题浏览。"
    )
    return Reply().add(text, rows)


def main_menu_rows() -> list[list[Button]]:
    """The main menu's buttons: the self-check, the FAQ topics, the products, the calculator, comparison."""
    return [
        [CheckStart().button(_("我能申请吗？（资格自测）"))],
        [Topics().button(_("常见问题")), Products().button(_("产品一览"))],
        [CalcStart().button(_("利息计算")), CompareStart().button(_("产品对比"))],
    ]


def render_match(kb: KnowledgeBase, match: FaqMatch, *, again: bool = False) -> Reply:
    """The reply for any match, by its band (``again``: see :func:`render_decline`)."""
    if match.band == "answer" and match.entry_id in kb.entries:
        return render_answer(kb, match)
    if match.band == "suggest":
        return render_suggestions(kb, match)
    return render_decline(kb, match, again=again)


def render_entry(kb: KnowledgeBase, entry_id: str, product: str | None = None) -> Reply:
    """An FAQ answer opened from a button, as if the question had been asked with full confidence."""
    entry = kb.entries[entry_id]
    match = FaqMatch(
        question=entry.question,
        band="answer",
        entry_id=entry_id,
        product=product,
        confidence=1.0,
        products=[product] if product else [],
    )
    return render_answer(kb, match)


def render_topics(kb: KnowledgeBase) -> Reply:
    """The topic menu: one button per topic that has entries, two per row."""
    used = {e.topic for e in kb.faq_entries()}
    buttons = [
        TopicButton(topic=t.id).button(t.title) for t in kb.topics.values() if t.id in used and t.browsable
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([Nav(action="back").button(_("返回")), home_button()])
    titles = "、".join(t.title for t in kb.topics.values() if t.id in used and t.browsable)
    return Reply().add(_("常见问题按主题分：{titles}。请选择一个主题：").format(titles=esc(titles)), rows)


def render_topic(kb: KnowledgeBase, topic_id: str) -> Reply:
    """The entries of one topic as buttons, one per row."""
    topic = kb.topics[topic_id]
    rows = [
        [Button(id=entry_button_id(e.id), label=e.question)]
        for e in kb.entries.values()
        if e.topic == topic_id
    ]
    rows.append([Nav(action="back").button(_("返回主题列表")), home_button()])
    text = f"<b>{esc(topic.title)}</b>\n{esc(topic.description)}\n" + _("点一个问题查看回答：")
    return Reply().add(text, rows)


def render_products(kb: KnowledgeBase) -> Reply:
    """The product menu: one button per product, two per row."""
    buttons = [ProductCard(product=p.id).button(p.name) for p in kb.products.values()]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([Nav(action="back").button(_("返回")), home_button()])
    main = [p for p in kb.products.values() if p.checkable or p.id == "wechat_third_party"]
    covered = "、".join(p.name for p in main)
    others = "、".join(p.name for p in kb.products.values() if p not in main)
    text = _("我能介绍的产品：{covered}；{others}只用来对比。请选择一个产品查看要点：").format(
        covered=esc(covered), others=esc(others)
    )
    return Reply().add(text, rows)


def render_product(kb: KnowledgeBase, product_id: str) -> Reply:
    """A product card: summary and key attributes, each claim with its sources, disagreements marked."""
    product = kb.products[product_id]
    lines = [f"<b>{esc(product.name)}</b>（{esc(product.provider)}）", esc(product.summary)]
    for key in CARD_ATTRIBUTES:
        attribute = product.attributes.get(key)  # type: ignore[call-overload]
        if attribute is None:
            continue
        claims = "；".join(
            f"{esc(c.value)}{'（' + esc(c.note) + '）' if c.note else ''} {source_line(kb, list(c.sources))}"
            for c in attribute.claims
        )
        label = esc(_(CARD_LABELS[key]))
        conflict = _("（各来源说法不一）") if attribute.conflict else ""
        lines.append(
            _("• <b>{label}</b>{conflict}：{claims}").format(label=label, conflict=conflict, claims=claims)
        )
    dated = [
        kb.sources[s].date
        for a in product.attributes.values()
        for c in a.claims
        for s in c.sources
        if s in kb.sources and kb.sources[s].date is not None
    ]
    if dated:
        # rates and limits change: say how old the newest article behind the card is
        newest = max(d for d in dated if d is not None)
        lines.append("<i>" + esc(_("资料截至{date}").format(date=date_text(newest))) + "</i>")
    rows: list[list[Button]] = []
    if product.checkable:
        rows.append([CheckProduct(product=product.id).button(_("自测能不能申请"))])
    rows.append([Nav(action="back").button(_("返回产品列表")), home_button()])
    return Reply().add(with_language_note("\n".join(lines)), rows)
