"""The self-check questions: range buttons cut at the criteria's boundaries, tokens decoded safely."""

from __future__ import annotations

from flows.questions import QUESTIONS, decode_token, question_buttons, range_options
from knowledge.base import KnowledgeBase, default
from knowledge.eligibility import EligibilityProfile, evaluate
from knowledge.models import Criterion, Product


def _kb(criteria: list[Criterion]) -> KnowledgeBase:
    products = {"we2000": Product(id="we2000", name="WE2000", provider="p", summary="s", checkable=True)}
    return KnowledgeBase(sources={}, products=products, topics={}, entries={}, criteria=criteria, factors=[])


def test_age_buttons_are_cut_where_a_rule_changes() -> None:
    kb = _kb(
        [
            Criterion(
                id="a", product="we2000", key="age", hard=True, min=18, max=40, text="18–40", sources=["s"]
            )
        ]
    )
    options = range_options(QUESTIONS["age"], kb, ["we2000"])
    assert options == [("17", "18岁以下"), ("18", "18–40岁"), ("41", "41岁及以上")]


def test_each_range_button_gives_the_verdict_of_every_age_in_its_range() -> None:
    kb = default()
    products = ["xiaomi", "weilidai", "we2000"]
    options = range_options(QUESTIONS["age"], kb, products)
    tokens = [int(t) for t, _label in options]
    for low, high in zip(tokens, [*tokens[1:], 121], strict=True):
        expected = [v.verdict for v in evaluate(kb, EligibilityProfile(age=max(low, 1)), products)]
        for age in range(max(low, 1), min(high, 121)):
            assert [v.verdict for v in evaluate(kb, EligibilityProfile(age=age), products)] == expected


def test_tokens_are_decoded_only_when_they_fit_the_question() -> None:
    assert decode_token(QUESTIONS["age"], "25") == 25
    assert decode_token(QUESTIONS["age"], "999") is None
    assert decode_token(QUESTIONS["age"], "abc") is None
    assert decode_token(QUESTIONS["student"], "yes") is True
    assert decode_token(QUESTIONS["student"], "no") is False
    assert decode_token(QUESTIONS["credit"], "settled_overdue") == "settled_overdue"
    assert decode_token(QUESTIONS["credit"], "yes") is None


def test_every_question_offers_skip_back_and_exit() -> None:
    kb = default()
    for question in QUESTIONS.values():
        ids = [b.id for row in question_buttons(question, kb, ["xiaomi", "weilidai", "we2000"]) for b in row]
        assert {"nav:skip", "nav:back", "nav:cancel"} <= set(ids)
