"""Acceptance: the matcher's accuracy on the two held-out report sets (never used for tuning).

Latency and start-up targets are timings, so they are measured by ``make bench`` (bench/faq.py), not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.understanding.evaluation import Report, evaluate_matcher, read_labelled
from knowledge.understanding.matcher import LexicalMatcher

DATA = Path(__file__).resolve().parents[2] / "data"
#: the two held-out report sets (tests/data/README.md): never tuned on, only measured
REPORT_SETS = ("faq_eval.jsonl", "faq_fresh.jsonl")

#: what the held-out sets measured when this floor was set (94.95% and 95.4% top-1); a change that loses
#: more than a few questions of it fails here even while a 95% target below is still open
TOP1_FLOOR = 0.94


def _open_target(name: str, reason: str) -> pytest.ParameterSet:
    # strict: the day the target is met this turns red, and the marker must go
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.fixture(scope="module")
def reports(matcher: LexicalMatcher) -> dict[str, Report]:
    """Each report set scored once for the whole module."""
    return {name: evaluate_matcher(matcher, read_labelled(DATA / name)) for name in REPORT_SETS}


@pytest.mark.parametrize(
    "name",
    [
        _open_target("faq_eval.jsonl", "target not met yet: 94.95% (489/515) on faq_eval.jsonl (README)"),
        "faq_fresh.jsonl",
    ],
)
def test_top1_entry_and_product_is_at_least_95_percent(name: str, reports: dict[str, Report]) -> None:
    assert reports[name].figures()["top1"] >= 0.95


@pytest.mark.parametrize("name", REPORT_SETS)
def test_top1_does_not_fall_below_the_measured_floor(name: str, reports: dict[str, Report]) -> None:
    assert reports[name].figures()["top1"] >= TOP1_FLOOR


@pytest.mark.parametrize(
    "name",
    [
        "faq_eval.jsonl",
        _open_target("faq_fresh.jsonl", "target not met: 93.3% (56/60) on faq_fresh.jsonl (README)"),
    ],
)
def test_out_of_scope_questions_are_declined_at_least_95_percent(
    name: str, reports: dict[str, Report]
) -> None:
    assert reports[name].figures()["oos_declined"] >= 0.95


@pytest.mark.parametrize("name", REPORT_SETS)
def test_out_of_scope_questions_are_never_answered_confidently_more_than_5_percent(
    name: str, reports: dict[str, Report]
) -> None:
    # declined or offered 「您是不是想问」, never answered as if in scope
    assert reports[name].figures()["oos_not_answered"] >= 0.95


@pytest.mark.parametrize("name", REPORT_SETS)
def test_wrong_confident_answers_stay_within_2_percent(name: str, reports: dict[str, Report]) -> None:
    assert reports[name].figures()["wrong_answers"] <= 0.02


def test_everyday_words_containing_an_alias_are_not_products(matcher: LexicalMatcher) -> None:
    # 今天星期几 contains 天星 (天星金融), 米粉 is rice noodles: neither is 小米贷款
    for question in ("今天星期几", "米粉怎么做好吃"):
        match = matcher.ask(question)
        assert match.band != "answer" and match.product is None, question
