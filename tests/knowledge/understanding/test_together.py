"""Sibling entries a person would not tell apart (逾期罚息 / 逾期后果 / 还不上怎么办): when the matcher's two
best guesses are such siblings, both are answered in one reply, and either counts as right."""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge.base import KnowledgeBase
from knowledge.models import LabelledQuestion
from knowledge.understanding.calibrate import signals_and_labels
from knowledge.understanding.calibration import load_calibration
from knowledge.understanding.evaluation import Outcome, Report
from knowledge.understanding.lexicon import load_lexicon
from knowledge.understanding.matcher import LexicalMatcher

#: two best guesses that are siblings (overdue.penalty lists overdue.consequences), and two that are not
SIBLINGS = "逾期罚息和后果"
NOT_SIBLINGS = "逾期会怎样"


@pytest.fixture(scope="module")
def answering(kb: KnowledgeBase) -> LexicalMatcher:
    """A matcher that answers every guess, so that what it answers beside the best one shows."""
    return LexicalMatcher(
        kb.faq_view(), load_lexicon(), load_calibration(), answer_threshold=0.0, suggest_threshold=0.0
    )


def test_the_data_declares_the_overdue_siblings(kb: KnowledgeBase) -> None:
    assert {"overdue.consequences", "overdue.cant_repay"} <= set(kb.entries["overdue.penalty"].together)


def test_two_sibling_guesses_are_answered_together(answering: LexicalMatcher) -> None:
    ranking, _ = answering.understand(SIBLINGS)
    first, second = (c.entry_id for c in ranking.candidates[:2])
    assert {first, second} == {"overdue.penalty", "overdue.consequences"}
    match = answering.ask(SIBLINGS)
    assert (match.band, match.entry_id, match.together) == ("answer", first, [second])
    assert ranking.signals["together"] == 1.0


def test_siblings_declared_on_one_entry_go_both_ways(answering: LexicalMatcher) -> None:
    ranking, _ = answering.understand(SIBLINGS)
    first, second = ranking.candidates[:2]
    assert answering.answered_together([second, first]) == [first.entry_id]


def test_a_runner_up_that_is_no_sibling_is_not_answered(answering: LexicalMatcher) -> None:
    ranking, _ = answering.understand(NOT_SIBLINGS)
    assert answering.answered_together(ranking.candidates) == []
    assert answering.ask(NOT_SIBLINGS).together == []
    assert ranking.signals["together"] == 0.0


def test_the_confidence_is_fitted_on_either_sibling_being_right(answering: LexicalMatcher) -> None:
    ranking, _ = answering.understand(SIBLINGS)
    second = ranking.candidates[1].entry_id
    items = [
        LabelledQuestion(question=SIBLINGS, entry=second, product=None),
        LabelledQuestion(question=SIBLINGS, entry="credit.reported", product=None),
    ]
    _, labels = signals_and_labels(answering, items)
    assert labels == [1, 0]


def _outcome(label: str, guess: str, together: tuple[str, ...], band: str = "answer") -> Outcome:
    item = LabelledQuestion(question=f"q{label}{guess}{together}{band}", entry=label, product=None)
    return Outcome(item, guess, None, band, 0.97, 0.001, together=together)


def test_a_sibling_answered_together_is_answered_right_but_not_top_1() -> None:
    report = Report(
        "m",
        [
            _outcome("overdue.consequences", "overdue.penalty", ("overdue.consequences",)),
            _outcome("credit.reported", "overdue.penalty", ("overdue.consequences",)),
            _outcome("overdue.consequences", "overdue.penalty", ("overdue.consequences",), "suggest"),
        ],
    )
    figures = report.figures()
    assert figures["direct_right"] == pytest.approx(1 / 3)
    assert figures["wrong_in_scope"] == pytest.approx(1 / 3)
    assert figures["top1"] == 0.0


def test_an_entry_about_other_products_only_is_no_runner_up(answering: LexicalMatcher) -> None:
    # 「we2000在哪里申请」 ranked the official entrance, then how to apply for 小米贷款 (about xiaomi only),
    # then how to apply for WE2000 (cross-fitted): the xiaomi entry is not what a WE2000 question asks
    ranking, _ = answering.understand("在哪里申请")
    like = ranking.candidates[0]
    ranked = [
        replace(like, entry_id=e) for e in ("safety.official_channel", "apply.xiaomi_how", "apply.we2000_how")
    ]
    assert answering.answered_together(ranked, ["we2000"]) == ["apply.we2000_how"]
    assert answering.answered_together(ranked, ["xiaomi"]) == ["apply.xiaomi_how"]
    # with no product named, the runner-up is the second in the list, as before
    assert answering.answered_together(ranked) == ["apply.xiaomi_how"]
    # none of them is about 借呗: the entries behind are about other products only
    assert answering.answered_together(ranked[::-1], ["jiebei"]) == []


def test_the_siblings_the_examples_confused_are_declared(kb: KnowledgeBase) -> None:
    # cross-fitted examples split these both ways at high confidence (ninth session)
    assert "harm.evade" in kb.entries["credit.recover"].together
    assert "gloss.pay_score" in kb.entries["about.we2000_what"].together
    assert "rate.true_cost" in kb.entries["rate.daily_to_annual"].together
