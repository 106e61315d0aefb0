"""Suite-wide fixtures."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from flows.engine import Engine


#: folders whose every test is slow: the load tests and the benchmarks' smoke test
SLOW_FOLDERS = ("tests/load/", "tests/bench/")
#: fixtures that make a test end-to-end: the real Application over HTTP against the Bot API stand-in
END_TO_END_FIXTURES = frozenset({"standin"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark as ``slow`` every end-to-end test, so that ``make test-fast`` (``-m "not slow"``) leaves it out.

    End-to-end here: a test that plays the bot through the Bot API stand-in, and the load and benchmark
    tests. Modules of other slow tests (processes started, whole-data-set measurements) carry
    ``pytestmark = pytest.mark.slow`` themselves. ``make test`` runs them all.
    """
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        fixtures = set(getattr(item, "fixturenames", ()))
        if where.startswith(SLOW_FOLDERS) or fixtures & END_TO_END_FIXTURES:
            item.add_marker(pytest.mark.slow)


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
