"""Inverted indexes over the FAQ's questions and paraphrases, held as a few flat numpy arrays.

Two :class:`OverlapIndex` instances run side by side in the matcher: one over words (rjieba tokens), one
over character bigrams; a third over the answers' words. :class:`NaiveBayesIndex` counts units per entry.

Every index is a handful of arrays (a sorted vocabulary, CSR postings, per-document and per-entry
figures) and nothing else: built once from the knowledge base, they are saved as they are (one ``.npy``
file each, :mod:`.entry_index`) and read back memory-mapped, so a process starts without creating a
Python object per text or per posting. Units are looked up in the sorted vocabulary through a dict made
at the first question.

Weights are inverse *entry* frequencies: the paraphrases of one entry repeat its key words on purpose,
so counting documents would make an entry's own vocabulary look common.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Array type of the postings: four bytes are plenty (a few million postings at 100 times today's size).
INDEX_DTYPE = np.int32


@dataclass(frozen=True)
class Hit:
    """How well the question overlaps one entry in one channel."""

    #: best cosine between the question and any single question/paraphrase of the entry
    best: float
    #: share of the question's weight found anywhere in the entry's texts
    coverage: float


def vocabulary(units: Iterable[str]) -> Any:
    """The sorted numpy string array of ``units`` (what :func:`positions` searches)."""
    ordered = sorted(set(units))
    return np.array(ordered) if ordered else np.array([], dtype="U1")


#: Largest vocabulary looked up through a dict (:class:`Lookup`); a bigger one is searched. At 1× every
#: vocabulary is under 14,000 units; at 100× the bigrams alone are 200,000, whose dict cost 150 MB and more.
DICT_UNITS = 100_000


class Lookup:
    """Where units are in a sorted vocabulary array: through a dict from unit to position, made at the
    first look-up (a binary search per question cost a tenth of the ranking at 1×), or by binary search
    when the vocabulary has more than ``limit`` units (the dict would cost more memory than it saves)."""

    def __init__(self, vocab: Any, limit: int = DICT_UNITS) -> None:
        self.vocab = vocab
        self._search = len(vocab) > limit
        self._ids: dict[str, int] | None = None

    def __call__(self, units: Iterable[str]) -> list[int]:
        """The position of each of ``units``, or -1 where it is not in the vocabulary."""
        if self._search:
            return _searched(self.vocab, list(units))
        ids = self._ids
        if ids is None:
            ids = self._ids = {unit: i for i, unit in enumerate(self.vocab.tolist())}
        return [ids.get(unit, -1) for unit in units]


def _searched(vocab: Any, units: list[str]) -> list[int]:
    """Where each of ``units`` is in the sorted ``vocab`` (binary search), or -1."""
    if not units or len(vocab) == 0:
        return [-1] * len(units)
    # a unit longer than the vocabulary's widest is not in it; searching for one made numpy cast the whole
    # vocabulary to the wider type, reading every page of it (at 100× the topic keys are 160 MB, mapped
    # from the saved index: all of it stayed in the process's memory) and copying it, for every such
    # question. Numpy's strings end at their first trailing NUL, hence the rstrip.
    width = vocab.dtype.itemsize // 4
    fits = [i for i, unit in enumerate(units) if len(unit.rstrip("\x00")) <= width]
    if len(fits) < len(units):
        positions = [-1] * len(units)
        if fits:
            for i, position in zip(fits, _searched(vocab, [units[i] for i in fits]), strict=True):
                positions[i] = position
        return positions
    wanted = np.array(units, dtype=vocab.dtype)
    found = np.searchsorted(vocab, wanted)
    found[found >= len(vocab)] = 0
    hit = vocab[found] == wanted
    return np.where(hit, found, -1).tolist()


def csr(rows: Sequence[int] | Any, values: Sequence[int] | Any, n_rows: int) -> tuple[Any, Any]:
    """Pointers and values of a CSR table from (row, value) pairs, values kept in their order per row."""
    row_array = np.asarray(rows, dtype=np.int64)
    order = np.argsort(row_array, kind="stable")
    pointers = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_array, minlength=n_rows), out=pointers[1:])
    return pointers, np.asarray(values, dtype=INDEX_DTYPE)[order]


class OverlapIndex:
    """IDF-weighted cosine over sets of units (words or bigrams), best paraphrase per entry.

    The postings are numpy arrays, so that a question costs one vectorised update per unit rather than
    one Python step per (unit, paraphrase) pair: common units (「借钱」, 「吗」) occur in hundreds of
    paraphrases, and the tail latency is set by long questions made of them.
    """

    #: the arrays an index is made of (saved and loaded by name)
    ARRAYS = (
        "units",
        "idf",
        "doc_ptr",
        "doc_ids",
        "entry_ptr",
        "entry_ids",
        "doc_entry",
        "doc_norm",
        "unknown",
    )

    def __init__(self, arrays: Mapping[str, Any], entries: Sequence[str]) -> None:
        """An index from its arrays (:meth:`build` makes them; :meth:`arrays` gives them back).

        Args:
            arrays: the arrays named in :data:`ARRAYS`.
            entries: the entry ids, in the order of the entry columns.
        """
        self._arrays = {name: arrays[name] for name in self.ARRAYS}
        self.units = arrays["units"]
        self._find = Lookup(self.units)
        self._idf = arrays["idf"]
        self._doc_ptr = arrays["doc_ptr"]
        self._doc_ids = arrays["doc_ids"]
        self._entry_ptr = arrays["entry_ptr"]
        self._entry_ids = arrays["entry_ids"]
        self._doc_entry = arrays["doc_entry"]
        self._doc_norm = arrays["doc_norm"]
        #: weight of a unit never seen in the knowledge base: as rare as the rarest known one
        self.unknown_weight = float(arrays["unknown"][0])
        self.entries = list(entries)
        self._units_of: dict[tuple[int, ...], frozenset[str]] = {}
        #: :meth:`_entry_runs`, once worked out
        self._runs: list[tuple[Any, Any] | None] = []

    @classmethod
    def build(
        cls,
        docs: Sequence[tuple[str, frozenset[str]]],
        entries: Sequence[str] | None = None,
        *,
        damped: Mapping[str, float] | None = None,
    ) -> OverlapIndex:
        """Index ``docs``: (entry id, set of units) pairs; an entry usually has many docs.

        Args:
            docs: the (entry id, units) pairs.
            entries: the order of entries in the arrays :meth:`scan` returns (default: sorted ids); an
                entry without docs simply never scores.
            damped: unit -> factor applied to its IDF weight. Words that shape a question rather than
                say what it is about (「都」「干嘛」「意思」) are rare among paraphrases, so their IDF alone
                would outweigh the subject (「征信」) of 「征信是干嘛的」.
        """
        entry_units: dict[str, set[str]] = defaultdict(set)
        for entry, doc_units in docs:
            entry_units[entry].update(doc_units)
        n_entries = max(len(entry_units), 1)
        entry_df: dict[str, int] = defaultdict(int)
        for unit_set in entry_units.values():
            for unit in unit_set:
                entry_df[unit] += 1
        units = vocabulary(entry_df)
        unit_id = {u: i for i, u in enumerate(units.tolist())}
        idf = [math.log(1.0 + n_entries / entry_df[u]) for u in units.tolist()]
        for unit, factor in (damped or {}).items():
            if unit in unit_id:
                idf[unit_id[unit]] *= factor
        ordered = list(entries) if entries is not None else sorted(entry_units)
        column = {e: i for i, e in enumerate(ordered)}
        # units summed in sorted order: the norms, and so the saved index, are the same in every process
        doc_norm = [math.sqrt(sum(idf[unit_id[u]] ** 2 for u in sorted(units_))) or 1.0 for _, units_ in docs]
        # (unit, doc) pairs in flat typed arrays: at 100 times today's size there are tens of millions
        rows, doc_ids = array("q"), array("q")
        for i, (_entry, doc_units) in enumerate(docs):
            rows.extend([unit_id[unit] for unit in doc_units])
            doc_ids.extend([i] * len(doc_units))
        doc_ptr, doc_values = csr(rows, doc_ids, len(units))
        doc_entry = np.array([column[entry] for entry, _ in docs], dtype=np.int64)
        # each (unit, entry) pair once, ordered by unit then entry
        n_columns = max(len(ordered), 1)
        pairs = np.unique(
            np.asarray(rows, dtype=np.int64) * n_columns + doc_entry[np.asarray(doc_ids, dtype=np.int64)]
        )
        entry_ptr, entry_values = csr(pairs // n_columns, pairs % n_columns, len(units))
        arrays = {
            "units": units,
            "idf": np.array(idf, dtype=float),
            "doc_ptr": doc_ptr,
            "doc_ids": doc_values,
            "entry_ptr": entry_ptr,
            "entry_ids": entry_values,
            "doc_entry": doc_entry.astype(INDEX_DTYPE),
            "doc_norm": np.array(doc_norm, dtype=float),
            "unknown": np.array([math.log(1.0 + n_entries)]),
        }
        return cls(arrays, ordered)

    def arrays(self) -> dict[str, Any]:
        """The arrays the index is made of, by name (to save it)."""
        return dict(self._arrays)

    def units_of(self, columns: Iterable[int]) -> frozenset[str]:
        """Every unit the texts of the entries in ``columns`` hold (worked out once per set of columns): a
        question holding none of them gives those entries no coverage, so they are no candidates."""
        key = tuple(sorted(set(columns)))
        found = self._units_of.get(key)
        if found is None:
            wanted = np.zeros(len(self.entries), dtype=bool)
            wanted[list(key)] = True
            postings = np.flatnonzero(wanted[self._entry_ids])
            rows = sorted(set((np.searchsorted(self._entry_ptr, postings, side="right") - 1).tolist()))
            found = self._units_of[key] = frozenset(self.units[rows].tolist() if rows else ())
        return found

    def _entry_runs(self) -> tuple[Any, Any] | None:
        """(entry columns, where their texts start) when the texts are stored entry by entry, as the
        matcher stores them; else ``None``. Worked out at the first scan (not at load, which it would
        slow): each entry's best cosine is then one ``maximum.reduceat`` over its run of texts, where an
        unbuffered ``maximum.at`` per text cost a fifth of a scan. The same maxima: a maximum does not
        depend on the order it is taken in."""
        if not self._runs:
            doc_entry = np.asarray(self._doc_entry)
            runs = None
            if len(doc_entry) and bool(np.all(doc_entry[1:] >= doc_entry[:-1])):
                # np.unique would import numpy.ma (tens of milliseconds at start-up)
                starts = np.flatnonzero(np.concatenate(([True], doc_entry[1:] != doc_entry[:-1])))
                runs = (doc_entry[starts].astype(np.int64), starts)
            self._runs.append(runs)
        return self._runs[0]

    def weight(self, unit: str) -> float:
        """The IDF weight of ``unit`` (the unknown weight when the knowledge base never uses it)."""
        return self.weights([unit])[0][1]

    def weights(self, units: Iterable[str]) -> list[tuple[int, float]]:
        """(position in the vocabulary or -1, IDF weight) of each of ``units``, in their order."""
        found = self._find(units)
        return [(p, float(self._idf[p]) if p >= 0 else self.unknown_weight) for p in found]

    def knows(self, units: Sequence[str]) -> list[bool]:
        """Whether the knowledge base uses each of ``units``."""
        return [p >= 0 for p in self._find(units)]

    def unknown_share(self, units: Iterable[str]) -> float:
        """Share of the weight of ``units`` carried by units the knowledge base never uses."""
        total = unknown = 0.0
        for position, w in self.weights(units):
            total += w
            if position < 0:
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

    def coverage(self, units: frozenset[str]) -> Any:
        """Per entry, the share of the question's weight found anywhere in its texts (the coverage of
        :meth:`scan`, without the cosines: the answers' channel reads nothing else)."""
        if not units:
            return np.zeros(len(self.entries))
        weights = self.weights(units)
        known = [(p, w) for p, w in weights if p >= 0]
        positions = np.array([p for p, _ in known], dtype=np.int64)
        cover = _summed(self._entry_ptr, self._entry_ids, positions, [w for _, w in known], len(self.entries))
        return cover / sum(w for _, w in weights)

    def scan_near(self, units: frozenset[str], k: int) -> tuple[Any, Any, list[tuple[int, float]]]:
        """:meth:`scan`, plus the ``k`` texts nearest the question as (entry column, cosine), nearest first.

        The neighbours say whether the question sits among one entry's texts or between several entries'
        (a best cosine alone does not: one lucky paraphrase can win among many of another entry's).
        """
        if not units:
            return np.zeros(len(self.entries)), np.zeros(len(self.entries)), []
        weights = self.weights(units)
        q_norm = math.sqrt(sum(w * w for _, w in weights))
        q_total = sum(w for _, w in weights)
        # every unit's postings gathered at once and summed by bincount, which adds them text by text in
        # the units' order: the same sums, to the last bit, as a vectorised += per unit (and a third of
        # the time: a question has tens of units, and each += was several numpy calls)
        known = [(p, w) for p, w in weights if p >= 0]
        positions = np.array([p for p, _ in known], dtype=np.int64)
        dots = _summed(
            self._doc_ptr, self._doc_ids, positions, [w * w for _, w in known], len(self._doc_norm)
        )
        cover = _summed(self._entry_ptr, self._entry_ids, positions, [w for _, w in known], len(self.entries))
        best = np.zeros(len(self.entries))
        sims = dots / (q_norm * self._doc_norm)
        runs = self._entry_runs()
        if runs is not None:
            columns, starts = runs
            best[columns] = np.maximum.reduceat(sims, starts)
        else:
            np.maximum.at(best, self._doc_entry, sims)
        near: list[tuple[int, float]] = []
        if k > 0 and len(sims) > 0:
            top = np.argpartition(-sims, min(k, len(sims) - 1))[:k]
            top = top[np.argsort(-sims[top], kind="stable")]
            columns = self._doc_entry[top].tolist()
            near = [(c, sim) for c, sim in zip(columns, sims[top].tolist(), strict=True) if sim > 0]
        return best, cover / q_total, near


def _summed(ptr: Any, values: Any, rows: Any, weights: list[float], size: int) -> Any:
    """Per column (``size`` of them), the sum of the ``weights`` of the CSR ``rows`` that hold it: row
    ``rows[i]`` lists columns ``values[ptr[r]:ptr[r + 1]]``, each once, and adds ``weights[i]`` to them."""
    if not weights:
        return np.zeros(size)
    starts, ends = ptr[rows], ptr[rows + 1]
    columns = np.concatenate([values[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)])
    repeated = np.repeat(np.array(weights), ends - starts)
    return np.bincount(columns, weights=repeated, minlength=size)


class NaiveBayesIndex:
    """Multinomial naive Bayes over an entry's units: which entry's wording best explains the question.

    It complements the cosine channels on long questions, where one paraphrase rarely covers everything
    but the entry's paraphrases together do. Training is counting.
    """

    ARRAYS = ("units", "ptr", "cols", "boost", "unseen", "temperature")

    def __init__(self, arrays: Mapping[str, Any], entries: Sequence[str]) -> None:
        """An index from its arrays (:meth:`build` makes them)."""
        self._arrays = {name: arrays[name] for name in self.ARRAYS}
        self.units = arrays["units"]
        self._find = Lookup(self.units)
        self._ptr = arrays["ptr"]
        self._cols = arrays["cols"]
        self._boost = arrays["boost"]
        #: log P(unit | entry) of a unit the entry never uses: log(alpha / total)
        self._unseen = arrays["unseen"]
        self.temperature = float(arrays["temperature"][0])
        self.entries = list(entries)

    @classmethod
    def build(
        cls,
        docs: Sequence[tuple[str, frozenset[str]]],
        *,
        alpha: float = 0.2,
        temperature: float = 1.0,
        entries: Sequence[str] | None = None,
    ) -> NaiveBayesIndex:
        """Count units per entry over ``docs`` ((entry id, units) pairs).

        Args:
            docs: (entry id, units) pairs, one per question or paraphrase.
            alpha: additive smoothing of the unit counts.
            temperature: divides the log-likelihoods before normalising; naive Bayes is famously
                over-sure (its units are not independent), so a temperature above 1 softens it.
            entries: the order of entries in :meth:`scan`'s array (default: sorted ids); each must have
                docs.
        """
        ordered = list(entries) if entries is not None else sorted({entry for entry, _ in docs})
        column = {e: i for i, e in enumerate(ordered)}
        # Sparse counts: a dense units x entries matrix grows with the square of the knowledge base
        # (2 GB and more at 100 times today's size), while few units occur in any one entry.
        cells: dict[str, dict[int, int]] = defaultdict(dict)
        units_per_entry = np.zeros(len(ordered))
        for entry, doc_units in docs:
            col = column[entry]
            units_per_entry[col] += len(doc_units)
            for unit in doc_units:
                found = cells[unit]
                found[col] = found.get(col, 0) + 1
        totals = units_per_entry + alpha * len(cells)
        units = vocabulary(cells)
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        for row, unit in enumerate(units.tolist()):
            for col, count in sorted(cells[unit].items()):
                rows.append(row)
                cols.append(col)
                counts.append(count)
        ptr, col_values = csr(rows, cols, len(units))
        arrays = {
            "units": units,
            "ptr": ptr,
            "cols": col_values,
            # what a unit's count adds over unseen: log((c + alpha) / alpha)
            "boost": np.log1p(np.array(counts, dtype=float) / alpha),
            "unseen": np.log(alpha / totals),
            "temperature": np.array([temperature]),
        }
        return cls(arrays, ordered)

    def arrays(self) -> dict[str, Any]:
        """The arrays the index is made of, by name (to save it)."""
        return dict(self._arrays)

    def posterior(self, units: Iterable[str]) -> dict[str, float]:
        """P(entry | units) over all entries, from the units the index knows (empty when none)."""
        scores = self.scan(units)
        return {} if scores is None else dict(zip(self.entries, scores.tolist(), strict=True))

    def scan(self, units: Iterable[str]) -> Any:
        """P(entry | units) as a numpy array in :attr:`entries` order; None when no unit is known."""
        known = [p for p in self._find(units) if p >= 0]
        if not known:
            return None
        # sum over the question's known units of log P(unit | entry), added up sparsely
        scores = len(known) * self._unseen
        rows = np.array(known, dtype=np.int64)
        spans = list(zip(self._ptr[rows].tolist(), self._ptr[rows + 1].tolist(), strict=True))
        # one unbuffered add over every unit's postings, in the units' order: each entry's score gets
        # the same additions in the same order as with a += per unit (so the same bits), in one call
        np.add.at(
            scores,
            np.concatenate([self._cols[a:b] for a, b in spans]),
            np.concatenate([self._boost[a:b] for a, b in spans]),
        )
        scores = scores / self.temperature
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
        return scores
