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
    "shown": routes("adds_to_comparison -> compare_more"),
}


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
    return new if bare or re.search(r"加|也|一起|再比|还有|放进来|算上", reading.text) else None
