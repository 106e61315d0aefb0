"""Suite-wide fixtures."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from flows.engine import Engine


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Give every test the logging set-up it started with.

    ``loan-advisor bot`` run in-process calls ``configure_logging``, which replaces the root handlers and
    quietens httpx/httpcore; without this, a later test that reads debug records sees none of them.
    """
    root = logging.getLogger()
    handlers, root_level = list(root.handlers), root.level
    levels = {
        name: logger.level
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:] = handlers
    root.setLevel(root_level)
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.setLevel(levels.get(name, logging.NOTSET))


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real engine over the shipped knowledge base, its matchers and their calibrated thresholds, as a
    bot process has it (built once for the whole run)."""
    from flows.engine import build_engine

    return build_engine()
