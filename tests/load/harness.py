"""Many chats at once through real bot processes and the Bot API stand-in: throughput, latency, order.

:func:`run_load` starts the stand-in in this process and the bot as separate OS processes
(``python -m bot bot``, exactly as deployed): one long-polling process over a SQLite file, or two
webhook processes behind the stand-in's round-robin "load balancer" sharing one redis-server of our
own. Every simulated user plays the same conversation: 「/check」, the product, every self-check
question answered (buttons pressed, numbers typed) up to the verdict, then two FAQ questions. A user
sends the next line only once the whole answer to the previous one has arrived, as a person would.

One reference user plays the conversation alone first; its transcript is what every other user must
see, message for message, in order, with nothing lost and nothing twice.

Everything listens on 127.0.0.1 only; every wait has a deadline. Telegram's broadcast limit (30
messages a second, ``telegram_overall_rate``) and the per-user flood limit are switched off in the bot
processes: with them the figures would measure the limits, not the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.bot.standin import BOT_USERNAME, TOKEN, BotApiStandIn, Event
from tests.bot.users import ANSWERS

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = Path("/usr/bin/redis-server")

OPENING = [("type", "/check"), ("tap", "小米贷款")]
CLOSING = [("type", "小米贷款上征信吗？"), ("type", "微粒贷的利息是多少？")]
VERDICT = "不是贷款机构的审批结论"
GROUP_MENTION = f"@{BOT_USERNAME} 微粒贷的利息是多少？"
GROUP_MEMBERS = 6
#: what the bot says before answering again a question the same person asked before
REPEAT_NOTE = "刚才的回答里就讲到了，再贴一次："
#: the answer to :data:`GROUP_MENTION`
GROUP_ANSWER = "【微粒贷】"


def group_tally(events: list[Event]) -> tuple[int, int, int, int]:
    """(mentions answered, repeat notes, mentions answered twice, error notes) of a group's messages."""
    by_mention: dict[int | None, list[str]] = {}
    for event in events:
        if event.kind == "send":
            by_mention.setdefault(event.message.reply_to, []).append(event.text)
    answered = sum(1 for texts in by_mention.values() if any(GROUP_ANSWER in text for text in texts))
    repeats = sum(text.startswith(REPEAT_NOTE) for texts in by_mention.values() for text in texts)
    twice = sum(1 for texts in by_mention.values() if len(set(texts)) < len(texts))
    notes = sum(
        not (text.startswith(REPEAT_NOTE) or GROUP_ANSWER in text)
        for texts in by_mention.values()
        for text in texts
    )
    return answered, repeats, twice, notes


@dataclass
class Step:
    """One thing the user does, and how many sends or edits answer it."""

    how: str  # "type" or "tap"
    value: str
    replies: int = 0


@dataclass
class LoadReport:
    """What a load run measured."""

    backend: str
    processes: int
    chats: int
    turns: int
    replies: int
    seconds: float
    latencies: list[float] = field(repr=False, default_factory=list)
    failures: list[str] = field(default_factory=list)
    groups: int = 0
    group_mentions: int = 0
    group_replies: int = 0
    #: mentions that had an answer when the private chats were done (each answer quotes its mention)
    group_answered: int = 0
    #: answers that came with the note 「刚才的回答里就讲到了，再贴一次：」 before them, one message more: a
    #: member asking the question they asked before, as each of the six members does four times
    group_repeats: int = 0
    #: mentions that got a message twice (the same text quoting the same mention): a duplicate
    group_twice: int = 0
    #: group messages that were not answers: error or storage notes
    group_notes: int = 0

    @property
    def replies_per_second(self) -> float:
        """Bot messages (sends and edits) a second, over the whole run."""
        return self.replies / self.seconds if self.seconds else 0.0

    @property
    def turns_per_second(self) -> float:
        """User turns answered a second."""
        return self.turns / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        """Latency of a whole answer in milliseconds at percentile ``p`` (1–99)."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000

    def summary(self) -> str:
        """One paragraph for the terminal and the README."""
        return (
            f"{self.backend}, {self.processes} bot process(es), {self.chats} chats: "
            f"{self.turns} turns, {self.replies} replies in {self.seconds:.1f} s = "
            f"{self.replies_per_second:.0f} replies/s ({self.turns_per_second:.0f} turns/s); "
            f"answer latency p50 {self.percentile(50):.0f} ms, p95 {self.percentile(95):.0f} ms, "
            f"p99 {self.percentile(99):.0f} ms, max {max(self.latencies, default=0) * 1000:.0f} ms; "
            + (f"{len(self.failures)} chats FAILED" if self.failures else "every reply arrived, in order")
            + (
                f"; beside {self.groups} busy groups ({self.group_mentions} mentions at the start; "
                f"meanwhile, under Telegram's 20/min per group, {self.group_answered} answered in "
                f"{self.group_replies} group messages: {self.group_repeats} repeated questions with the "
                f"note 「{REPEAT_NOTE}」 before the answer, {self.group_twice} mentions answered twice, "
                f"{self.group_notes} error notes)"
                if self.groups
                else ""
            )
        )


class ReplyWatch:
    """Wakes the one user whose chat reached the number of bot messages it waits for (no polling)."""

    def __init__(self, standin: BotApiStandIn) -> None:
        self.standin = standin
        self._waiting: dict[int, tuple[int, asyncio.Future[float]]] = {}
        standin.on_event = self._seen

    def _seen(self, chat: int, event: Event) -> None:
        waiting = self._waiting.get(chat)
        if waiting is None or waiting[1].done():
            return
        if len(self.standin.chat_events(chat)) >= waiting[0]:
            waiting[1].set_result(time.perf_counter())

    async def until(self, chat: int, count: int, timeout: float) -> float:
        """Wait until ``chat`` shows ``count`` bot messages; returns when the last one arrived."""
        if len(self.standin.chat_events(chat)) >= count:
            return time.perf_counter()
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[chat] = (count, future)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._waiting.pop(chat, None)


async def act(standin: BotApiStandIn, chat: int, step: Step) -> None:
    """Type the text or press the newest button with the label."""
    if step.how == "tap":
        await standin.click(chat, step.value)
    else:
        await standin.send_text(chat, step.value)


def next_answer(standin: BotApiStandIn, chat: int) -> Step | None:
    """The answer to the question on screen, or ``None`` once the verdict is there."""
    events = standin.chat_events(chat)
    if any(VERDICT in event.text for event in events[-3:]):
        return None
    for event in reversed(events):
        if "题" in event.text:
            for topic, (how, value) in ANSWERS.items():
                if topic in event.text:
                    return Step(how, value)
            break
    raise AssertionError(f"no answer for the question on screen:\n{standin.transcript(chat)}")


async def reference(standin: BotApiStandIn, chat: int, timeout: float) -> tuple[list[Step], list[str]]:
    """Play the conversation once, alone; returns its steps and the transcript every user must see."""
    steps: list[Step] = []

    async def play(step: Step) -> None:
        mark = len(standin.chat_events(chat))
        await act(standin, chat, step)
        events = await standin.answer_after(chat, mark, timeout)
        step.replies = len(events)
        steps.append(step)

    for how, value in OPENING:
        await play(Step(how, value))
    for _ in range(12):
        answer = next_answer(standin, chat)
        if answer is None:
            break
        await play(answer)
    else:
        raise AssertionError(f"the self-check never ended:\n{standin.transcript(chat)}")
    for how, value in CLOSING:
        await play(Step(how, value))
    return steps, [event.text for event in standin.chat_events(chat)]


async def user(
    standin: BotApiStandIn, watch: ReplyWatch, chat: int, steps: list[Step], timeout: float
) -> list[float]:
    """Play ``steps`` in ``chat``; returns the latency of each whole answer, in seconds."""
    latencies = []
    for step in steps:
        expected = len(standin.chat_events(chat)) + step.replies
        started = time.perf_counter()
        await act(standin, chat, Step(step.how, step.value))
        finished = await watch.until(chat, expected, timeout)
        latencies.append(finished - started)
    return latencies


# --- processes -----------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throw-away redis-server on a free port (no persistence); yields its URL."""
    if not REDIS_SERVER.exists():
        raise RuntimeError("redis-server is not installed (run `make redis-server`)")
    port = free_port()
    process = subprocess.Popen(
        [
            *(str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)),
            *("--save", "", "--appendonly", "no", "--protected-mode", "no"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait(timeout=10)


@contextlib.asynccontextmanager
async def bot_processes(
    standin: BotApiStandIn, folder: Path, backend: str, processes: int, storage_url: str
) -> AsyncIterator[list[subprocess.Popen[bytes]]]:
    """Start the bot processes (polling for one, webhook behind round-robin for several); stop them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "STORAGE_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        LOAN_ADVISOR_TELEGRAM_API_BASE_URL=standin.base_url,
        LOAN_ADVISOR_TELEGRAM_POLL_TIMEOUT="1",
        LOAN_ADVISOR_TELEGRAM_REQUEST_TIMEOUT="10",
        LOAN_ADVISOR_TELEGRAM_OVERALL_RATE="0",
        LOAN_ADVISOR_FLOOD_RATE_PER_MINUTE="100000",
        LOAN_ADVISOR_FLOOD_BURST="100000",
        LOAN_ADVISOR_STORAGE_URL=storage_url,
        LOAN_ADVISOR_LOG_LEVEL="WARNING",
    )
    ports = [free_port() for _ in range(processes)] if processes > 1 else []
    if ports:
        standin.webhook_targets = [f"http://127.0.0.1:{port}/telegram" for port in ports]
        env.update(
            LOAN_ADVISOR_TELEGRAM_MODE="webhook",
            LOAN_ADVISOR_WEBHOOK_URL="https://bot.example.org/telegram",
            LOAN_ADVISOR_WEBHOOK_SECRET="load-test-secret",
            LOAN_ADVISOR_WEBHOOK_LISTEN="127.0.0.1",
        )
    started = []
    for n in range(processes):
        log = (folder / f"bot{n}.log").open("wb")
        process_env = {**env, "LOAN_ADVISOR_WEBHOOK_PORT": str(ports[n])} if ports else env
        started.append(
            subprocess.Popen(
                [sys.executable, "-m", "bot", "bot"],
                cwd=folder,
                env=process_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        await standin.wait_for(
            lambda: len(standin.calls_of("setMyCommands")) >= processes, timeout=60, what="the bots to start"
        )
        if ports:
            await standin.wait_for(
                lambda: len(standin.calls_of("setWebhook")) >= processes, timeout=30, what="the webhooks"
            )
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in started:
            while process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


# --- the run -------------------------------------------------------------------------------------


async def run_load(
    chats: int,
    backend: str = "sqlite",
    *,
    processes: int | None = None,
    timeout: float = 600.0,
    groups: int = 0,
    group_burst: int = 30,
    answer_timeout: float = 120.0,
) -> LoadReport:
    """Play ``chats`` conversations at once and measure them.

    Args:
        chats: simultaneous users (each in a chat of their own).
        backend: ``"sqlite"`` (one long-polling process) or ``"redis"`` (webhook processes).
        processes: bot processes; default 1 for SQLite, 2 for Redis.
        timeout: deadline of the whole run, in seconds.
        groups: busy groups beside the private chats.
        group_burst: mentions of the bot in each group, sent at the start.
        answer_timeout: longest a user waits for one answer before their chat counts as failed.

    Returns:
        The report; ``failures`` lists every chat whose transcript differed from the reference.
    """
    count = processes if processes is not None else (2 if backend == "redis" else 1)
    if backend == "sqlite" and count != 1:
        raise ValueError("SQLite serves one bot process; use redis for several")
    with tempfile.TemporaryDirectory(prefix="loan-advisor-load-") as tmp:
        folder = Path(tmp)
        with contextlib.ExitStack() as stack:
            if backend == "redis":
                storage_url = stack.enter_context(redis_server(folder))
            elif backend == "sqlite":
                storage_url = f"sqlite:///{folder / 'sessions.sqlite3'}"
            else:
                raise ValueError(f"unknown backend {backend!r}")
            measured = _measure(
                folder, backend, count, storage_url, chats, groups, group_burst, answer_timeout
            )
            return await asyncio.wait_for(measured, timeout)
    raise AssertionError("unreachable")


async def _measure(
    folder: Path,
    backend: str,
    processes: int,
    storage_url: str,
    chats: int,
    groups: int,
    group_burst: int,
    answer_timeout: float,
) -> LoadReport:
    standin = BotApiStandIn()
    await standin.start()
    try:
        async with bot_processes(standin, folder, backend, processes, storage_url):
            steps, transcript = await reference(standin, 1, timeout=30)
            watch = ReplyWatch(standin)
            ids = range(1001, 1001 + chats)
            group_ids = [-(700_001 + n) for n in range(groups)]
            for group in group_ids:  # every group's burst first: the private users come in behind it
                for n in range(group_burst):
                    member = 900_001 + (n % GROUP_MEMBERS)
                    await standin.send_text(group, GROUP_MENTION, from_id=member)
            started = time.perf_counter()
            results = await asyncio.gather(
                *(user(standin, watch, chat, steps, timeout=answer_timeout) for chat in ids),
                return_exceptions=True,
            )
            seconds = time.perf_counter() - started
            group_replies = sum(len(standin.chat_events(group)) for group in group_ids)
            tallies = [group_tally(list(standin.chat_events(group))) for group in group_ids]
            await asyncio.sleep(0.5)  # a late duplicate would show up now
            latencies: list[float] = []
            failures = []
            for chat, result in zip(ids, results, strict=True):
                if isinstance(result, BaseException):
                    failures.append(f"chat {chat}: {result!r}")
                    continue
                latencies.extend(result)
                seen = [event.text for event in standin.chat_events(chat)]
                if seen != transcript:
                    failures.append(f"chat {chat}: {len(seen)} messages, not the {len(transcript)} expected")
            return LoadReport(
                backend=backend,
                processes=processes,
                chats=chats,
                turns=chats * len(steps),
                replies=sum(len(standin.chat_events(chat)) for chat in ids),
                seconds=seconds,
                latencies=latencies,
                failures=failures,
                groups=groups,
                group_mentions=groups * group_burst,
                group_replies=group_replies,
                group_answered=sum(tally[0] for tally in tallies),
                group_repeats=sum(tally[1] for tally in tallies),
                group_twice=sum(tally[2] for tally in tallies),
                group_notes=sum(tally[3] for tally in tallies),
            )
    finally:
        await standin.stop()
