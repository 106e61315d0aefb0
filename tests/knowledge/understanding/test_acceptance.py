"""Acceptance: the matcher's accuracy on the held-out report sets (never used for tuning).

The targets apply to questions never seen in training, so each set is scored without the few questions
that coincide word for word with a training paraphrase (the ``unseen`` column of ``loan-advisor eval``).
Latency and start-up targets are timings, so they are measured by ``make bench`` (bench/faq.py), not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase, read_labelled
from knowledge.understanding.evaluation import Report, coinciding, evaluate_matcher
from knowledge.understanding.matcher import LexicalMatcher

pytestmark = pytest.mark.slow  # scores the matcher on whole labelled data sets

DATA = Path(__file__).resolve().parents[2] / "data"
#: the held-out report sets (tests/data/README.md): never tuned on, only measured
REPORT_SETS = (
    "faq_eval.jsonl",
    "faq_fresh.jsonl",
    "faq_fresh3.jsonl",
    "faq_fresh4.jsonl",
    "faq_fresh5.jsonl",
)

#: top-1 on unseen questions when these floors were set (fourth session, with the labelled examples
#: learned): 97.3%, 97.7%, 97.5%, 98.4% and 97.8%. A change that loses more than a few questions fails here,
#: before it could take a set below the 95% target.
TOP1_FLOOR = {
    "faq_eval.jsonl": 0.965,
    "faq_fresh.jsonl": 0.965,
    "faq_fresh3.jsonl": 0.965,
    "faq_fresh4.jsonl": 0.97,
    "faq_fresh5.jsonl": 0.965,
}


#: answered directly and right (in scope, unseen) when these floors were set (ninth session: half of
#: faq_short3 learned from, siblings the examples confused answered together; refit at the merge with the
#: wants' new examples, answer threshold 0.908): 92.6%, 96.6%, 92.6%, 94.4% and 94.4% (the FAQ helper's
#: branch, at 0.896: 93.2%, 96.9%, 94.4%, 94.8%, 95.2%; the eighth session's end: 91.7%, 96.6%, 92.6%, 93.3%,
#: 94.8%). Tenth session (half of faq_short4 learned from, the comparisons told apart by the product named,
#: answer threshold 0.909): 93.6%, 97.3%, 93.3%, 94.4% and 94.8%; at the merge's refit, once a best guess
#: that shows the labelled answer counts as right (answer threshold 0.86): 94.9%, 98.5%, 94.4%, 96.0% and
#: 96.5%. The issue's target is 95%; these floors catch a change that loses ground.
DIRECT_FLOOR = {
    "faq_eval.jsonl": 0.945,
    "faq_fresh.jsonl": 0.98,
    "faq_fresh3.jsonl": 0.94,
    "faq_fresh4.jsonl": 0.955,
    "faq_fresh5.jsonl": 0.96,
}


@pytest.fixture(scope="module")
def reports(matcher: LexicalMatcher, kb: KnowledgeBase) -> dict[str, Report]:
    """Each report set scored once for the whole module, on its unseen questions."""
    return {name: unseen(matcher, kb, name) for name in REPORT_SETS}


def unseen(matcher: LexicalMatcher, kb: KnowledgeBase, name: str) -> Report:
    """A labelled set of tests/data scored on the questions that coincide with nothing learned from."""
    items = read_labelled(DATA / name)
    return evaluate_matcher(matcher, items).without(coinciding(items, kb), "unseen")


@pytest.mark.parametrize("name", REPORT_SETS)
def test_top1_entry_and_product_is_at_least_95_percent(name: str, reports: dict[str, Report]) -> None:
    assert reports[name].figures()["top1"] >= 0.95


@pytest.mark.parametrize("name", REPORT_SETS)
def test_top1_does_not_fall_below_the_measured_floor(name: str, reports: dict[str, Report]) -> None:
    assert reports[name].figures()["top1"] >= TOP1_FLOOR[name]


@pytest.mark.parametrize("name", REPORT_SETS)
def test_answered_directly_and_right_does_not_fall_below_the_measured_floor(
    name: str, reports: dict[str, Report]
) -> None:
    assert reports[name].figures()["direct_right"] >= DIRECT_FLOOR[name]


@pytest.mark.parametrize("name", REPORT_SETS)
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


#: The report set of short everyday questions (issue 18), scored once at the end of the work that it was
#: written for: unseen, top-1 94.1%, answered directly and right 86.3%, answered wrong 2.2% of all
#: questions, out of scope not answered 100%; in the sixth session, with both calibrations refit, 82.8%
#: directly and right, 1.9% wrong, 98.3% not answered; at the end of the eighth, top-1 94.9%, 87.1% directly
#: and right, 2.2% wrong, 98.3% not answered; in the ninth, top-1 94.9%, 88.3% directly and right, 2.5% wrong,
#: 98.3% not answered; in the tenth, top-1 94.9%, 91.0% directly and right, 2.2% wrong, 98.3% not answered
#: (the FAQ helper's branch), then at the merge's refit (answer ≥ 0.86, a guess showing the labelled answer
#: counted right) top-1 96.5%, 94.1% directly and right, 1.6% wrong, 96.6% not answered: two of the 59 out
#: of scope answered, one more than before. The issue's targets (95%, 1%, 97%) are not met; these floors
#: catch a change that loses ground.
SHORT_FLOOR = {"top1": 0.96, "direct_right": 0.935, "oos_not_answered": 0.965}
SHORT_WRONG_CEILING = 0.025


@pytest.fixture(scope="module")
def short(matcher: LexicalMatcher, kb: KnowledgeBase) -> Report:
    return unseen(matcher, kb, "faq_short.jsonl")


@pytest.mark.parametrize("figure", sorted(SHORT_FLOOR))
def test_the_short_everyday_questions_keep_their_measured_floors(short: Report, figure: str) -> None:
    assert short.figures()[figure] >= SHORT_FLOOR[figure]


def test_the_short_everyday_questions_are_answered_wrong_no_more_often_than_measured(short: Report) -> None:
    assert short.figures()["wrong_answers"] <= SHORT_WRONG_CEILING


#: The half of the eighth session's held-out short questions (faq_short3, scored once at that session's end:
#: top-1 96.4%, answered directly and right 86.6%) that only picks the answer threshold since the ninth
#: session (faq_threshold_short3.jsonl; the other half is learned from). It is no longer a report set, but
#: nothing learns from it: a development check that catches a change losing ground on short questions.
#: Measured when the floors were set (ninth session's end, unseen): top-1 98.4%, answered directly and right
#: 87.3%, out of scope not answered 95.8%.
SHORT3_HALF_FLOOR = {"top1": 0.98, "direct_right": 0.87, "oos_not_answered": 0.95}


@pytest.fixture(scope="module")
def short3_half(matcher: LexicalMatcher, kb: KnowledgeBase) -> Report:
    return unseen(matcher, kb, "faq_threshold_short3.jsonl")


@pytest.mark.parametrize("figure", sorted(SHORT3_HALF_FLOOR))
def test_the_threshold_half_of_the_eighth_sessions_short_questions_keeps_its_floors(
    short3_half: Report, figure: str
) -> None:
    assert short3_half.figures()[figure] >= SHORT3_HALF_FLOOR[figure]


#: The half of the ninth session's held-out short questions (faq_short4, scored once at that session's end,
#: 8402835, unseen: top-1 95.9%, answered directly and right 86.9%, answered wrong 0.4% of all, out of scope
#: not answered 100%) that only picks the answer threshold since the tenth session
#: (faq_threshold_short4.jsonl; the other half is learned from). Like the eighth session's half above it
#: is a development check now, not a report set. Measured at the split and the refit (tenth session,
#: unseen): top-1 97.3%, answered directly and right 87.4%, answered wrong 0.4% of all, out of scope not
#: answered 100%; when the floors were set (the session's end): top-1 97.3%, directly and right 89.2%,
#: wrong 0.4%, not answered 100%.
#: Sets of short everyday questions measured apart, each with the floors it keeps and the share of all its
#: questions it may answer wrong: (file, floors, wrong ceiling).
SHORT_SETS = {
    #: The half of the ninth session's held-out short questions (faq_short4, scored once at that session's
    #: end, 8402835, unseen: top-1 95.9%, directly and right 86.9%, wrong 0.4% of all, out of scope not
    #: answered 100%) that only picks the answer threshold since the tenth session; a development check now.
    #: At the tenth session's end: top-1 97.3%, directly and right 91.9%, wrong 0.7%, not answered 97.9%.
    "faq_threshold_short4.jsonl": ({"top1": 0.97, "direct_right": 0.89, "oos_not_answered": 0.97}, 0.01),
    #: The tenth session's held-out short questions (faq_short5: 644 in scope, 115 out of scope, written
    #: before the work by a contributor who never ran the matcher), scored once at the session's end
    #: (e8ca40c, unseen): top-1 92.7%, answered directly and right 84.4%, answered wrong 2.1% of all, out of
    #: scope not answered 97.4%.
    "faq_short5.jsonl": ({"top1": 0.925, "direct_right": 0.84, "oos_not_answered": 0.97}, 0.022),
}


@pytest.fixture(scope="module")
def short_sets(matcher: LexicalMatcher, kb: KnowledgeBase) -> dict[str, Report]:
    return {name: unseen(matcher, kb, name) for name in SHORT_SETS}


@pytest.mark.parametrize(
    ("name", "figure"), [(name, figure) for name, (floors, _) in SHORT_SETS.items() for figure in floors]
)
def test_the_short_sets_measured_apart_keep_their_floors(
    short_sets: dict[str, Report], name: str, figure: str
) -> None:
    assert short_sets[name].figures()[figure] >= SHORT_SETS[name][0][figure]


@pytest.mark.parametrize("name", sorted(SHORT_SETS))
def test_the_short_sets_measured_apart_are_answered_wrong_no_more_often(
    short_sets: dict[str, Report], name: str
) -> None:
    assert short_sets[name].figures()["wrong_answers"] <= SHORT_SETS[name][1]
