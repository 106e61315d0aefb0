"""The conversation suite, as data: every file follows the format, and the share of judged turns that fail
stays within what was measured (the issue's target is 3%; see the README for both parts' figures)."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from tests.conversations.suite import HERE, HOLDOUT, conversations, score

#: judged turns failing (``python -m tests.conversations``): the worked-on part, with the ninth session's
#: held-out 138–153 in it since the tenth, as measured at the tenth session's end (7 of 965)
DEV_FAILURES_AT_MOST = 7
#: the held-out part (157–172, written at the start of the tenth session by a contributor who never ran the
#: advisor on them), scored once at its end (``--holdout`` at e8ca40c: 8 of 125 judged turns failed)
HOLDOUT_FAILURES_AT_MOST: int | None = 8


def test_the_suite_has_forty_conversations_of_five_to_fifteen_turns() -> None:
    sized = [c for c in conversations(HERE) if 5 <= len(c.steps) <= 15]
    assert len(sized) >= 40
    assert all(any(step.judged for step in c.steps) for c in conversations(HERE))


def test_the_written_first_part_fails_at_most_the_turns_it_failed_when_measured(engine: Engine) -> None:
    result = score(engine, conversations(HERE))
    assert len(result.failures) <= DEV_FAILURES_AT_MOST
    assert result.rate <= 0.03


def test_the_held_out_part_fails_no_more_turns_than_when_it_was_scored_once(engine: Engine) -> None:
    held_out = conversations(HOLDOUT)
    assert len(held_out) >= 10
    if HOLDOUT_FAILURES_AT_MOST is None:
        pytest.skip("the held-out part is scored once, at the end of the session that wrote it")
    assert len(score(engine, held_out).failures) <= HOLDOUT_FAILURES_AT_MOST
