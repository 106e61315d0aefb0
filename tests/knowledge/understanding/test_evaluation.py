"""Scoring: what the person saw for each labelled question, counted once and honestly."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.models import LabelledQuestion
from knowledge.understanding.evaluation import Outcome, Report, as_labelled


def _outcome(label: str | None, guess: str | None, band: str, *, hedged: bool = False) -> Outcome:
    item = LabelledQuestion(question=f"q{label}{guess}{band}{hedged}", entry=label, product=None)
    return Outcome(item, guess, None, band, 0.9, 0.001, hedged=hedged)


def test_a_wrong_best_guess_answered_with_alternatives_counts_as_a_wrong_answer() -> None:
    report = Report(
        "m",
        [
            _outcome("rate.level", "rate.level", "answer"),
            _outcome("rate.level", "rate.level", "answer", hedged=True),
            _outcome("rate.level", "overdue.penalty", "answer", hedged=True),
            _outcome("rate.level", "rate.level", "suggest"),
            _outcome("rate.level", None, "decline"),
            _outcome(None, "rate.level", "answer", hedged=True),
        ],
    )
    figures = report.figures()
    assert figures["direct_right"] == pytest.approx(1 / 5)
    assert figures["hedged_right"] == pytest.approx(1 / 5)
    assert figures["wrong_in_scope"] == pytest.approx(1 / 5)
    assert figures["in_scope_suggested"] == pytest.approx(1 / 5)
    assert figures["in_scope_declined"] == pytest.approx(1 / 5)
    # the hedged wrong in-scope answer and the hedged out-of-scope answer: two of six questions
    assert figures["wrong_answers"] == pytest.approx(2 / 6)
    assert figures["oos_not_answered"] == 0.0


def test_misses_list_every_in_scope_question_not_answered_directly_and_right() -> None:
    direct = _outcome("rate.level", "rate.level", "answer")
    hedged = _outcome("rate.level", "rate.level", "answer", hedged=True)
    declined_oos = _outcome(None, None, "decline")
    report = Report("m", [direct, hedged, declined_oos])
    assert report.misses() == [hedged]


@pytest.mark.parametrize(
    ("label", "guess", "right"),
    [
        # req.xiaomi_phone has one answer: named with 小米贷款 or without a product, the same is shown
        (("req.xiaomi_phone", None), ("req.xiaomi_phone", "xiaomi"), True),
        # rate.level has an answer of its own for 小米贷款: the general one is not it
        (("rate.level", "xiaomi"), ("rate.level", None), False),
        (("rate.level", "xiaomi"), ("rate.level", "weilidai"), False),
        # another entry is never right, whatever the product
        (("rate.level", None), ("rate.true_cost", None), False),
    ],
)
def test_a_best_guess_is_right_when_it_shows_the_labelled_answer(
    kb: KnowledgeBase, label: tuple[str, str | None], guess: tuple[str, str | None], right: bool
) -> None:
    item = LabelledQuestion(question="q", entry=label[0], product=label[1])
    shown = as_labelled(kb, item, guess[0], guess[1])
    assert ((guess[0], shown) == label) is right
