"""Self-check facts stated in passing, as people type them, and what is not a fact."""

from __future__ import annotations

import pytest

from knowledge.understanding.normalize import fold
from knowledge.understanding.profile import facts_in


def facts(text: str) -> dict[str, object]:
    return dict(facts_in(fold(text)))


def test_a_whole_situation_in_one_message() -> None:
    text = "我27，在成都做销售，一个月六千五，信用卡从没逾期，有台红米，小米贷款能批吗"
    assert facts(text) == {
        "age": 27,
        "student": False,
        "monthly_income": 6500,
        "credit": "clean",
        "xiaomi_device": True,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不对 我是26", {"age": 26}),
        ("收入说错了 五千", {"monthly_income": 5000}),
        ("月入1.2w", {"monthly_income": 12000}),
        ("年薪十五万", {"monthly_income": 12500}),
        ("我一个月能挣五六千", {"monthly_income": 5000}),  # a rough range: its cautious lower end
        ("每月退休金三千五", {"monthly_income": 3500, "student": False}),  # retired: not a student
        ("大三学生 没收入", {"student": True, "monthly_income": 0}),
        ("没上学 有证", {"student": False, "mainland_id": True}),
        ("以前信用卡晚还过一次 早还清了", {"credit": "settled_overdue"}),
        ("我是香港人", {"mainland_id": False}),
        ("没有大陆身份证", {"mainland_id": False}),  # 「大陆」 must not read as holding one
        ("只有台胞證 沒有大陸身分證", {"mainland_id": False}),  # Taiwan writes 身分證
        ("我有大陆身份证", {"mainland_id": True}),
        ("29, no overdue", {"age": 29, "credit": "clean"}),
        ("is 24 percent apr legal", {}),  # a rate, not an age
        ("用的苹果手机", {"xiaomi_device": False}),
        ("支付分650", {"wechat_pay_score": 650}),
        ("支付分没开过", {"wechat_pay_score": None}),  # unknown: the check skips it
    ],
)
def test_facts_are_read_with_their_cues(text: str, expected: dict[str, object]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "借一万一个月利息八十 贵不贵",  # a loan's figures, not an income
        "分12期 一个月还1000",
        "学生能借微粒贷吗",  # a question about students
        "那我勾个不是学生 能过不",  # what one might tick, not what one is
        "为了借这个去买台红米值不值",  # a phone one might buy
        "我20号还款",
        "我身份证号110105199001011234",  # a pasted ID number says nothing we may use
        "30",  # a bare figure alone is an answer to whatever was asked
    ],
)
def test_what_is_not_a_fact_is_not_kept(text: str) -> None:
    assert facts(text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("征信没啥问题", {"credit": "clean"}),  # 没啥 asks nothing
        ("征信没什么问题", {"credit": "clean"}),
        ("俺26 送外卖的", {"age": 26, "student": False}),  # 俺 is 我 in the north
        ("一个月五六千吧 不一定", {"monthly_income": 5000}),  # a rough range counts as its lower end
        ("二十五 是学生 不过下个月就毕业了", {"age": 25, "student": True}),  # a student until then
        ("我已经毕业了", {"student": False}),
        ("好吧 那我毕业了再来", {}),  # what one will do later is no fact now
        ("借了一万 到手只有八千五 分六期", {}),  # the money a loan paid out is no income
    ],
)
def test_facts_told_in_plain_words(text: str, expected: dict[str, object]) -> None:
    assert facts(text) == expected


def test_a_question_with_an_indefinite_is_still_a_question() -> None:
    assert facts("征信有没有啥问题") == {}


def test_over_ten_thousand_is_ten_thousand() -> None:
    assert facts("月入过万") == {"monthly_income": 10_000}
    assert facts("上万块的手机") == {}


def test_a_situation_told_in_site_workers_words_gives_every_fact_it_holds() -> None:
    facts = facts_in("本人35 在工地干活 一个月七八千不固定 没信用卡 苹果手机 微粒贷入口没有 有什么能借的")
    assert facts == {
        "age": 35,
        "student": False,
        "monthly_income": 7000,
        "xiaomi_device": False,
        "wechat_wallet_entry": False,
    }
    assert facts_in("一个月还1000") == {}  # a repayment, not an income


@pytest.mark.parametrize(
    ("text", "age"),
    [("我63了还能借小米贷款吗", 63), ("我今年五十八了能借微粒贷吗", 58), ("我借了63了还能借吗", None)],
)
def test_an_age_told_in_the_same_breath_as_the_question_is_kept(text: str, age: int | None) -> None:
    assert facts(text).get("age") == age
