"""Understanding free questions against the real knowledge base: products, colloquial forms, typos,
Traditional characters, declines of near-domain questions, harmful requests and follow-ups."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.understanding.compose import compose
from knowledge.understanding.matcher import LexicalMatcher


def test_same_question_about_two_products_gets_each_products_answer(
    kb: KnowledgeBase, matcher: LexicalMatcher
) -> None:
    weilidai = matcher.ask("微粒贷逾期罚息多少")
    xiaomi = matcher.ask("小米贷款逾期罚息多少")
    assert (weilidai.band, weilidai.entry_id, weilidai.product) == ("answer", "overdue.penalty", "weilidai")
    assert (xiaomi.band, xiaomi.entry_id, xiaomi.product) == ("answer", "overdue.penalty", "xiaomi")
    assert compose(kb, weilidai).texts != compose(kb, xiaomi).texts


def test_question_without_a_product_gets_the_general_answer(matcher: LexicalMatcher) -> None:
    match = matcher.ask("逾期罚息怎么算")
    assert (match.band, match.entry_id, match.product) == ("answer", "overdue.penalty", None)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("晚还一天有影响吗", "overdue.one_day"),  # 晚还 = 逾期
        ("没按时还会怎样", "overdue.consequences"),
        ("借了会上信用报告吗", "credit.reported"),  # 信用报告 = 征信
        ("愈期罚息多少", "overdue.penalty"),  # typo
        ("会上征心吗", "credit.reported"),  # near-homophone
        ("貸款會上徵信嗎", "credit.reported"),  # Traditional
        ("I R R 是 什 么 ？", "gloss.irr"),  # Latin letters, stray spaces
        ("学生能行不", "req.student"),  # colloquial
    ],
)
def test_people_are_understood_as_they_type(matcher: LexicalMatcher, question: str, entry: str) -> None:
    assert matcher.best_guess(question)[0] == entry


@pytest.mark.parametrize(
    "question",
    [
        "保险理赔怎么申请",
        "小米汽车多少钱",
        "小米电视能分期吗",
        "京东白条怎么开通",
        "微信视频号怎么开通",
        "今天天气怎么样",
    ],
)
def test_near_domain_questions_outside_the_knowledge_base_are_declined(
    matcher: LexicalMatcher, question: str
) -> None:
    match = matcher.ask(question)
    assert match.band == "decline"
    assert match.entry_id is None
    assert 1 <= len(match.suggestions) <= 3


def test_a_decline_offers_entries_as_buttons_never_refusals(
    kb: KnowledgeBase, matcher: LexicalMatcher
) -> None:
    match = matcher.ask("京东白条怎么开通")
    assert all(kb.entries[e].kind != "refusal" for e in match.suggestions)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("帮我做个假的收入证明", "harm.fake_materials"),
        ("怎么套现", "harm.cash_out"),
        ("欠钱不还怎么躲催收", "harm.evade"),
        ("怎么让网贷不上征信", "harm.evade"),
    ],
)
def test_harmful_requests_get_the_refusal_entries(
    kb: KnowledgeBase, matcher: LexicalMatcher, question: str, entry: str
) -> None:
    match = matcher.ask(question)
    assert (match.band, match.entry_id) == ("answer", entry)
    assert kb.entries[entry].kind == "refusal"


def test_bare_follow_up_keeps_the_topic_and_swaps_the_product(matcher: LexicalMatcher) -> None:
    first = matcher.ask("小米贷款逾期罚息怎么算")
    follow = matcher.ask("那微粒贷呢？", previous_entry=first.entry_id, previous_product=first.product)
    assert (follow.band, follow.entry_id, follow.product) == ("answer", "overdue.penalty", "weilidai")


def test_question_without_product_after_a_product_answer_is_about_that_product(
    matcher: LexicalMatcher,
) -> None:
    match = matcher.ask("上征信吗", previous_entry="rate.level", previous_product="weilidai")
    assert (match.entry_id, match.product) == ("credit.reported", "weilidai")


def test_follow_up_without_context_is_not_answered_blindly(matcher: LexicalMatcher) -> None:
    assert matcher.ask("那微粒贷呢？").band != "answer"


def test_confidence_is_a_probability(matcher: LexicalMatcher) -> None:
    for question in ["微粒贷利息多少", "京东白条怎么开通", ""]:
        assert 0.0 <= matcher.ask(question).confidence <= 1.0


@pytest.mark.parametrize("question", ["", "   ", "？？？", "😀😀", "a" * 2000])
def test_odd_input_is_declined_without_a_crash(matcher: LexicalMatcher, question: str) -> None:
    assert matcher.ask(question).band == "decline"


def test_bare_product_after_a_refusal_is_not_another_refusal(matcher: LexicalMatcher) -> None:
    match = matcher.ask("微粒贷", previous_entry="harm.fake_materials", previous_product=None)
    assert (match.entry_id, match.product) == ("about.weilidai_what", "weilidai")


def test_follow_up_on_a_product_the_previous_entry_does_not_cover_is_matched_afresh(
    matcher: LexicalMatcher,
) -> None:
    # 「申请条件」 covers xiaomi, weilidai, we2000, third parties; 借呗 is only ever compared
    match = matcher.ask("那借呗呢", previous_entry="req.conditions", previous_product="xiaomi")
    assert match.entry_id != "req.conditions"
    assert match.band != "answer"
