"""The load test in its short form, for CI: 40 chats at once against each deployment shape.

The full form (1,000 chats) is ``python -m tests.load --chats 1000 --backend sqlite|redis``; its
figures are in the README. Here the point is correctness under concurrency, with the figures printed
for the log: every chat gets every reply of a whole self-check and two FAQ answers, in order, through
real bot processes, beside two busy groups whose replies wait on Telegram's per-group limit.
"""

from __future__ import annotations

import pytest

from tests.load.harness import REDIS_SERVER, run_load

CHATS = 40


async def test_forty_chats_at_once_on_sqlite_each_get_every_reply_in_order() -> None:
    report = await run_load(CHATS, "sqlite", timeout=90, groups=2)
    print(report.summary())
    assert report.failures == []
    assert report.group_twice == 0 and report.group_notes == 0  # no group mention answered twice
    assert len(report.latencies) == report.turns and report.turns >= CHATS * 8  # every turn timed
    assert report.replies > report.turns  # FAQ answers come in more than one message


async def test_forty_chats_at_once_on_two_processes_sharing_redis_each_get_every_reply_in_order() -> None:
    if not REDIS_SERVER.exists():
        pytest.skip("redis-server is not installed (run `make redis-server`)")
    report = await run_load(CHATS, "redis", processes=2, timeout=90, groups=2)
    print(report.summary())
    assert report.failures == []
    assert report.group_twice == 0 and report.group_notes == 0  # no group mention answered twice
    assert len(report.latencies) == report.turns and report.turns >= CHATS * 8
