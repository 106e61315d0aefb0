"""The signals the calibrated models read, one small function each, registered under the name it has in
``calibration.json`` (:data:`.calibration.FEATURES`).

Two kinds: signals of the question alone (words the knowledge base never uses, out-of-domain markers,
words of the domain …), read for every question, and signals of the best entry against the question
(its scores, its lead over the runner-up, whether it covers the products named …), read when there is a
best entry. :func:`read` computes them all into the mapping the models take.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge.understanding.products import GAP

if TYPE_CHECKING:
    from knowledge.understanding.matcher import Analysis, Candidate, LexicalMatcher


@dataclass(frozen=True)
class Evidence:
    """What the signals of one question are read from: the matcher, the question, the ranking."""

    matcher: LexicalMatcher
    analysis: Analysis
    candidates: Sequence[Candidate]
    #: the entries with the best word-level and bigram cosine (None: no unit in common)
    word_top: str | None
    char_top: str | None
    #: the texts nearest the question, as (entry column, cosine), per channel
    word_near: Sequence[tuple[int, float]]
    char_near: Sequence[tuple[int, float]]
    #: the entry the question's topic names (:meth:`LexicalMatcher.topic_entry`)
    topic: str | None

    @property
    def top(self) -> Candidate:
        """The best entry (only entry signals read it, and they run only when there is one)."""
        return self.candidates[0]

    @property
    def runner_up(self) -> Candidate | None:
        return self.candidates[1] if len(self.candidates) > 1 else None


Signal = Callable[[Evidence], float]
#: signals of the question alone, by name
QUESTION: dict[str, Signal] = {}
#: signals of the best entry against the question, by name
ENTRY: dict[str, Signal] = {}


def _register(table: dict[str, Signal]) -> Callable[[Signal], Signal]:
    def register(function: Signal) -> Signal:
        name = function.__name__.strip("_")
        if name in QUESTION or name in ENTRY:
            raise ValueError(f"signal {name} registered twice")
        table[name] = function
        return function

    return register


question = _register(QUESTION)
entry = _register(ENTRY)


def read(evidence: Evidence) -> dict[str, float]:
    """Every signal of the question, and those of its best entry when there is one."""
    signals = {name: function(evidence) for name, function in QUESTION.items()}
    if evidence.candidates:
        signals.update((name, function(evidence)) for name, function in ENTRY.items())
    return signals


def _flag(value: bool) -> float:
    return 1.0 if value else 0.0


# --- the question alone -------------------------------------------------------------------------------


@question
def unknown_words(e: Evidence) -> float:
    """Share of the question's word weight that the knowledge base's paraphrases never use."""
    return e.matcher.word_index.unknown_share(e.analysis.words)


@question
def unknown_chars(e: Evidence) -> float:
    """The same over character bigrams."""
    return e.matcher.char_index.unknown_share(e.analysis.bigrams)


@question
def ood(e: Evidence) -> float:
    """An out-of-domain marker (保险, 白条, 电视 …) occurs."""
    return _flag(e.analysis.ood)


@question
def harm(e: Evidence) -> float:
    """A harm marker (伪造, 套现, 躲催收 …) occurs."""
    return _flag(e.analysis.harm)


@question
def length(e: Evidence) -> float:
    """log(1 + characters left once the products are taken out)."""
    return math.log1p(len(e.analysis.topic_text.replace(GAP, "")))


@question
def unknown_kb(e: Evidence) -> float:
    """Share of the word weight found nowhere in the knowledge base (paraphrases, answers, names)."""
    return e.matcher.unknown_to_kb(e.analysis.words)


@question
def foreign(e: Evidence) -> float:
    """A subject next to the domain that the advisor does not cover (信用卡, 房贷, 基金 …)."""
    return _flag(e.analysis.foreign)


@question
def foreign_alone(e: Evidence) -> float:
    """A foreign subject with no product beside it: 「信用卡逾期怎么办」, not 「和信用卡比呢」."""
    return _flag((e.analysis.foreign or e.analysis.ood) and not e.analysis.products)


@question
def anchor(e: Evidence) -> float:
    """A word of the domain (借, 贷, 还款, 征信 …) occurs, product names included."""
    return _flag(e.analysis.anchor)


@question
def own_product(e: Evidence) -> float:
    """One of the advisor's own products, named as a loan (「小米贷款」, not 「小米手机」)."""
    return _flag(e.analysis.anchor and e.analysis.own)


# --- the best entry -----------------------------------------------------------------------------------


@entry
def score(e: Evidence) -> float:
    """The ranking score of the best entry."""
    return e.top.score


@entry
def gap(e: Evidence) -> float:
    """Its lead over the runner-up."""
    return e.top.score - (e.runner_up.score if e.runner_up is not None else 0.0)


@entry
def word_best(e: Evidence) -> float:
    """Its best word-level cosine with one of its texts."""
    return e.top.word.best


@entry
def char_best(e: Evidence) -> float:
    """Its best character-bigram cosine."""
    return e.top.char.best


@entry
def word_cov(e: Evidence) -> float:
    """Share of the question's word weight found in its texts."""
    return e.top.word.coverage


@entry
def char_cov(e: Evidence) -> float:
    """Share of the question's bigram weight found in its texts."""
    return e.top.char.coverage


@entry
def bayes(e: Evidence) -> float:
    """Its naive-Bayes posterior."""
    return e.top.bayes


@entry
def answer_cov(e: Evidence) -> float:
    """Share of the question's words found in its answers."""
    return e.top.answer


@entry
def ratio(e: Evidence) -> float:
    """The runner-up's score over the best one's."""
    second = e.runner_up.score if e.runner_up is not None else 0.0
    return second / e.top.score if e.top.score > 0 else 1.0


@entry
def bayes_gap(e: Evidence) -> float:
    """Its naive-Bayes posterior minus the runner-up's."""
    return e.top.bayes - (e.runner_up.bayes if e.runner_up is not None else 0.0)


@entry
def related(e: Evidence) -> float:
    """The runner-up is one of its related entries (a known neighbour)."""
    runner_up = e.runner_up
    return _flag(runner_up is not None and runner_up.entry_id in e.matcher.kb.entries[e.top.entry_id].related)


@entry
def several(e: Evidence) -> float:
    """Two or more products are named."""
    return _flag(len(e.analysis.products) >= 2)


@entry
def foreign_unexplained(e: Evidence) -> float:
    """A foreign subject the best entry never speaks of, and none of the advisor's products named:
    「信用卡还不上怎么办」 is about a credit card, whatever overdue.cant_repay says."""
    return _flag(e.matcher.unexplained(e.analysis, e.top.entry_id) and not e.analysis.own)


@entry
def agree(e: Evidence) -> float:
    """The word and bigram channels pick the same entry, the best one."""
    return _flag(e.word_top == e.char_top == e.top.entry_id)


@entry
def product_match(e: Evidence) -> float:
    """The question names a product the entry covers."""
    covered = e.matcher.entry_products(e.top.entry_id)
    return _flag(any(p in covered for p in e.analysis.products))


@entry
def foreign_product(e: Evidence) -> float:
    """Only products the knowledge base merely compares against are named, and this is no comparison."""
    named = e.analysis.products
    return _flag(
        bool(named)
        and all(e.matcher.compared_only(p) for p in named)
        and not e.matcher.is_comparison(e.top.entry_id)
    )


@entry
def product_mismatch(e: Evidence) -> float:
    """The question names products, none of which the entry covers."""
    named, covered = e.analysis.products, e.matcher.entry_products(e.top.entry_id)
    return _flag(bool(named) and bool(covered) and not any(p in covered for p in named))


@entry
def runner_excluded(e: Evidence) -> float:
    """The products named rule the runner-up out: it covers none of them and the best entry covers one
    (「小米贷款和借呗比」 is compare.xiaomi_vs_others, not compare.wechat_vs_others, however alike)."""
    runner_up = e.runner_up
    named = e.analysis.products
    if runner_up is None or not named:
        return 0.0
    theirs = e.matcher.entry_products(runner_up.entry_id)
    ours = e.matcher.entry_products(e.top.entry_id)
    return _flag(bool(theirs) and not any(p in theirs for p in named) and any(p in ours for p in named))


@entry
def together(e: Evidence) -> float:
    """The runner-up is a sibling answered beside the best entry (:meth:`LexicalMatcher.answered_together`):
    the guess is right when either is."""
    return _flag(bool(e.matcher.answered_together(e.candidates, e.analysis.products)))


def _share_of(column: int, near: Sequence[tuple[int, float]]) -> float:
    """The share of the neighbours' similarity that belongs to the entry in ``column``."""
    total = sum(sim for _, sim in near)
    return sum(sim for c, sim in near if c == column) / total if total else 0.0


@entry
def near_word(e: Evidence) -> float:
    """Share of the similarity of the nearest texts (words) that is the best entry's."""
    return _share_of(e.matcher.column(e.top.entry_id), e.word_near)


@entry
def near_char(e: Evidence) -> float:
    """The same over character bigrams."""
    return _share_of(e.matcher.column(e.top.entry_id), e.char_near)


@entry
def topic_agree(e: Evidence) -> float:
    """The question is a product and a topic (「微粒贷年龄限制」) whose entry is the best one."""
    return _flag(e.topic is not None and e.topic == e.top.entry_id)


@entry
def topic_other(e: Evidence) -> float:
    """It is one, and the topic's entry is not the best one."""
    return _flag(e.topic is not None and e.topic != e.top.entry_id)
