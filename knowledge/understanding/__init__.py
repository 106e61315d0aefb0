"""Question understanding: from a free Chinese question to an FAQ entry, a product and a confidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge.understanding.api import Band, FaqMatch, FaqMatcher

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase
    from knowledge.understanding.matcher import LexicalMatcher

__all__ = ["Band", "FaqMatch", "FaqMatcher", "load_matcher"]


def load_matcher(kb: KnowledgeBase, *, answer_threshold: float, suggest_threshold: float) -> LexicalMatcher:
    """Build the default (lexical) matcher over ``kb``: indexes built once, calibration read from data.

    Args:
        kb: the knowledge base to answer from.
        answer_threshold: answer at or above this calibrated confidence (``faq_answer_threshold``).
        suggest_threshold: offer 「您是不是想问」 at or above this, decline below (``faq_suggest_threshold``).
    """
    from knowledge.understanding.calibration import load_calibration
    from knowledge.understanding.lexicon import load_lexicon
    from knowledge.understanding.matcher import LexicalMatcher

    return LexicalMatcher(
        kb,
        load_lexicon(),
        load_calibration(),
        answer_threshold=answer_threshold,
        suggest_threshold=suggest_threshold,
    )
