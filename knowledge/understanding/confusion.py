"""Which FAQ entries the matcher confuses with each other on the labelled examples, for editors.

Entries that people would not tell apart (penalty, consequences, what to do when one cannot repay) split
one human question between them: the matcher's best guess then lands on the sibling, or its confidence
stays low and the person gets a list to tap through. ``loan-advisor kb check`` lists such pairs so that
editors can merge them, sharpen their paraphrases, or answer them together.

The examples are scored cross-fitted (:func:`knowledge.understanding.calibrate.fold_of`): each by a
matcher whose index lacks its fold, as a new question would be. The held-out sets in ``tests/data`` are
never used here: showing editors their confusions would be tuning on them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from knowledge.base import KnowledgeBase
from knowledge.understanding.calibration import FALLBACK
from knowledge.understanding.lexicon import Lexicon
from knowledge.understanding.matcher import LexicalMatcher

#: Folds of the cross-fitting: fewer than calibration's five, since this runs with every ``kb check``.
FOLDS = 3
#: A pair is listed when the matcher took one for the other at least this many times.
AT_LEAST = 3


@dataclass(frozen=True)
class Confusion:
    """Two entries the matcher mixes up: how often each was guessed for a question labelled the other."""

    first: str
    second: str
    #: questions labelled ``first`` guessed as ``second``
    first_as_second: int
    #: questions labelled ``second`` guessed as ``first``
    second_as_first: int
    #: the two are declared siblings answered together (``FaqEntry.together``): when they are the two
    #: best guesses, the reply holds both, so these mix-ups cost the person little
    together: bool = False

    @property
    def total(self) -> int:
        """Both directions together."""
        return self.first_as_second + self.second_as_first


def confusions(
    kb: KnowledgeBase, lexicon: Lexicon, *, folds: int = FOLDS, at_least: int = AT_LEAST
) -> list[Confusion]:
    """The pairs of FAQ entries confused at least ``at_least`` times on the labelled examples, most first.

    Only the entry counts (a right entry for the wrong product is not a confusion between entries).
    """
    from knowledge.understanding.calibrate import fold_of

    faq = kb.faq_view()
    assigned = [(fold_of(q, folds), q) for q in faq.examples if q.entry in faq.entries]
    mistaken: Counter[tuple[str, str]] = Counter()
    for k in range(folds):
        rest = tuple(q for q in faq.examples if fold_of(q, folds) != k)
        matcher = LexicalMatcher(
            replace(faq, examples=rest), lexicon, FALLBACK, answer_threshold=1.0, suggest_threshold=0.0
        )
        for fold, item in assigned:
            if fold != k:
                continue
            guess, _product = matcher.best_guess(item.question)
            if guess is not None and item.entry is not None and guess != item.entry:
                mistaken[(item.entry, guess)] += 1
    pairs = {tuple(sorted(pair)) for pair in mistaken}
    siblings = {(e.id, s) for e in faq.entries.values() for s in e.together}
    found = [
        Confusion(a, b, mistaken[(a, b)], mistaken[(b, a)], (a, b) in siblings or (b, a) in siblings)
        for a, b in pairs
        if mistaken[(a, b)] + mistaken[(b, a)] >= at_least
    ]
    return sorted(found, key=lambda c: (-c.total, c.first, c.second))
