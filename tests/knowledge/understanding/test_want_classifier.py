"""The second reader of wants: a classifier fitted on the labelled examples, read where the want matcher
is unsure."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from flows.engine import Engine
from knowledge.base import load
from knowledge.understanding.want_classifier import (
    FAQ,
    NONE,
    WantClassifier,
    classifier_state,
    features,
    fingerprint,
    fit,
    load_want_classifier,
    pick_threshold,
    training_set,
)


def test_the_saved_classifier_is_fitted_on_the_current_examples() -> None:
    """Changing the examples without fitting again (`calibrate --wants`) would leave it behind them."""
    saved = load_want_classifier()
    assert saved is not None
    texts, labels, classes = training_set(load())
    assert saved.fitted_on == fingerprint(texts, labels)
    assert saved.classes == classes
    assert 0.3 <= saved.threshold <= 0.95


def test_any_number_reads_alike_so_an_id_is_an_id_whatever_its_digits() -> None:
    assert np.array_equal(features("身份证号110101199003071234"), features("身份证号220101198801011111"))
    assert not np.array_equal(features("好的"), features("好烦"))


def test_fitting_learns_what_sets_each_class_apart_and_is_the_same_at_every_run() -> None:
    texts = ["被骗了", "我被骗了钱", "骗子骗了我", "利息多少", "利率多少", "年化多少", "天气", "今天天气"]
    targets = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    rows = [features(t) for t in texts]
    first = fit(rows, targets, 3, epochs=60)
    again = fit(rows, targets, 3, epochs=60)
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    model = WantClassifier(first[0], first[1], ("act.scammed", FAQ, NONE), 0.5, "toy")
    found = model.want_of("他骗了我")
    assert found is not None and found[0] == "act.scammed"
    assert model.want_of("月利息多少") is None  # the FAQ's class is no want


def test_the_threshold_is_the_lowest_that_keeps_faq_questions_within_the_budget() -> None:
    classes = ("act.greet", FAQ, NONE)
    # 200 FAQ questions, two of which look like greetings at 0.6 and 0.9; wants at 0.7
    probs = np.array([[0.05, 0.9, 0.05]] * 198 + [[0.6, 0.4, 0.0], [0.9, 0.1, 0.0]] + [[0.7, 0.3, 0.0]] * 10)
    labels = [FAQ] * 200 + ["act.greet"] * 10
    picked = pick_threshold(probs, labels, classes)
    # 0.5% of 200 is one question: 0.6 would take two, 0.65 takes one
    assert picked["threshold"] == pytest.approx(0.65)
    assert picked["wants_recognised"] == 1.0
    excused = pick_threshold(probs, labels, classes, lambda _i, _want: True)
    assert excused["threshold"] == pytest.approx(0.3)  # nothing taken in error: the lowest threshold


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("我把身份证照片发你吧", "act.identifier"),  # an offer to send one, no number yet
        ("他还在催我转钱", "act.scam_ongoing"),
        ("好烦啊", "act.sad"),  # 好 before a feeling is no yes
        ("要不要身份证", None),  # asks about the card: an FAQ question
        ("微粒贷逾期了怎么办", None),
    ],
)
def test_wants_the_matcher_is_unsure_of_are_served(engine: Engine, text: str, want: str | None) -> None:
    assert engine.want_served(text) == want


def test_kb_check_can_tell_a_classifier_fitted_on_other_examples(tmp_path: Path) -> None:
    kb = load()
    assert classifier_state(kb) == "fresh"
    assert classifier_state(replace(kb, examples=tuple(kb.examples)[1:])) == "stale"
    assert classifier_state(kb, tmp_path / "none.npz") == "missing"
