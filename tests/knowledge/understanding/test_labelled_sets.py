"""The labelled question sets in tests/data: well-formed, and kept apart from each other.

The figures in the README mean something only if the report set was never tuned on: no question of one
file may reappear (after normalisation) in another, and every label must name a real entry and product.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from knowledge.understanding.normalize import clean

DATA = Path(__file__).resolve().parents[2] / "data"
SETS = sorted(DATA.glob("faq_*.jsonl"))


def _rows(path: Path) -> list[dict[str, str | None]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_report_set_and_the_tuning_sets_are_all_there() -> None:
    names = {p.name for p in SETS}
    assert {
        "faq_eval.jsonl",
        "faq_fresh.jsonl",
        "faq_fresh3.jsonl",
        "faq_fresh4.jsonl",
        "faq_calibration.jsonl",
        "faq_dev.jsonl",
        "faq_tuning.jsonl",
        "faq_tuning2.jsonl",
        "faq_tuning4.jsonl",
        "faq_threshold.jsonl",
    } <= names


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_every_label_names_a_real_entry_and_product(kb: KnowledgeBase, path: Path) -> None:
    for row in _rows(path):
        assert set(row) == {"question", "entry", "product"}, row
        assert row["entry"] is None or row["entry"] in kb.entries, row
        assert row["product"] is None or row["product"] in kb.products, row


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_no_question_is_asked_twice_within_a_set(path: Path) -> None:
    questions = [clean(str(row["question"])) for row in _rows(path)]
    assert len(questions) == len(set(questions))


@pytest.mark.parametrize(("one", "other"), list(combinations(SETS, 2)), ids=lambda p: p.name)
def test_no_question_appears_in_two_sets(one: Path, other: Path) -> None:
    asked = {clean(str(row["question"])) for row in _rows(one)}
    assert not asked & {clean(str(row["question"])) for row in _rows(other)}
