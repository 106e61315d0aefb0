"""The comparison flow: pick the products (by button or by name), then the side-by-side table.

The table itself is :func:`flows.compare.compare_reply`. This flow remembers the products picked
(``Session.compare``): while a second one is awaited, so that 「对比一下微粒贷」 and then 「和小米」 make one
comparison; and after the table, so that 「加个借呗一起比」 adds to it.
"""

from __future__ import annotations

import re

from flows.buttons import CompareFull
from flows.compare import compare_reply
from flows.machine import ANY, FlowMachine, FlowTable, FlowTurn, Row
from flows.routes import TurnContext, recogniser, routes
from knowledge.models import AttributeKey

COMPARE = FlowTable(
    name="compare",
    title="产品对比：选两个或更多产品（按钮或直接说名字），给出并排的对比表",
    states=["picking", "shown"],
    initial="picking",
    transitions=[
        Row(trigger="show", source=ANY, dest="shown", prepare=["add_products"], conditions=["enough"],
            after=["say_comparison"]),
        Row(trigger="show", source=ANY, dest="picking", after=["say_chooser"]),
    ],
)  # fmt: skip

#: what a typed message does in the comparison, before the shared routes (flows.routes)
ROUTES = {
    "picking": routes("names_products_to_compare -> compare_more"),
    "shown": routes(
        "adds_to_comparison -> compare_more",
        "asks_about_compared -> compare_row",
        "asks_which_to_choose -> compare_choose",
    ),
}

#: what a question about the comparison in view asks, by the words it uses (first match wins)
ROW_CUES: list[tuple[AttributeKey, re.Pattern[str]]] = [
    ("credit_reporting", re.compile(r"征信|上报|百行|人行")),
    ("early_repayment_fee", re.compile(r"提前还|提前结清|违约金")),
    ("penalty", re.compile(r"罚息|逾期")),
    ("speed", re.compile(r"到账|放款|审批|多快|多久")),
    ("age_range", re.compile(r"年龄|岁|多大")),
    ("limit", re.compile(r"额度|借多少|能借多|最多")),
    ("annual_rate", re.compile(r"利息|利率|年化|贵|便宜|划算|成本")),
]
#: words that point at the products compared rather than at one of them or at loans in general
_THE_COMPARED = re.compile(
    r"这俩|这两|这几|它俩|它们|他俩|哪个|哪家|哪一个|谁|分别|都|区别|不同|差别|差异|一样|方面"
)
#: a topic asked on with nothing else, right after the table (「那额度呢」「上征信吗」): asked of the
#: products in view, as 「这俩额度呢」 would be; 「逾期咋办」 asks something else
_BARE_TOPIC = re.compile(
    r"(?:那|那么)?[\u4e00-\u9fff]{1,6}(?:呢|吗|不|没)[?？]*|那[\u4e00-\u9fff]{1,6}[?？]*"
)
#: 「那我到底该选哪个」 after the table: asking for a pick (the row questions are tried first)
_WHICH_TO_CHOOSE = re.compile(
    r"选哪个|选哪家|哪个好|哪个更好|哪家好|推荐哪|用哪个|借哪个|该选|怎么选|哪个适合|你推荐|建议我|帮我选|替我选"
)


class CompareTurn(FlowTurn):
    """Callbacks of the comparison; ``payload`` is the product ids named or pressed, or the
    :class:`~flows.buttons.CompareFull` button for the whole table."""

    def _named(self) -> list[str]:
        if isinstance(self.payload, CompareFull):
            return list(self.payload.products)
        return list(self.payload or [])

    def add_products(self) -> None:
        picked = [p for p in [*self.session.compare, *self._named()] if p in self.engine.kb.products]
        self.session.compare = list(dict.fromkeys(picked))

    def enough(self) -> bool:
        return len(self.session.compare) >= 2

    def say_comparison(self) -> None:
        # the products stay, so that 「加个借呗一起比」 adds to this comparison
        full = isinstance(self.payload, CompareFull)
        self.reply.extend(compare_reply(self.engine.kb, self.session.compare, full=full))
        # what is in view is the comparison, not one product: 「那年龄限制呢」 then asks about them all
        self.session.product = None
        self.session.faq.product = None

    def say_chooser(self) -> None:
        self.reply.extend(compare_reply(self.engine.kb, self.session.compare))


MACHINE = FlowMachine(COMPARE, CompareTurn)


@recogniser("names_products_to_compare")
def _names_products_to_compare(ctx: TurnContext) -> list[str] | None:
    """「小米」「和微粒贷比」 while picking: products named, and not a question about one of them."""
    reading = ctx.reading
    named = [p for p in reading.products if p in ctx.engine.kb.products]
    if not named or (reading.is_question and len(named) + len(ctx.session.compare) < 2):
        return None
    return named


@recogniser("adds_to_comparison")
def _adds_to_comparison(ctx: TurnContext) -> list[str] | None:
    """「加个借呗一起比」「微业贷呢」 after a comparison: the same comparison with that product too."""
    reading = ctx.reading
    new = [p for p in reading.products if p in ctx.engine.kb.products and p not in ctx.session.compare]
    if not new:
        return None
    bare = ctx.engine.reader.matcher.is_bare_follow_up(reading.analysis)
    return new if bare or re.search(r"加|也|一起|比|还有|放进来|算上", reading.text) else None


@recogniser("asks_about_compared")
def _asks_about_compared(ctx: TurnContext) -> AttributeKey | None:
    """「这俩哪个上征信」「哪个利息低」 after a comparison: that row of the table, for the products in
    view."""
    reading = ctx.reading
    if len(ctx.session.compare) < 2 or any(p not in ctx.session.compare for p in reading.products):
        return None
    text = reading.text.replace(" ", "")
    if not _THE_COMPARED.search(text) and (reading.products or not _BARE_TOPIC.fullmatch(text)):
        return None
    return next((key for key, cue in ROW_CUES if cue.search(reading.text)), None)


@recogniser("asks_which_to_choose")
def _asks_which_to_choose(ctx: TurnContext) -> bool | None:
    """「那我到底该选哪个」 with a comparison in view and no row named: how to choose, not a pick."""
    if len(ctx.session.compare) < 2 or not _WHICH_TO_CHOOSE.search(ctx.reading.text):
        return None
    return True
