"""Product comparison: detecting the question, a phone-width table, disagreements and sources shown."""

from __future__ import annotations

import itertools
import re

import numpy_financial as npf
import pytest

from flows.buttons import Compare, CompareFull, unpack
from flows.compare import PHONE_COLUMNS, compare_reply, detect_comparison
from flows.engine import Engine
from flows.formatting import width
from flows.reply import MAX_BUTTON_ID_BYTES, Reply, plain_text
from knowledge.base import KnowledgeBase, default
from tests.flows.chat import Chat
from tests.flows.sample_kb import sample_kb


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return sample_kb()


def _text(reply: Reply) -> str:
    return "\n".join(plain_text(m.text) for m in reply.messages)


def _table(reply: Reply) -> list[str]:
    blocks = re.findall(r"<pre>(.*?)</pre>", reply.messages[0].text, flags=re.S)
    assert len(blocks) == 1
    return plain_text(blocks[0]).split("\n")


@pytest.mark.parametrize(
    ("question", "products"),
    [
        ("小米贷款和微粒贷哪个利息低", ["xiaomi", "weilidai"]),
        ("微粒贷还是WE2000好", ["weilidai", "we2000"]),
        ("對比一下隨星借和微粒貸", ["xiaomi", "weilidai"]),
        ("WE2000 vs 小米贷款 vs 微粒贷", ["we2000", "xiaomi", "weilidai"]),
    ],
)
def test_comparison_questions_are_detected_with_their_products(
    kb: KnowledgeBase, question: str, products: list[str]
) -> None:
    assert detect_comparison(kb, question) == products


@pytest.mark.parametrize("question", ["小米贷款安全吗", "小米贷款和微粒贷", "微粒贷哪个入口能开通"])
def test_other_questions_are_not_comparisons(kb: KnowledgeBase, question: str) -> None:
    assert detect_comparison(kb, question) is None


def test_the_table_has_a_block_per_attribute_and_a_line_per_product(kb: KnowledgeBase) -> None:
    lines = _table(compare_reply(kb, ["xiaomi", "weilidai"], full=True))
    start = lines.index("日利率")
    assert lines[start + 1].split() == ["小米贷款", "0.02–0.06%/日*"]
    assert lines[start + 2].split() == ["微粒贷", "0.02–0.05%/日"]
    assert "逾期罚息" in lines and "提前还款费" in lines and "年龄" in lines


def test_the_table_is_short_by_default_with_the_full_one_behind_a_button(kb: KnowledgeBase) -> None:
    reply = compare_reply(kb, ["xiaomi", "weilidai"])
    lines = _table(reply)
    assert "额度" in lines and "日利率" in lines and "借1万分12期利息" in lines
    assert "逾期罚息" not in lines and "年龄" not in lines
    assert CompareFull(products=("xiaomi", "weilidai")).pack() in [b.id for b in reply.buttons()]
    full = compare_reply(kb, ["xiaomi", "weilidai"], full=True)
    assert not any(b.id.startswith("compare:full") for b in full.buttons())


def test_the_table_fits_a_phone(kb: KnowledgeBase) -> None:
    for pair in itertools.permutations(kb.products, 2):
        assert max(width(line) for line in _table(compare_reply(kb, list(pair)))) <= PHONE_COLUMNS


def test_shipped_knowledge_base_tables_fit_a_phone_for_every_pair() -> None:
    shipped = default()
    for pair in itertools.combinations(shipped.products, 2):
        reply = compare_reply(shipped, list(pair))
        assert max(width(line) for line in _table(reply)) <= PHONE_COLUMNS, pair
        assert sum(len(m.text) for m in reply.messages) < 4096 * len(reply.messages)


def test_disagreeing_sources_are_marked_and_listed(kb: KnowledgeBase) -> None:
    reply = compare_reply(kb, ["xiaomi", "weilidai"])
    assert len(reply.messages) == 2
    notes = plain_text(reply.messages[1].text)
    assert "小米贷款·日利率" in notes
    assert "日利率0.03%–0.06%《小米测评》" in notes and "日利率0.02%–0.05%《小米八问》" in notes
    assert "微粒贷·日利率" not in notes  # one source, nothing to flag


def test_sources_are_named(kb: KnowledgeBase) -> None:
    text = plain_text(compare_reply(kb, ["weilidai", "we2000"]).messages[0].text)
    assert "来源：《微信贷款综述》" in text


def test_a_missing_attribute_shows_a_dash(kb: KnowledgeBase) -> None:
    lines = _table(compare_reply(kb, ["weilidai", "we2000"], full=True))
    block = lines[lines.index("逾期罚息") + 1 : lines.index("提前还款费")]
    assert [line.split() for line in block if "WE2000" in line] == [["WE2000", "—"]]


def test_empty_choice_offers_common_pairs(kb: KnowledgeBase) -> None:
    reply = compare_reply(kb, [])
    ids = [b.id for b in reply.buttons()]
    assert Compare(products=("xiaomi", "weilidai")).pack() in ids
    assert all(i.startswith("compare:") and len(i.encode()) <= MAX_BUTTON_ID_BYTES for i in ids)
    # a pair whose products are not all in the knowledge base is not offered
    assert Compare(products=("xiaomi", "jiebei")).pack() not in ids


def test_one_product_asks_for_a_second(kb: KnowledgeBase) -> None:
    reply = compare_reply(kb, ["weilidai", "nonexistent"])
    ids = [b.id for b in reply.buttons()]
    assert set(ids) == {Compare(products=p).pack() for p in [("weilidai", "xiaomi"), ("weilidai", "we2000")]}


def test_a_pair_button_carries_its_products_to_the_comparison(kb: KnowledgeBase) -> None:
    data = unpack(Compare(products=("xiaomi", "we2000")).pack())
    assert isinstance(data, Compare) and data.products == ("xiaomi", "we2000")
    assert "对比：小米贷款 / WE2000" in _text(compare_reply(kb, list(data.products)))
    assert "对比" in _text(compare_reply(kb, []))


def test_shipped_comparison_of_xiaomi_and_weilidai_shows_rates_and_conflicts() -> None:
    reply = compare_reply(default(), ["xiaomi", "weilidai"])
    text = _text(reply)
    assert "0.02–0.06%/日*" in text
    assert "《小米贷款测评》" in text and "《微信贷款综述》" in text


def test_which_is_cheaper_gets_the_interest_on_a_sample_loan_per_product(kb: KnowledgeBase) -> None:
    lines = _table(compare_reply(kb, ["xiaomi", "weilidai", "we2000"], full=True))
    block = lines[lines.index("借1万分12期利息") + 1 : lines.index("逾期罚息")]

    # 等额本息 on actual days (a daily rate d is d × 365 / 12 a month), computed with numpy-financial
    def cost(daily_pct: float) -> str:
        return f"{round(npf.pmt(daily_pct / 100 * 365 / 12, 12, -10_000) * 12 - 10_000):,}"

    assert [line.split() for line in block] == [
        ["小米贷款", f"{cost(0.02)}–{cost(0.06)}元*"],  # 0.02 %–0.06 % a day, sources disagree
        ["微粒贷", f"{cost(0.02)}–{cost(0.05)}元"],
        ["WE2000", "—"],  # a fixed 2000元 loan cannot be 1万
    ]


def test_comparison_messages_are_well_formed_telegram_html() -> None:
    shipped = default()
    for pair in itertools.combinations(shipped.products, 2):
        for message in compare_reply(shipped, list(pair)).messages:
            tags = re.findall(r"</?([a-z]+)[^>]*>", message.text)
            assert set(tags) <= {"b", "i", "pre"}, pair
            for tag in set(tags):
                assert message.text.count(f"<{tag}>") == message.text.count(f"</{tag}>"), (pair, tag)


def test_after_a_comparison_a_follow_up_asks_about_every_product_compared(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("微粒贷的额度多少")
    chat.say("小米贷款和WE2000比一下")
    chat.say("那年龄限制呢")
    assert "小米贷款" in chat.text and "WE2000" in chat.text


def test_a_question_about_the_products_compared_gets_that_row_of_their_table(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("微粒贷和WE2000哪个好")
    chat.say("这俩哪个上征信")
    assert "征信上报" in chat.text and "年化利率" not in chat.text and "百行" in chat.text
    assert chat.session.compare == ["weilidai", "we2000"]


def test_another_product_to_compare_with_is_added_to_the_comparison(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("小米贷款和微粒贷哪个好")
    chat.say("那跟WE2000比呢")
    assert chat.session.compare == ["xiaomi", "weilidai", "we2000"] and "WE2000" in chat.text


def test_a_difference_asked_about_the_products_compared_gets_that_row(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("小米贷款和微粒贷，哪个更好一点？")
    chat.say("上征信方面有区别吗？")
    assert "征信上报" in chat.text and "年化利率" not in chat.text


def test_asked_which_to_choose_after_a_comparison_the_advisor_explains_how_and_does_not_pick(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("小米贷款和微粒贷，哪个更好一点？")
    chat.say("那我到底该选哪个？")
    assert "不替你定" in chat.text and "资格自测" in chat.text and "24%" in chat.text
    assert "暂时答不了" not in chat.text and chat.session.compare == ["xiaomi", "weilidai"]


def test_a_loan_asked_after_a_comparison_is_priced_by_each_product_compared(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("小米贷款跟微粒贷哪个划算")
    chat.say("那借3万呢 分12期")  # no rate, no product: the two in view, ranked
    assert chat.session.flow == "calc" and "利率或费率是多少" not in chat.text
    assert "小米贷款" in chat.text and "微粒贷" in chat.text and "3万" in chat.text
    # both start at the same daily rate in the articles: the lowest price is theirs together
    assert "微粒贷、小米贷款最便宜" in chat.text or "小米贷款、微粒贷最便宜" in chat.text
    chat.say("换成24期呢")
    assert "24期" in chat.text and "利率或费率是多少" not in chat.text
    # inside the calculator, a situation told is kept for the check, and a question of its own answered
    chat.say("我27 在厂里上班 一个月六千 没逾期")
    assert chat.session.offer == "check" and "逾期多少天" not in chat.text
    chat.say("那WE2000呢 上征信吗")
    assert "百行" in chat.text and "逾期多少天" not in chat.text
    chat.say("那微粒贷呢 贵不贵")  # a question about the sum: the loan priced by 微粒贷
    assert "微粒贷 · 借 3万元" in chat.text
    chat.say("测一下微粒贷")  # a product named to be checked, not to price the sum by
    assert chat.session.flow == "check" and chat.pending is not None


@pytest.mark.parametrize(
    ("asked", "row"), [("那额度呢", "额度"), ("上征信吗", "征信上报"), ("那罚息呢", "逾期罚息")]
)
def test_a_topic_asked_on_right_after_a_comparison_is_that_row_for_the_products_compared(
    engine: Engine, asked: str, row: str
) -> None:
    chat = Chat(engine)
    chat.say("借呗和微粒贷哪个划算")
    chat.say(asked)
    assert chat.text.startswith("对比：蚂蚁借呗 / 微粒贷") and row in chat.text
    assert "年化利率" not in chat.text  # that row only, not the whole table again
