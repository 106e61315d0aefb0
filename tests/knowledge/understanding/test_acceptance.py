"""Acceptance: the matcher's accuracy on the held-out report set (never used for tuning).

Latency and start-up targets are timings, so they are measured by ``make bench`` (bench/faq.py), not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.understanding.evaluation import Report, evaluate_matcher, read_labelled
from knowledge.understanding.matcher import LexicalMatcher

EVAL_SET = Path(__file__).resolve().parents[2] / "data" / "faq_eval.jsonl"

#: what the held-out set measured when this floor was set (94.8% top-1); a change that loses more than
#: a question or two of it fails here even while the 95% target below is still open
TOP1_FLOOR = 0.94


@pytest.fixture(scope="module")
def report(matcher: LexicalMatcher) -> Report:
    return evaluate_matcher(matcher, read_labelled(EVAL_SET))


@pytest.mark.xfail(
    strict=True,
    reason="target not met yet: top-1 is 94.8% on faq_eval.jsonl (README, 'How well it understands'); "
    "strict, so this turns red the day it passes and the marker must go",
)
def test_top1_entry_and_product_is_at_least_95_percent(report: Report) -> None:
    assert report.figures()["top1"] >= 0.95


def test_top1_does_not_fall_below_the_measured_floor(report: Report) -> None:
    assert report.figures()["top1"] >= TOP1_FLOOR


def test_out_of_scope_questions_are_declined_at_least_95_percent(report: Report) -> None:
    assert report.figures()["oos_declined"] >= 0.95


def test_wrong_confident_answers_stay_within_2_percent(report: Report) -> None:
    assert report.figures()["wrong_answers"] <= 0.02


def test_everyday_words_containing_an_alias_are_not_products(matcher: LexicalMatcher) -> None:
    # 今天星期几 contains 天星 (天星金融), 米粉 is rice noodles: neither is 小米贷款
    for question in ("今天星期几", "米粉怎么做好吃"):
        match = matcher.ask(question)
        assert match.band != "answer" and match.product is None, question
