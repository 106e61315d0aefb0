"""Fixtures for the dialogue tests: the real engine over the shipped knowledge base and matcher."""

from __future__ import annotations

import pytest

from flows.engine import Engine, build_engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    """One engine for the whole run, as a bot process has (the KB and matcher are built once)."""
    return build_engine()
