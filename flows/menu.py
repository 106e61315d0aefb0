"""The main menu flow: home, browsing topics → entries, and products → product cards.

Opening an entry hands over to the FAQ flow (its answer is an FAQ answer); 「返回」 climbs one level.
"""

from __future__ import annotations

from flows.i18n import _
from flows.machine import ANY, FlowMachine, FlowTable, FlowTurn, Row
from flows.render import main_menu_rows, render_product, render_products, render_topic, render_topics
from flows.reply import Reply

MENU = FlowTable(
    name="menu",
    title="主菜单：按主题浏览常见问题、查看产品要点",
    states=["home", "topics", "topic", "products", "product"],
    initial="home",
    transitions=[
        Row(trigger="show_home", source=ANY, dest="home", after=["say_home"]),
        Row(trigger="show_topics", source=ANY, dest="topics", after=["say_topics"]),
        Row(
            trigger="open_topic",
            source=ANY,
            dest="topic",
            conditions=["topic_exists"],
            before=["remember_topic"],
            after=["say_topic"],
        ),
        Row(trigger="show_products", source=ANY, dest="products", after=["say_products"]),
        Row(
            trigger="open_product",
            source=ANY,
            dest="product",
            conditions=["product_exists"],
            before=["remember_product"],
            after=["say_product"],
        ),
        Row(trigger="back", source="topic", dest="topics", after=["say_topics"]),
        Row(trigger="back", source="product", dest="products", after=["say_products"]),
        Row(trigger="back", source=["topics", "products", "home"], dest="home", after=["say_home"]),
    ],
)


def home_reply() -> Reply:
    """The main menu: what the advisor can do, as buttons, and that it is not a lender."""
    text = _(
        "您好！我是网贷问答助手，根据公开文章回答小米贷款、微粒贷、WE2000 等网贷问题。\n"
        "可以直接打字提问，比如「小米贷款上征信吗？」，或点下面的按钮。\n"
        "我不是贷款机构，也不构成金融建议；不会索要身份证号、手机号或姓名。"
    )
    return Reply().add(text, main_menu_rows())


class MenuTurn(FlowTurn):
    """Callbacks of the menu flow; ``payload`` is the topic or product id being opened."""

    def topic_exists(self) -> bool:
        return self.payload in self.engine.kb.topics

    def product_exists(self) -> bool:
        return self.payload in self.engine.kb.products

    def remember_topic(self) -> None:
        self.session.menu.topic = str(self.payload)

    def remember_product(self) -> None:
        self.session.menu.product = str(self.payload)

    def say_home(self) -> None:
        self.reply.extend(home_reply())

    def say_topics(self) -> None:
        self.reply.extend(render_topics(self.engine.kb))

    def say_topic(self) -> None:
        self.reply.extend(render_topic(self.engine.kb, str(self.session.menu.topic)))

    def say_products(self) -> None:
        self.reply.extend(render_products(self.engine.kb))

    def say_product(self) -> None:
        self.reply.extend(render_product(self.engine.kb, str(self.session.menu.product)))


MACHINE = FlowMachine(MENU, MenuTurn)
