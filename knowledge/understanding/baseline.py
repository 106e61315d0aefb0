"""The common baseline: rjieba (jieba-compatible) words + Okapi BM25 over each entry's canonical question.

No normalisation beyond lower case, no paraphrases, no calibration: one raw-score threshold (tuned on
the calibration set by :mod:`knowledge.understanding.calibrate`) separates answering from declining. It
exists so that ``loan-advisor eval`` can show, side by side, what the real matcher adds.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import rjieba

from knowledge.base import KnowledgeBase
from knowledge.understanding.matcher import entry_products

_PUNCTUATION = re.compile(r"^[\s\W_]+$")
K1 = 1.5
B = 0.75


def _tokens(text: str) -> list[str]:
    return [t for t in rjieba.cut(text.lower()) if not _PUNCTUATION.match(t)]


@dataclass(frozen=True)
class BaselineGuess:
    """The baseline's best entry and product for a question, with its raw BM25 score."""

    entry_id: str | None
    product: str | None
    score: float


class Bm25Baseline:
    """BM25 over canonical questions, plus plain substring product spotting."""

    def __init__(self, kb: KnowledgeBase, threshold: float = 0.0) -> None:
        self.threshold = threshold
        self.kb = kb
        self._ids = list(kb.entries)
        self._docs = [Counter(_tokens(kb.entries[i].question)) for i in self._ids]
        self._lengths = [sum(d.values()) for d in self._docs]
        self._avg = sum(self._lengths) / max(len(self._lengths), 1)
        df: Counter[str] = Counter()
        for doc in self._docs:
            df.update(doc.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._covered = {i: entry_products(kb.entries[i]) for i in self._ids}
        aliases = [(a.lower(), p.id) for p in kb.products.values() for a in (p.name, *p.aliases)]
        self._aliases = sorted(aliases, key=lambda pair: -len(pair[0]))

    def guess(self, question: str) -> BaselineGuess:
        """The best entry by BM25 (``None`` when no word is shared) and the product it concerns."""
        tokens = _tokens(question)
        best_id, best = None, 0.0
        for entry_id, doc, length in zip(self._ids, self._docs, self._lengths, strict=True):
            score = 0.0
            for t in tokens:
                tf = doc.get(t, 0)
                if tf:
                    score += self._idf[t] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self._avg))
            if score > best:
                best_id, best = entry_id, score
        if best_id is None:
            return BaselineGuess(None, None, 0.0)
        lowered = question.lower()
        named = [p for a, p in self._aliases if a and a in lowered]
        covered = self._covered[best_id]
        product = next((p for p in named if p in covered), None)
        if product is None and len(covered) == 1:
            product = next(iter(covered))
        return BaselineGuess(best_id, product, best)

    def answers(self, guess: BaselineGuess) -> bool:
        """Whether the baseline would answer (score at or above its threshold) rather than decline."""
        return guess.entry_id is not None and guess.score >= self.threshold
