"""Acceptance: the matcher meets the issue's targets on the held-out report set (never used for tuning)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.settings import Settings
from knowledge.base import load
from knowledge.understanding import load_matcher
from knowledge.understanding.evaluation import Report, evaluate_matcher, read_labelled
from knowledge.understanding.matcher import LexicalMatcher

EVAL_SET = Path(__file__).resolve().parents[2] / "data" / "faq_eval.jsonl"


@pytest.fixture(scope="module")
def report(matcher: LexicalMatcher) -> Report:
    return evaluate_matcher(matcher, read_labelled(EVAL_SET))


def test_top1_entry_and_product_is_at_least_95_percent(report: Report) -> None:
    assert report.figures()["top1"] >= 0.95


def test_out_of_scope_questions_are_declined_at_least_95_percent(report: Report) -> None:
    assert report.figures()["oos_declined"] >= 0.95


def test_wrong_confident_answers_stay_within_2_percent(report: Report) -> None:
    assert report.figures()["wrong_answers"] <= 0.02


def test_p99_latency_is_under_10_ms_once_warm(report: Report) -> None:
    assert report.figures()["p99_ms"] < 10.0


def test_start_up_loads_the_knowledge_base_and_builds_the_indexes_in_under_1_5_s() -> None:
    settings = Settings(_env_file=None)
    start = time.perf_counter()
    load_matcher(
        load(),
        answer_threshold=settings.faq_answer_threshold,
        suggest_threshold=settings.faq_suggest_threshold,
    )
    assert time.perf_counter() - start < 1.5
