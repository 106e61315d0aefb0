"""Per-user flood limits: a user sending hundreds of messages a minute is slowed politely, once; others
are not slowed at all. The token bucket on a hand-driven clock, then two users through the real bot."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage import SessionStore
from bot.telegram import flood
from bot.telegram.adapter import Engine
from bot.telegram.flood import FloodGate, Verdict
from tests.bot.conftest import running_bot
from tests.bot.standin import BotApiStandIn

SLOW_DOWN = "发得有点快，请稍等几秒再试。"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_turns_are_dropped_with_one_note_per_cooldown() -> None:
    clock = Clock()
    gate = FloodGate(rate_per_minute=30, burst=10, note_every=60, clock=clock)
    verdicts = [gate.check(1) for _ in range(200)]  # hundreds at once
    assert verdicts[:10] == [Verdict.ALLOW] * 10
    assert verdicts[10] is Verdict.DROP_AND_NOTE
    assert set(verdicts[11:]) == {Verdict.DROP}  # told once, not once per message
    clock.now += 2.0  # 30 a minute: one turn every 2 seconds
    assert gate.check(1) is Verdict.ALLOW
    assert gate.check(1) is Verdict.DROP
    clock.now += 60
    assert [gate.check(1) for _ in range(10)] == [Verdict.ALLOW] * 10  # refilled to the burst, no more
    assert gate.check(1) is Verdict.DROP_AND_NOTE  # a new cooldown: told again


def test_turns_received_at_a_safe_pace_pass_even_when_handled_in_a_quick_run() -> None:
    """Issue 20: updates that waited (behind a busy chat, in the inbox over a restart) are counted as of
    their receiving, so a user who kept the pace is not dropped when they are handled together."""
    clock = Clock()
    gate = FloodGate(rate_per_minute=30, burst=10, clock=clock)
    received = [clock.now - 80 + 2 * n for n in range(40)]  # one every 2 s: the documented safe pace
    assert [gate.check(1, at=at) for at in received] == [Verdict.ALLOW] * 40  # all handled "now"
    assert gate.check(2, at=clock.now) is Verdict.ALLOW
    early = [gate.check(3, at=clock.now) for _ in range(11)]
    assert early[-1] is Verdict.DROP_AND_NOTE
    assert gate.check(3, at=clock.now - 30) is Verdict.DROP  # an older update refills nothing


def test_one_users_flood_leaves_other_users_their_whole_allowance() -> None:
    gate = FloodGate(rate_per_minute=30, burst=10, clock=Clock())
    for _ in range(500):
        gate.check(1)
    assert [gate.check(2) for _ in range(10)] == [Verdict.ALLOW] * 10


def test_the_limit_holds_at_the_configured_rate_over_a_minute() -> None:
    clock = Clock()
    gate = FloodGate(rate_per_minute=30, burst=10, clock=clock)
    allowed = 0
    for _ in range(600):  # ten messages a second for a minute
        allowed += gate.check(7) is Verdict.ALLOW
        clock.now += 0.1
    assert 10 + 29 <= allowed <= 10 + 31


def test_idle_users_buckets_are_swept_out_so_memory_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flood, "SWEEP_AT", 3)
    clock = Clock()
    gate = FloodGate(rate_per_minute=30, burst=2, note_every=60, clock=clock)
    for user in (1, 2, 3):
        gate.check(user)
    for _ in range(5):
        gate.check(3)  # user 3 floods: told, and still in its cooldown below
    clock.now += 30  # everyone's bucket has refilled; only user 3's note cooldown still runs
    gate.check(4)
    assert set(gate._buckets) == {3, 4}


async def test_a_flooding_user_is_slowed_politely_and_another_user_is_not(
    standin: BotApiStandIn, real_engine: Engine, sqlite_store: SessionStore
) -> None:
    flooder, bystander = 4401, 4402
    async with running_bot(standin, real_engine, sqlite_store, flood_rate_per_minute=30, flood_burst=5):
        await standin.say(bystander, "/start")
        for n in range(40):
            await standin.send_text(flooder, f"第{n}条：微粒贷利息多少？")
        mark = len(standin.chat_events(bystander))
        started = asyncio.get_running_loop().time()
        events = await standin.say(bystander, "小米贷款上征信吗？")
        waited = asyncio.get_running_loop().time() - started
        await standin.quiet(flooder, quiet_for=0.5, timeout=30)

    flooder_texts = [e.text for e in standin.chat_events(flooder)]
    assert flooder_texts.count(SLOW_DOWN) == 1, flooder_texts
    answered = [t for t in flooder_texts if t != SLOW_DOWN]
    assert 5 <= len(answered) <= 5 + 3, (
        f"{len(answered)} answers to 40 messages"
    )  # the burst, a little refill
    assert SLOW_DOWN not in standin.texts_since(bystander, 0)
    assert events and mark < len(standin.chat_events(bystander))
    assert waited < 5, f"the bystander waited {waited:.1f}s"
