"""Scoring matchers on a labelled file: top-1 accuracy, what the person sees, wrong answers, latency.

The file is JSON lines, one ``{"question", "entry": id|null, "product": id|null}`` per line; ``entry``
null marks a question the advisor should decline.

What the person sees is one of five outcomes, and each in-scope question is counted in exactly one (an
answer that holds two sibling entries a person would not tell apart, ``FaqEntry.together``, is right when
either is the one asked about):
answered directly and right; answered right with close alternatives offered beside it (「您可能还想问」);
「您是不是想问」; declined; answered wrong. A wrong best guess shown as an answer with alternatives is a
wrong answer like any other: the person reads it first.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from knowledge.base import KnowledgeBase
from knowledge.models import LabelledQuestion
from knowledge.understanding.baseline import Bm25Baseline
from knowledge.understanding.matcher import LexicalMatcher
from knowledge.understanding.normalize import clean


@dataclass(frozen=True)
class Outcome:
    """What a system did with one labelled question."""

    item: LabelledQuestion
    #: best guess, whatever the band
    entry: str | None
    product: str | None
    band: str
    confidence: float
    seconds: float
    #: answered with close alternatives offered beside the answer (the middle band)
    hedged: bool = False
    #: sibling entries answered in the same reply as ``entry`` (:attr:`FaqMatch.together`)
    together: tuple[str, ...] = ()

    @property
    def right(self) -> bool:
        """The best guess is the labelled entry and product (top-1: the sibling beside it does not count)."""
        expected = (self.item.entry, self.item.product)
        return self.item.entry is not None and (self.entry, self.product) == expected

    @property
    def answered_right(self) -> bool:
        """What is answered holds the labelled entry for the labelled product: the best guess, or a
        sibling answered beside it in the same reply."""
        if self.right:
            return True
        return (
            self.item.entry is not None
            and self.item.entry in self.together
            and self.product == self.item.product
        )


@dataclass
class Report:
    """Figures for one system on one file."""

    name: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.item.entry is not None]

    @property
    def out_of_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.item.entry is None]

    def figures(self) -> dict[str, float]:
        """The headline figures, each a share between 0 and 1 (latencies in milliseconds)."""
        ins, oos, total = self.in_scope, self.out_of_scope, max(len(self.outcomes), 1)
        wrong_answers = [o for o in self.outcomes if o.band == "answer" and not o.answered_right]
        latencies = sorted(o.seconds * 1000 for o in self.outcomes)
        answered_in = [o for o in ins if o.band == "answer"]
        return {
            "questions": float(len(self.outcomes)),
            "in_scope": float(len(ins)),
            "out_of_scope": float(len(oos)),
            "top1": _share(sum(o.right for o in ins), len(ins)),
            "answered_right": _share(sum(o.answered_right for o in answered_in), len(ins)),
            # the five outcomes of an in-scope question (they add up to 1)
            "direct_right": _share(sum(o.answered_right and not o.hedged for o in answered_in), len(ins)),
            "hedged_right": _share(sum(o.answered_right and o.hedged for o in answered_in), len(ins)),
            "in_scope_suggested": _share(sum(o.band == "suggest" for o in ins), len(ins)),
            "wrong_in_scope": _share(sum(not o.answered_right for o in answered_in), len(ins)),
            "entry_only": _share(sum(o.entry == o.item.entry for o in ins), len(ins)),
            "in_scope_declined": _share(sum(o.band == "decline" for o in ins), len(ins)),
            "oos_declined": _share(sum(o.band == "decline" for o in oos), len(oos)),
            "oos_not_answered": _share(sum(o.band != "answer" for o in oos), len(oos)),
            "wrong_answers": len(wrong_answers) / total,
            "p50_ms": _percentile(latencies, 50),
            "p95_ms": _percentile(latencies, 95),
            "p99_ms": _percentile(latencies, 99),
        }

    def misses(self) -> list[Outcome]:
        """In-scope questions not answered directly and right, out-of-scope ones not declined."""
        return [
            o
            for o in self.outcomes
            if (o.item.entry is not None and (not o.answered_right or o.band != "answer" or o.hedged))
            or (o.item.entry is None and o.band != "decline")
        ]

    def without(self, questions: set[str], name: str) -> Report:
        """The same outcomes minus those whose normalised question is in ``questions``."""
        kept = [o for o in self.outcomes if clean(o.item.question) not in questions]
        return Report(name, kept)


def training_texts(kb: KnowledgeBase) -> set[str]:
    """Every canonical question, paraphrase and labelled example of the knowledge base, normalised with
    :func:`clean`."""
    texts = {clean(t) for e in kb.entries.values() for t in (e.question, *e.paraphrases)}
    return texts | {clean(q.question) for q in kb.examples if q.entry is not None}


def coinciding(items: list[LabelledQuestion], kb: KnowledgeBase) -> set[str]:
    """Normalised questions of ``items`` that are word for word a training text (written apart or not)."""
    seen = training_texts(kb)
    return {q for q in (clean(i.question) for i in items) if q in seen}


def shown_product(kb: KnowledgeBase, entry_id: str | None, product: str | None) -> str | None:
    """The product whose own answer ``entry_id`` shows when asked about ``product``: ``product`` itself
    when the entry has an answer for it, else ``None`` (its general answer, the same whatever product was
    named). A best guess that shows the labelled entry's same answer is right, whichever of two products
    without answers of their own the label and the guess name (「必须是小米手机吗」 labelled without a
    product, guessed with 小米贷款: the one answer req.xiaomi_phone has)."""
    entry = kb.entries.get(entry_id or "")
    if entry is None:
        return product
    return product if any(a.product == product for a in entry.answers if a.product is not None) else None


def as_labelled(
    kb: KnowledgeBase, item: LabelledQuestion, entry: str | None, product: str | None
) -> str | None:
    """``product`` of a best guess, as the labelled product when the guess shows the labelled answer."""
    same_entry = entry is not None and entry == item.entry and product != item.product
    if same_entry and shown_product(kb, entry, product) == shown_product(kb, entry, item.product):
        return item.product
    return product


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, round(pct / 100 * (len(values) - 1))))
    return values[index]


def evaluate_matcher(
    matcher: LexicalMatcher, items: list[LabelledQuestion], *, warm_up: int = 20, same_answer: bool = True
) -> Report:
    """Run the matcher on every item (after a short warm-up, so latency is the steady state).

    ``same_answer``: a best guess that shows the labelled entry's same answer is right whichever product
    without an answer of its own it names (:func:`as_labelled`); ``False`` asks for the product itself, as
    the figures did until the tenth session."""
    for item in items[:warm_up]:
        matcher.ask(item.question)
    report = Report("matcher")
    for item in items:
        start = time.perf_counter()
        match = matcher.ask(item.question)
        seconds = time.perf_counter() - start
        # top-1 scores the best guess whatever the band (a declined question has one too)
        entry, product = matcher.best_guess(item.question)
        if same_answer:
            product = as_labelled(matcher.kb, item, entry, product)
        report.outcomes.append(
            Outcome(
                item,
                entry,
                product,
                match.band,
                match.confidence,
                seconds,
                hedged=match.hedged,
                together=tuple(match.together),
            )
        )
    return report


def evaluate_baseline(baseline: Bm25Baseline, items: list[LabelledQuestion]) -> Report:
    """Run the BM25 baseline on every item: it answers at or above its threshold, else declines."""
    report = Report("baseline")
    for item in items[:20]:
        baseline.guess(item.question)
    for item in items:
        start = time.perf_counter()
        guess = baseline.guess(item.question)
        seconds = time.perf_counter() - start
        band = "answer" if baseline.answers(guess) else "decline"
        product = as_labelled(baseline.kb, item, guess.entry_id, guess.product)
        report.outcomes.append(Outcome(item, guess.entry_id, product, band, guess.score, seconds))
    return report
