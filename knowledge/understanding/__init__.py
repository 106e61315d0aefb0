"""Question understanding: from a free Chinese question to an FAQ entry, a product and a confidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge.understanding.api import Band, FaqMatch, FaqMatcher

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase
    from knowledge.understanding.matcher import LexicalMatcher

__all__ = ["Band", "FaqMatch", "FaqMatcher", "load_matcher", "load_want_matcher"]


def load_matcher(
    kb: KnowledgeBase, *, answer_threshold: float | None = None, suggest_threshold: float | None = None
) -> LexicalMatcher:
    """Build the default (lexical) matcher over ``kb``: indexes built once, calibration read from data.

    Args:
        kb: the knowledge base to answer from.
        answer_threshold: answer at or above this calibrated confidence (``faq_answer_threshold``);
            ``None``: the threshold calibrated with the matcher (knowledge/data/calibration.json).
        suggest_threshold: offer 「您是不是想问」 at or above this, decline below (``faq_suggest_threshold``);
            ``None``: the calibrated one.
    """
    from knowledge.understanding.calibration import load_calibration
    from knowledge.understanding.lexicon import load_lexicon
    from knowledge.understanding.matcher import LexicalMatcher

    calibration = load_calibration()
    return LexicalMatcher(
        kb.faq_view(),
        load_lexicon(),
        calibration,
        answer_threshold=calibration.answer_threshold if answer_threshold is None else answer_threshold,
        suggest_threshold=calibration.suggest_threshold if suggest_threshold is None else suggest_threshold,
        # the middle band (answer with alternatives) as calibrated, never above the answer threshold
        hedge_threshold=calibration.hedge_threshold,
    )


def load_want_matcher(kb: KnowledgeBase) -> LexicalMatcher:
    """The matcher of wants besides FAQ questions (greetings, starting the self-check, despair …).

    The same lexical matcher over the wants alone (:meth:`KnowledgeBase.wants_view`), with a calibration of
    its own (``calibration_wants.json``): its answer band means "this message is that want"; anything
    else (an FAQ question, an out-of-scope one) it declines, and the FAQ matcher takes over.
    """
    from knowledge.understanding.calibration import WANTS_CALIBRATION_PATH, load_calibration
    from knowledge.understanding.lexicon import load_lexicon
    from knowledge.understanding.matcher import LexicalMatcher

    calibration = load_calibration(WANTS_CALIBRATION_PATH)
    return LexicalMatcher(
        kb.wants_view(),
        load_lexicon(),
        calibration,
        answer_threshold=calibration.answer_threshold,
        suggest_threshold=calibration.suggest_threshold,
    )
