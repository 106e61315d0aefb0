"""End to end: updates per second and reply latency through the real PTB Application and the Bot API stand-in.

The bot is wired exactly as in production (:func:`bot.telegram.app.build_application`: the adapter, the
per-chat ordering, a SQLite session store in a temporary folder) and long-polls the stand-in of
``tests/bot/standin.py`` over HTTP, all in this process. ``chats`` users type at once, each a whole
conversation (「/start」, an FAQ question, 「/check …」 for all three products, every self-check
question answered in words); a user sends the next line once every message answering the previous one
has arrived. Latency runs from injecting the update at the stand-in to the bot's ``sendMessage``
reaching it (first message of the answer, and last).

PTB's ``AIORateLimiter`` (part of the production wiring) holds the bot to Telegram's broadcast limit of
30 messages per second, so with it the figures measure that limit, not the bot. Scenarios therefore run
with the limiter removed (``limiter=False``: what the process itself can do) and, for comparison, as
shipped.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import PROFILE_TEXT, latency_summary
from bot.settings import Settings
from bot.telegram.split import split_html
from flows.engine import Engine
from flows.reply import Turn
from flows.session import Session
from tests.bot.standin import TOKEN, BotApiStandIn, BotMessage

#: the lines one user types, before the self-check answers and after them
OPENING = ["/start", "微粒贷的利息是多少？", "/check 小米 微粒贷 WE2000"]
CLOSING = "逾期了会怎么样？"


@dataclass
class Line:
    """One line a user types and how many messages the bot answers it with."""

    text: str
    messages: int


def script(engine: Engine) -> list[Line]:
    """The conversation every simulated user has, with the number of messages expected per line.

    It is played once through the engine here, so that the users know when an answer is complete.
    """
    session = Session()
    lines: list[Line] = []

    def play(text: str) -> None:
        reply = engine.handle(session, Turn.from_text(text))
        lines.append(Line(text, sum(len(split_html(m.text)) for m in reply.messages)))

    for text in OPENING:
        play(text)
    while session.flow == "check" and session.state == "asking":
        play(PROFILE_TEXT[session.check.asked[-1]])
    play(CLOSING)
    return lines


class TimedStandIn(BotApiStandIn):
    """The stand-in, noting when each message the bot sends arrives, per chat."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.arrivals: dict[int, asyncio.Queue[float]] = defaultdict(asyncio.Queue)

    def _record(self, kind: str, message: BotMessage) -> None:
        super()._record(kind, message)
        if kind == "send":
            self.arrivals[message.chat_id].put_nowait(time.perf_counter())


async def _user(
    standin: TimedStandIn,
    chat_id: int,
    lines: list[Line],
    first: list[float],
    last: list[float],
    timeout: float,
) -> int:
    """Play ``lines`` in one chat; returns how many lines got their whole answer."""
    answered = 0
    arrivals = standin.arrivals[chat_id]
    for line in lines:
        sent = time.perf_counter()
        await standin.send_text(chat_id, line.text)
        try:
            for number in range(line.messages):
                arrived = await asyncio.wait_for(arrivals.get(), timeout)
                if number == 0:
                    first.append(arrived - sent)
            last.append(arrived - sent)
        except TimeoutError:
            return answered
        answered += 1
    return answered


async def run_scenario(
    engine: Engine, chats: int, *, limiter: bool, lines_per_chat: int = 0, timeout: float = 120.0
) -> dict[str, Any]:
    """``chats`` users at once, each playing :func:`script`; throughput and latency percentiles.

    Args:
        engine: the engine the bot answers with.
        chats: users typing at the same time.
        limiter: keep PTB's rate limiter of the production wiring (30 messages/s overall).
        lines_per_chat: play only the first lines of the conversation (0: all of it).
        timeout: longest wait for one answer before the user gives up (counted as unanswered).
    """
    from bot.storage.sqlite import SqliteSessionStore
    from bot.telegram.app import build_application, start_polling, stop

    lines = script(engine)
    if lines_per_chat:
        lines = lines[:lines_per_chat]
    standin = TimedStandIn()
    await standin.start()
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as folder:
        settings = Settings(
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=standin.base_url,
            telegram_poll_timeout=1,
            telegram_request_timeout=30.0,
            # scripted users answer as fast as the bot does, not at a person's pace: the per-user flood
            # limit would drop the self-check's later answers (as in tests/load, it is switched off)
            flood_rate_per_minute=100_000,
            flood_burst=100_000,
        )
        store = SqliteSessionStore(Path(folder) / "sessions.sqlite3", ttl_seconds=3600)
        application = build_application(settings, engine, store)
        if not limiter:
            # the production limiter caps the bot at Telegram's 30 messages/s; take it out to see the bot
            with application.bot._unfrozen():
                application.bot._rate_limiter = None
        await start_polling(application, settings)
        first: list[float] = []
        last: list[float] = []
        try:
            started = time.perf_counter()
            answered = await asyncio.gather(
                *(_user(standin, 1000 + n, lines, first, last, timeout) for n in range(chats))
            )
            elapsed = time.perf_counter() - started
        finally:
            await stop(application)
            await standin.stop()
    updates = sum(answered)
    first_summary = latency_summary(first)
    last_summary = latency_summary(last)
    return {
        "chats": chats,
        "rate_limiter": limiter,
        "lines_per_chat": len(lines),
        "updates_sent": chats * len(lines),
        "updates_answered": updates,
        "messages_per_update": sum(line.messages for line in lines) / len(lines),
        "seconds": elapsed,
        "updates_per_second": updates / elapsed,
        "first_reply_p50_ms": first_summary["p50_ms"],
        "first_reply_p90_ms": first_summary["p90_ms"],
        "first_reply_p99_ms": first_summary["p99_ms"],
        "full_reply_p50_ms": last_summary["p50_ms"],
        "full_reply_p99_ms": last_summary["p99_ms"],
    }


def measure(engine: Engine, scenarios: list[tuple[int, bool, int, int]]) -> dict[str, Any]:
    """Each scenario, median over its runs; keyed ``chats_<n>`` (``_limited`` with the rate limiter).

    Args:
        engine: the engine the bot answers with.
        scenarios: (chats, rate limiter on, lines per chat or 0 for all, runs) tuples.
    """
    from bench.common import median_of

    results: dict[str, Any] = {}
    for chats, limiter, lines, runs in scenarios:
        key = f"chats_{chats}" + ("_limited" if limiter else "")
        results[key] = median_of(
            [
                asyncio.run(run_scenario(engine, chats, limiter=limiter, lines_per_chat=lines))
                for _ in range(runs)
            ]
        )
        results[key]["runs"] = runs
    return results
