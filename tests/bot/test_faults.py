"""Faults the bot must survive on its own: a killed process, a restarted Redis, a misbehaving Bot API
server, a full or read-only database.

Each scenario plays a user through the stand-in and checks what their phone shows: every reply exactly
once and in order, or, where a fault makes that impossible, the behaviour the bot promises (a polite
note, a message taken as delivered) stated in the test.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from bot.storage import StorageUnavailable, open_store
from bot.storage.sqlite import SqliteSessionStore
from bot.telegram.adapter import Engine
from flows.reply import Reply, Turn, esc
from flows.session import Session
from tests.bot.conftest import REDIS_SERVER, free_port, running_bot
from tests.bot.screens import font_available, render, screenshot
from tests.bot.standin import BotApiStandIn, Fault
from tests.bot.test_telegram_e2e import (
    last_question,
    question_number,
    start_bot_process,
    stop_process,
)
from tests.bot.users import ANSWERS

VERDICT = "不是贷款机构的审批结论"
STORAGE_NOTE = "暂时无法保存对话，请稍后再试。"


async def send_answer(standin: BotApiStandIn, chat: int) -> None:
    """Answer the question on screen without waiting for the bot (which may be down)."""
    question = last_question(standin, chat)
    for topic, (how, value) in ANSWERS.items():
        if topic in question:
            if how == "tap":
                await standin.click(chat, value)
            else:
                await standin.send_text(chat, value)
            return
    raise AssertionError(f"the test has no answer for: {question}")


async def finish_self_check(standin: BotApiStandIn, chat: int, timeout: float = 15.0) -> None:
    """Answer questions until the verdict arrives."""
    for _ in range(12):
        mark = len(standin.chat_events(chat))
        await send_answer(standin, chat)
        events = await standin.answer_after(chat, mark, timeout)
        if any(VERDICT in event.text for event in events):
            return
    raise AssertionError(f"the self-check never ended:\n{standin.transcript(chat)}")


def assert_each_question_once_in_order(standin: BotApiStandIn, chat: int) -> None:
    """Questions 1, 2, 3 … each shown exactly once, in order, and exactly one verdict at the end."""
    numbers = [question_number(event.text) for event in standin.chat_events(chat)]
    asked = [n for n in numbers if n is not None]
    assert asked == list(range(1, len(asked) + 1)) and len(asked) >= 4, standin.transcript(chat)
    verdicts = [event for event in standin.chat_events(chat) if VERDICT in event.text]
    assert len(verdicts) == 1, standin.transcript(chat)


async def finish_and_check_each_question_once(standin: BotApiStandIn, chat: int) -> None:
    """Finish the self-check, wait for any late duplicate, then check every question came once, in order."""
    await finish_self_check(standin, chat)
    await standin.quiet(chat, quiet_for=1.5)  # time for a late duplicate to show up
    assert_each_question_once_in_order(standin, chat)


def assert_redelivery_recognised(folder: Path, restarted: str, logs: Iterable[str]) -> None:
    """The ``restarted`` process recognised an update handled before; no process log holds a traceback."""
    log = (folder / f"{restarted}.log").read_text(errors="replace")
    assert "handled before; not answered again" in log, log
    everything = "\n".join((folder / f"{name}.log").read_text(errors="replace") for name in logs)
    assert "Traceback" not in everything, everything


# --- a killed bot process ------------------------------------------------------------------------


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no shutdown code runs, nothing is flushed or confirmed."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.slow
async def test_a_bot_killed_mid_flow_resumes_with_every_reply_exactly_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = {
        "LOAN_ADVISOR_STORAGE_URL": f"sqlite:///{tmp_path / 'data' / 'sessions.sqlite3'}",
        "LOAN_ADVISOR_FLOOD_BURST": "50",
    }
    chat = 801
    bot = start_bot_process(standin, tmp_path, "bot1", **env)
    try:
        await standin.say(chat, "/check", timeout=40)
        await standin.tap(chat, "小米贷款")
        assert question_number(last_question(standin, chat)) == 1

        # 1. killed between two turns: the session on disk carries the conversation
        kill(bot)
        bot = start_bot_process(standin, tmp_path, "bot2", **env)
        await standin.tap(chat, "不是学生", timeout=40)
        assert question_number(last_question(standin, chat)) == 2

        # 2. killed while the reply is on its way: the turn is saved, the message never got out
        hold = Fault("sendMessage", "hold")
        standin.faults.append(hold)
        mark = len(standin.chat_events(chat))
        await standin.send_text(chat, "28")
        await asyncio.wait_for(hold.arrived.wait(), 15)
        kill(bot)
        hold.release.set()
        assert len(standin.chat_events(chat)) == mark  # the user has seen nothing yet
        bot = start_bot_process(standin, tmp_path, "bot3", **env)
        events = await standin.answer_after(chat, mark, timeout=40)
        assert question_number(events[-1].text) == 3, standin.transcript(chat)  # not skipped to 4

        # 3. the user answers while the bot is down: the update waits at Telegram
        kill(bot)
        mark = len(standin.chat_events(chat))
        await send_answer(standin, chat)
        bot = start_bot_process(standin, tmp_path, "bot4", **env)
        events = await standin.answer_after(chat, mark, timeout=40)
        assert question_number(events[-1].text) == 4, standin.transcript(chat)

        await finish_and_check_each_question_once(standin, chat)
    finally:
        code = await stop_process(bot)
    assert code == 0
    assert_redelivery_recognised(tmp_path, "bot3", [f"bot{n}" for n in range(1, 5)])


@pytest.mark.slow
@pytest.mark.skipif(not font_available(), reason="the CJK font is missing: run `make cjk-font`")
async def test_a_bot_killed_while_reading_a_photo_reads_it_again_after_the_restart_and_answers_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = {
        "LOAN_ADVISOR_STORAGE_URL": f"sqlite:///{tmp_path / 'data' / 'sessions.sqlite3'}",
        # on a machine busy with other tests the reading may take longer than the default 20 s allowed
        "LOAN_ADVISOR_OCR_TIMEOUT_SECONDS": "120",
    }
    chat, other = 803, 804
    # a long screenshot: reading it takes seconds (3.9 s for a third of it on the shared machine)
    message = "【测试】" + "借款逾期会影响征信吗？" * 120
    width, height = render(message, "sms").size
    bot = start_bot_process(standin, tmp_path, "bot1", **env)
    try:
        await standin.say(other, "你好", timeout=40)  # the bot is up
        await standin.send_photo(chat, screenshot(message, "sms"), width=width, height=height)
        await standin.wait_for(lambda: bool(standin.downloads), timeout=20, what="the photo downloaded")
        # another chat is answered while the photo is being read: only the photo's own chat waits
        await standin.say(other, "微粒贷的利息是多少？", timeout=60)
        await asyncio.sleep(1.0)  # time enough to mark the update done, had the reading not held it
        assert standin.chat_events(chat) == [], standin.transcript(chat)  # still reading
        kill(bot)
        bot = start_bot_process(standin, tmp_path, "bot2", **env)
        events = await standin.answer_after(chat, 0, timeout=90)
        await standin.quiet(chat, quiet_for=1.5)  # time for a late duplicate to show up
        assert len(standin.downloads) == 2, standin.transcript(chat)  # read again after the restart
        answers = [event for event in standin.chat_events(chat) if event.text.startswith("📷")]
        assert len(answers) == 1 and events[0] is answers[0], standin.transcript(chat)
    finally:
        code = await stop_process(bot)
    assert code == 0


# --- a restarted Redis ---------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own that a test can kill and start again on the same port and data."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # append-only file, fsync'd at every write: what the deployment notes ask for, so a killed
        # server loses no session
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                str(REDIS_SERVER),
                *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)),
                *("--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with status {self.process.returncode}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if not REDIS_SERVER.exists():
        pytest.skip("redis-server is not installed (run `make redis-server`)")
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.kill()


async def test_redis_killed_under_a_running_bot_keeps_the_update_at_telegram_and_answers_it_after(
    standin: BotApiStandIn, real_engine: Engine, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """With the inbox in Redis too, an update that cannot be kept is not confirmed: it waits at Telegram
    and is answered once Redis is back, without the user sending it again."""
    chat = 802
    async with running_bot(standin, real_engine, open_store(redis_server.url, ttl_seconds=3600)):
        await standin.say(chat, "/check")
        await standin.tap(chat, "小米贷款")
        await standin.tap(chat, "不是学生")
        assert question_number(last_question(standin, chat)) == 2

        redis_server.kill()
        mark = len(standin.chat_events(chat))
        await standin.send_text(chat, "28")
        for _ in range(100):  # the stand-in sees nothing more to wake a wait_for: poll the log
            if "inbox storage unavailable" in caplog.text:
                break
            await asyncio.sleep(0.1)
        assert "updates not confirmed until it is back" in caplog.text
        assert len(standin.chat_events(chat)) == mark

        redis_server.start()  # same port, same append-only file
        after = await standin.answer_after(chat, mark, timeout=20)
        assert question_number(after[-1].text) == 3, standin.transcript(chat)
        await finish_self_check(standin, chat)
    assert_each_question_once_in_order(standin, chat)
    assert "Traceback" not in caplog.text


# --- a misbehaving Bot API server ----------------------------------------------------------------


class CountingEngine:
    """Echoes each message with the number of the turn, so a lost or repeated turn shows."""

    def handle(self, session: Session, turn: Turn) -> Reply:
        session.check.failures += 1
        return Reply().add(f"回声：{esc(turn.text)}（第{session.check.failures}轮）")


FAULTS = {
    "flood": Fault("", "flood", times=2, retry_after=1),
    "bad_gateway": Fault("", "server_error", times=2, status=502),
    "internal_error": Fault("", "server_error", times=2, status=500),
    "malformed": Fault("", "malformed", times=2),
    "slow_and_done": Fault("", "late"),  # answered past the read time-out, but it took effect
    "slow_and_lost": Fault("", "stall"),  # answered past the read time-out, and it did nothing
}

#: one second past each call's read time-out with the test settings (request 2 s; ``getUpdates`` adds
#: the 1 s long poll to a read time-out of poll + request)
PAST_TIME_OUT = {"getUpdates": 5.0, "sendMessage": 3.0}


def fresh(name: str, method: str) -> Fault:
    """A new copy of the fault ``name`` for ``method`` (faults count down as they are hit)."""
    template = FAULTS[name]
    delay = PAST_TIME_OUT[method] if template.kind in ("late", "stall") else 0.0
    return Fault(method, template.kind, template.times, template.retry_after, template.status, delay)


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_get_updates_faults_are_ridden_out_and_no_message_is_lost_or_answered_twice(
    standin: BotApiStandIn, sqlite_store: SqliteSessionStore, fault: str
) -> None:
    chat = 803
    async with running_bot(standin, CountingEngine(), sqlite_store):
        await standin.say(chat, "一")
        injected = fresh(fault, "getUpdates")
        standin.faults.append(injected)
        await standin.wait_for(lambda: injected.times == 0, timeout=10, what="the fault to be hit")
        await standin.send_text(chat, "二")  # sent while the bot is still recovering
        await standin.send_text(chat, "三")
        await standin.wait_for(lambda: len(standin.chat_events(chat)) >= 3, timeout=20, what="3 replies")
        await standin.quiet(chat, quiet_for=1.0)
    texts = [event.text for event in standin.chat_events(chat)]
    assert texts == ["回声：一（第1轮）", "回声：二（第2轮）", "回声：三（第3轮）"]


@pytest.mark.parametrize("fault", sorted(set(FAULTS) - {"slow_and_lost"}))
async def test_send_message_faults_are_retried_and_every_reply_arrives_exactly_once(
    standin: BotApiStandIn, sqlite_store: SqliteSessionStore, fault: str
) -> None:
    chat = 804
    async with running_bot(standin, CountingEngine(), sqlite_store):
        standin.chat(chat)
        standin.faults.append(fresh(fault, "sendMessage"))
        first = await standin.say(chat, "一", timeout=15)
        second = await standin.say(chat, "二", timeout=15)
        await standin.quiet(chat, quiet_for=1.0)
    assert [event.text for event in first] == ["回声：一（第1轮）"]
    assert [event.text for event in second] == ["回声：二（第2轮）"]
    assert len(standin.bot_messages(chat)) == 2


async def test_a_send_message_lost_on_the_way_is_not_repeated_and_the_log_says_so(
    standin: BotApiStandIn, sqlite_store: SqliteSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    """The one fault the bot cannot tell from a slow success: a ``sendMessage`` that times out after
    the request went out. It is taken as delivered (at most once), because Telegram nearly always has
    delivered it, and showing every slow answer twice would be worse; the log names the chat."""
    chat = 805
    async with running_bot(standin, CountingEngine(), sqlite_store):
        standin.chat(chat)
        standin.faults.append(fresh("slow_and_lost", "sendMessage"))
        await standin.send_text(chat, "一")
        await standin.wait_for(lambda: "timed out after sending" in caplog.text, timeout=10, what="log")
        second = await standin.say(chat, "二", timeout=15)
    assert [event.text for event in second] == ["回声：二（第2轮）"]  # the turn counted; the chat goes on
    assert [event.text for event in standin.chat_events(chat)] == ["回声：二（第2轮）"]
    assert f"sendMessage to chat {chat} timed out" in caplog.text


# --- a full or read-only database ----------------------------------------------------------------


async def test_a_full_disk_gets_a_log_line_and_a_polite_note_and_the_bot_recovers_once_freed(
    standin: BotApiStandIn, real_engine: Engine, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(sqlite_url, ttl_seconds=3600)
    assert isinstance(store, SqliteSessionStore)
    async with running_bot(standin, real_engine, store):
        # cap the file at its present size (what a full disk does to SQLite), then fill what is left
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StorageUnavailable, match="database or disk is full"):
            for n in range(10_000):
                await store.put(f"filler-{n}", Session())
        events = await standin.say(806, "/start")
        assert [event.text for event in events] == [STORAGE_NOTE]
        assert "session storage unavailable, turn not handled" in caplog.text
        assert "database or disk is full" in caplog.text

        store._db.execute("PRAGMA max_page_count = 1073741823")  # space freed
        events = await standin.say(806, "/start")
        assert "不是贷款机构" in events[0].text
    assert "Traceback" not in caplog.text


async def test_a_read_only_database_mid_flow_gets_a_polite_note_and_the_flow_resumes_after(
    standin: BotApiStandIn, real_engine: Engine, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(sqlite_url, ttl_seconds=3600)
    assert isinstance(store, SqliteSessionStore)
    chat = 807
    async with running_bot(standin, real_engine, store):
        await standin.say(chat, "/check")
        await standin.tap(chat, "小米贷款")
        await standin.tap(chat, "不是学生")
        # root ignores file modes, so read-only is made inside SQLite: every write now fails as on a
        # read-only file system
        store._db.execute("PRAGMA query_only = ON")
        events = await standin.say(chat, "28")
        assert [event.text for event in events] == [STORAGE_NOTE]
        assert "attempt to write a readonly database" in caplog.text

        store._db.execute("PRAGMA query_only = OFF")
        events = await standin.say(chat, "28")
        assert question_number(events[-1].text) == 3, standin.transcript(chat)
        await finish_self_check(standin, chat)
    assert_each_question_once_in_order(standin, chat)
    assert "Traceback" not in caplog.text
