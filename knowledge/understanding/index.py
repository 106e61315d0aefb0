"""A small inverted index over the FAQ's questions and paraphrases, scored by IDF-weighted set overlap.

Two instances run side by side in the matcher: one over words (rjieba tokens), one over character
bigrams. Both are cheap (a few hundred dictionary look-ups per question) and built once at start-up.

Weights are inverse *entry* frequencies: the paraphrases of one entry repeat its key words on purpose,
so counting documents would make an entry's own vocabulary look common.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Hit:
    """How well the question overlaps one entry in one channel."""

    #: best cosine between the question and any single question/paraphrase of the entry
    best: float
    #: share of the question's weight found anywhere in the entry's texts
    coverage: float


class OverlapIndex:
    """IDF-weighted cosine over sets of units (words or bigrams), best paraphrase per entry.

    The postings are numpy arrays, so that a question costs one vectorised update per unit rather than
    one Python step per (unit, paraphrase) pair: common units (「借钱」, 「吗」) occur in hundreds of
    paraphrases, and the tail latency is set by long questions made of them.
    """

    def __init__(
        self,
        docs: Sequence[tuple[str, frozenset[str]]],
        entries: Sequence[str] | None = None,
        *,
        damped: Mapping[str, float] | None = None,
    ) -> None:
        """Index ``docs``: (entry id, set of units) pairs; an entry usually has many docs.

        Args:
            docs: the (entry id, units) pairs.
            entries: the order of entries in the arrays :meth:`scan` returns (default: sorted ids); an
                entry without docs simply never scores.
            damped: unit -> factor applied to its IDF weight. Words that shape a question rather than
                say what it is about (「都」「干嘛」「意思」) are rare among paraphrases, so their IDF alone
                would outweigh the subject (「征信」) of 「征信是干嘛的」.
        """
        import numpy as np

        entry_units: dict[str, set[str]] = defaultdict(set)
        for entry, doc_units in docs:
            entry_units[entry].update(doc_units)
        n_entries = max(len(entry_units), 1)
        entry_df: dict[str, int] = defaultdict(int)
        for unit_set in entry_units.values():
            for unit in unit_set:
                entry_df[unit] += 1
        self.idf: dict[str, float] = {u: math.log(1.0 + n_entries / df) for u, df in entry_df.items()}
        for unit, factor in (damped or {}).items():
            if unit in self.idf:
                self.idf[unit] *= factor
        #: weight of a unit never seen in the knowledge base: as rare as the rarest known one
        self.unknown_weight = math.log(1.0 + n_entries)
        self.entries = list(entries) if entries is not None else sorted(entry_units)
        column = {e: i for i, e in enumerate(self.entries)}
        self._doc_entry = np.array([column[entry] for entry, _ in docs], dtype=np.intp)
        self._doc_norm = np.array(
            [math.sqrt(sum(self.idf[u] ** 2 for u in units)) or 1.0 for _, units in docs], dtype=float
        )
        postings: dict[str, list[int]] = defaultdict(list)
        entry_postings: dict[str, dict[int, None]] = defaultdict(dict)
        for i, (entry, units) in enumerate(docs):
            for unit in units:
                postings[unit].append(i)
                entry_postings[unit][column[entry]] = None
        #: unit -> (docs holding it, entries holding it), each without repeats
        self._postings: dict[str, tuple[Any, Any]] = {
            u: (np.array(ids, dtype=np.intp), np.fromiter(entry_postings[u], dtype=np.intp))
            for u, ids in postings.items()
        }

    def weight(self, unit: str) -> float:
        """The IDF weight of ``unit`` (the unknown weight when the knowledge base never uses it)."""
        return self.idf.get(unit, self.unknown_weight)

    def unknown_share(self, units: Iterable[str]) -> float:
        """Share of the weight of ``units`` carried by units the knowledge base never uses."""
        total = unknown = 0.0
        for unit in units:
            w = self.weight(unit)
            total += w
            if unit not in self.idf:
                unknown += w
        return unknown / total if total else 0.0

    def search(self, units: frozenset[str]) -> dict[str, Hit]:
        """Entries sharing at least one unit with the question, with their best cosine and coverage."""
        best, cover = self.scan(units)
        return {self.entries[i]: Hit(float(best[i]), float(cover[i])) for i in cover.nonzero()[0].tolist()}

    def scan(self, units: frozenset[str]) -> tuple[Any, Any]:
        """Per entry (in :attr:`entries` order), the best cosine and the coverage, as two numpy arrays."""
        best, cover, _near = self.scan_near(units, 0)
        return best, cover

    def scan_near(self, units: frozenset[str], k: int) -> tuple[Any, Any, list[tuple[int, float]]]:
        """:meth:`scan`, plus the ``k`` texts nearest the question as (entry column, cosine), nearest first.

        The neighbours say whether the question sits among one entry's texts or between several entries'
        (a best cosine alone does not: one lucky paraphrase can win among many of another entry's).
        """
        import numpy as np

        if not units:
            return np.zeros(len(self.entries)), np.zeros(len(self.entries)), []
        weights = {u: self.weight(u) for u in units}
        q_norm = math.sqrt(sum(w * w for w in weights.values()))
        q_total = sum(weights.values())
        dots = np.zeros(len(self._doc_norm))
        cover = np.zeros(len(self.entries))
        for unit, w in weights.items():
            found = self._postings.get(unit)
            if found is None:
                continue
            doc_ids, entry_ids = found
            dots[doc_ids] += w * w  # each doc once per unit, so no repeated index is lost
            cover[entry_ids] += w
        best = np.zeros(len(self.entries))
        sims = dots / (q_norm * self._doc_norm)
        np.maximum.at(best, self._doc_entry, sims)
        near: list[tuple[int, float]] = []
        if k > 0 and len(sims) > 0:
            top = np.argpartition(-sims, min(k, len(sims) - 1))[:k]
            top = top[np.argsort(-sims[top], kind="stable")]
            near = [(int(self._doc_entry[i]), float(sims[i])) for i in top.tolist() if sims[i] > 0]
        return best, cover / q_total, near


class NaiveBayesIndex:
    """Multinomial naive Bayes over an entry's units: which entry's wording best explains the question.

    It complements the cosine channels on long questions, where one paraphrase rarely covers everything
    but the entry's paraphrases together do. Training is counting, so it is built at start-up.
    """

    def __init__(
        self,
        docs: Sequence[tuple[str, frozenset[str]]],
        *,
        alpha: float = 0.2,
        temperature: float = 1.0,
        entries: Sequence[str] | None = None,
    ) -> None:
        """Count units per entry over ``docs`` ((entry id, units) pairs).

        Args:
            docs: (entry id, units) pairs, one per question or paraphrase.
            alpha: additive smoothing of the unit counts.
            temperature: divides the log-likelihoods before normalising; naive Bayes is famously
                over-sure (its units are not independent), so a temperature above 1 softens it.
            entries: the order of entries in :meth:`scan`'s array (default: sorted ids); each must have
                docs.
        """
        self.temperature = temperature
        import numpy as np

        self.entries = list(entries) if entries is not None else sorted({entry for entry, _ in docs})
        column = {e: i for i, e in enumerate(self.entries)}
        # Sparse counts: a dense units x entries matrix grows with the square of the knowledge base
        # (2 GB and more at 100 times today's size), while few units occur in any one entry.
        cells: dict[str, dict[int, int]] = defaultdict(dict)
        units_per_entry = np.zeros(len(self.entries))
        for entry, units in docs:
            col = column[entry]
            units_per_entry[col] += len(units)
            for unit in units:
                found = cells[unit]
                found[col] = found.get(col, 0) + 1
        totals = units_per_entry + alpha * len(cells)
        #: log P(unit | entry) of a unit the entry never uses: log(alpha / total)
        self._unseen = np.log(alpha / totals)
        #: per unit, the entries using it and what their count adds over unseen: log((c + alpha) / alpha)
        self._postings = {
            unit: (
                np.fromiter(found.keys(), dtype=np.intp, count=len(found)),
                np.log1p(np.fromiter(found.values(), dtype=float, count=len(found)) / alpha),
            )
            for unit, found in cells.items()
        }

    def posterior(self, units: Iterable[str]) -> dict[str, float]:
        """P(entry | units) over all entries, from the units the index knows (empty when none)."""
        scores = self.scan(units)
        return {} if scores is None else dict(zip(self.entries, scores.tolist(), strict=True))

    def scan(self, units: Iterable[str]) -> Any:
        """P(entry | units) as a numpy array in :attr:`entries` order; None when no unit is known."""
        import numpy as np

        known = [self._postings[u] for u in units if u in self._postings]
        if not known:
            return None
        # sum over the question's known units of log P(unit | entry), added up sparsely
        scores = len(known) * self._unseen
        for columns, boost in known:
            scores[columns] += boost
        scores = scores / self.temperature
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
        return scores
