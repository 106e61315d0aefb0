"""Short everyday questions: a product and a topic, answered directly; the middle band; follow-ups."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.understanding.calibration import load_calibration
from knowledge.understanding.lexicon import load_lexicon
from knowledge.understanding.matcher import LexicalMatcher


@pytest.mark.parametrize(
    ("question", "entry", "product"),
    [
        ("微粒贷年龄限制", "req.age", "weilidai"),
        ("小米代款上不上征信", "credit.reported", "xiaomi"),
        ("we2000额度多少", "limit.amount", "we2000"),
    ],
)
def test_a_product_and_a_topic_are_read_as_such_and_answered(
    matcher: LexicalMatcher, question: str, entry: str, product: str
) -> None:
    analysis = matcher.analyse(question)
    assert matcher.topic_entry(analysis) == entry
    match = matcher.ask(question)
    assert (match.band, match.entry_id, match.product, match.alternatives) == ("answer", entry, product, [])


def test_the_topic_of_a_question_leaves_out_the_product_and_the_words_that_only_ask(
    matcher: LexicalMatcher,
) -> None:
    assert matcher.analyse("WE2000利率咋算？").topic_key == "利率算"


def test_a_topic_shared_by_several_entries_names_none(matcher: LexicalMatcher) -> None:
    # 「申请」 alone is how to apply for 小米贷款, for 微粒贷, for WE2000 …
    assert matcher.topic_entry(matcher.analyse("申请")) is None


def test_a_bare_topic_the_data_gives_an_overview_for_names_the_overview(matcher: LexicalMatcher) -> None:
    # 「逾期」 alone is the penalty, the consequences, what to do …: the consequences entry lists them all
    assert matcher.topic_entry(matcher.analyse("逾期")) == "overdue.consequences"


def test_a_topic_names_no_entry_about_another_product(matcher: LexicalMatcher) -> None:
    # 「怎么开通」 with 小米贷款 named cannot be 微粒贷's or WE2000's opening steps
    found = matcher.topic_entry(matcher.analyse("小米贷款怎么开通"))
    assert found not in ("apply.weilidai_open", "apply.we2000_how")


def test_the_rankings_signals_say_whether_the_topic_and_the_neighbours_agree(matcher: LexicalMatcher) -> None:
    ranking, _ = matcher.understand("微粒贷年龄限制")
    assert ranking.signals["topic_agree"] == 1.0 and ranking.signals["topic_other"] == 0.0
    assert 0.0 < ranking.signals["near_char"] <= 1.0


@pytest.fixture(scope="module")
def hedging(kb: KnowledgeBase) -> LexicalMatcher:
    """A matcher that answers nothing outright and answers every likely guess with its alternatives."""
    return LexicalMatcher(
        kb.faq_view(),
        load_lexicon(),
        load_calibration(),
        answer_threshold=1.01,
        suggest_threshold=0.0,
        hedge_threshold=0.0,
    )


def test_a_likely_but_uncertain_guess_is_answered_with_the_close_alternatives(
    hedging: LexicalMatcher,
) -> None:
    match = hedging.ask("逾期了怎么办啊")
    assert match.band == "answer" and match.hedged
    assert match.entry_id is not None and match.entry_id not in match.alternatives
    assert 1 <= len(match.alternatives) <= 2


def test_a_refusal_is_never_offered_as_an_alternative(hedging: LexicalMatcher, kb: KnowledgeBase) -> None:
    for question in ("逾期了怎么办啊", "能提现吗", "收入证明怎么弄"):
        match = hedging.ask(question)
        assert all(kb.entries[a].kind != "refusal" for a in match.alternatives), question


def test_without_a_middle_band_an_uncertain_guess_gets_suggestions(kb: KnowledgeBase) -> None:
    plain = LexicalMatcher(
        kb.faq_view(), load_lexicon(), load_calibration(), answer_threshold=1.01, suggest_threshold=0.0
    )
    match = plain.ask("逾期了怎么办啊")
    assert match.band == "suggest" and not match.hedged


def test_the_middle_band_is_never_above_the_answer_threshold(matcher: LexicalMatcher) -> None:
    assert matcher.suggest_threshold <= matcher.answer_threshold
    assert matcher.hedge_threshold <= matcher.answer_threshold


@pytest.mark.parametrize(
    ("question", "entry"),
    [("罚息呢", "overdue.penalty"), ("那额度呢", "limit.amount"), ("利息呢", "rate.level")],
)
def test_a_new_topic_asked_as_a_follow_up_keeps_the_product_in_view(
    matcher: LexicalMatcher, question: str, entry: str
) -> None:
    match = matcher.ask(question, previous_entry="repay.early", previous_product="xiaomi")
    assert (match.band, match.entry_id, match.product) == ("answer", entry, "xiaomi")


def test_a_new_topic_without_an_answer_in_view_is_no_follow_up(matcher: LexicalMatcher) -> None:
    match = matcher.ask("罚息呢")
    assert match.product is None
