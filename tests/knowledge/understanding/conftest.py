"""Shared fixtures: the real knowledge base and one matcher built over it (built once per test session)."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from knowledge.base import KnowledgeBase, default
from knowledge.understanding import load_matcher
from knowledge.understanding.matcher import LexicalMatcher


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default()


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> LexicalMatcher:
    settings = Settings(_env_file=None)
    return load_matcher(
        kb, answer_threshold=settings.faq_answer_threshold, suggest_threshold=settings.faq_suggest_threshold
    )
