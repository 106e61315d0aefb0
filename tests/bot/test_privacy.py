"""Privacy, checked on the real parts: what reaches the log, what reaches the disk, what /forget leaves.

The conversations run through the real bot (real engine, the Bot API stand-in) on a real SQLite file and
a real redis-server; the checks read the log records, the raw bytes of the SQLite file and its
write-ahead log, and every key and value in Redis.
"""

from __future__ import annotations

import asyncio
import io
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot import logging_setup
from bot.logging_setup import configure_logging
from bot.storage import SessionStore, open_store
from bot.storage.redis import RedisSessionStore
from bot.telegram.adapter import Engine
from flows.engine import Engine as FlowEngine
from flows.reply import Turn, plain_text
from flows.session import Session
from tests.bot.conftest import REDIS_SERVER, _wait_for_port, free_port, running_bot
from tests.bot.standin import TOKEN, BotApiStandIn

ID_NUMBER = "11010519491231002X"
MOBILE = "13812345678"
CARD = "6222021234567890123"
#: a word nobody else uses, typed into every flow
MARK = "紫罗兰鹦鹉"


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Put the root logger back as pytest had it after a test that calls ``configure_logging``."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "transitions")}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


# --- the log -------------------------------------------------------------------------------------


def test_id_phone_and_card_numbers_are_redacted_in_every_log_line(root_logging: None) -> None:
    out = io.StringIO()
    configure_logging("DEBUG", stream=out)
    log = logging.getLogger("some.library")
    log.info("user wrote %s and %s", f"身份证{ID_NUMBER}", f"电话 +86 138 1234 5678 or {MOBILE}")
    log.warning(f"card {CARD} and spaced 6222 0212 3456 7890 123; id lower-case x {ID_NUMBER.lower()}")
    try:
        raise ValueError(f"bad input {MOBILE}")
    except ValueError:
        log.exception("failed on %r", {"text": f"卡号{CARD}"})
    logging.getLogger("bot").debug("borrow 10000 yuan over 12 months at 18.25% on 2025-06-02")
    text = out.getvalue()
    for secret in (ID_NUMBER, ID_NUMBER.lower(), MOBILE, "138 1234 5678", CARD, "6222 0212 3456 7890 123"):
        assert secret not in text, f"{secret} reached the log:\n{text}"
    assert text.count("[已隐去]") >= 8
    assert "10000 yuan over 12 months at 18.25% on 2025-06-02" in text  # ordinary numbers stay


def test_httpx_never_logs_request_urls_which_hold_the_token(root_logging: None) -> None:
    out = io.StringIO()
    configure_logging("DEBUG", stream=out)
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot123:SECRET/getMe")
    assert "SECRET" not in out.getvalue()


async def test_at_debug_the_token_never_appears_and_names_are_replaced(
    standin: BotApiStandIn,
    real_engine: Engine,
    sqlite_store: SessionStore,
    root_logging: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # nothing hidden yet: the application hides its own token as it is built, before PTB logs it
    monkeypatch.setattr(logging_setup, "_secrets", [])
    out = io.StringIO()
    configure_logging("DEBUG", stream=out)
    chat = 9102
    standin.user(chat, first_name="蓝鲸先生")
    async with running_bot(standin, real_engine, sqlite_store):
        await standin.say(chat, f"{MARK}：我的手机{MOBILE}，微粒贷利息多少")
        try:  # an exception whose text holds the token: the traceback is cleaned too
            raise RuntimeError(f"failed to reach https://api.telegram.org/bot{TOKEN}/getMe")
        except RuntimeError:
            logging.getLogger("bot.test").exception("while calling the Bot API")
    text = out.getvalue()
    assert "Set Bot API URL" in text and "[secret]" in text  # the check is not blind: PTB said it
    assert TOKEN not in text and TOKEN.partition(":")[2] not in text
    assert "handling update" in text and MARK in text  # the update, with its text, at DEBUG…
    assert "蓝鲸先生" not in text  # …without the person's name
    assert MOBILE not in text  # and the text redacted as the unanswered log is


async def test_no_message_text_is_logged_at_info_or_above(
    standin: BotApiStandIn, real_engine: Engine, sqlite_store: SessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        async with running_bot(standin, real_engine, sqlite_store):
            await converse_everywhere(standin, 9101)
    assert any(MARK in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG), (
        "the check is blind: not even PTB's debug lines showed the text"
    )
    loud = [r for r in caplog.records if r.levelno >= logging.INFO and MARK in r.getMessage()]
    assert loud == [], [f"{r.name}: {r.getMessage()[:200]}" for r in loud]


# --- the stores ----------------------------------------------------------------------------------


async def converse_everywhere(standin: BotApiStandIn, chat: int) -> None:
    """Type the mark into the FAQ, the self-check (as answers) and the calculator."""
    await standin.say(chat, f"{MARK}的微粒贷利息是多少？")
    await standin.say(chat, f"小米贷款上征信吗{MARK}")
    await standin.say(chat, "/check")
    await standin.tap(chat, "小米")
    await standin.tap(chat, "不是学生")
    await standin.say(chat, f"我今年28岁，{MARK}")
    await standin.say(chat, f"{MARK}")  # an answer that makes no sense: asked again, not stored
    await standin.say(chat, f"/calc 借1万{MARK}分12期")


async def everything_stored(store_url: str) -> bytes:
    """Every byte the store keeps: the SQLite file and its WAL, or every Redis key and value."""
    if store_url.startswith("sqlite:///"):
        path = Path(store_url.removeprefix("sqlite:///"))
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    redis = Redis.from_url(store_url)
    try:
        dump = b""
        async for key in redis.scan_iter():
            value = await redis.get(key) if await redis.type(key) == b"string" else b""
            dump += key + b"=" + (value or b"") + b"\n"
        return dump
    finally:
        await redis.aclose()


async def test_the_stored_session_holds_none_of_the_typed_text(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore, store_url: str
) -> None:
    chat = 9202
    async with running_bot(standin, real_engine, store):
        await converse_everywhere(standin, chat)
        session = await store.get(str(chat))
        assert session is not None and session.flow == "calc"  # the conversation really happened
        stored = await everything_stored(store_url)
    assert str(chat).encode() in stored  # the check can see the session…
    assert MARK.encode() not in stored  # …and the typed words are not in it


async def test_forget_erases_every_trace_of_the_chat_in_the_store(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore, store_url: str
) -> None:
    chat, other = 93031, 93032
    async with running_bot(standin, real_engine, store):
        for who in (chat, other):
            await standin.say(who, "/check")
            await standin.tap(who, "小米")
            await standin.tap(who, "不是学生")
        assert str(chat).encode() in await everything_stored(store_url)
        events = await standin.say(chat, "/forget")
        assert "已删除" in events[0].text
        stored = await everything_stored(store_url)
        assert str(chat).encode() not in stored  # not the row, not an old page in the file or the WAL
        assert await store.get(str(chat)) is None
        assert await store.get(str(other)) is not None  # the other user keeps their progress


@pytest.fixture
def redis_persisting(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A redis-server of our own persisting as the README recommends (append-only file, every write
    synced); yields its URL and the folder of its files."""
    if not REDIS_SERVER.exists():
        pytest.skip("redis-server is not installed (run `make redis-server`)")
    folder = tmp_path / "redis"
    folder.mkdir()
    port = free_port()
    process = subprocess.Popen(
        [
            *(str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)),
            *("--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0", folder
    finally:
        process.kill()
        process.wait(timeout=5)


def redis_files(folder: Path) -> bytes:
    """Every byte of every file Redis keeps on disk (the append-only files, a snapshot if any)."""
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


async def test_forget_leaves_nothing_in_redis_append_only_file_once_it_is_rewritten(
    standin: BotApiStandIn, real_engine: Engine, redis_persisting: tuple[str, Path]
) -> None:
    url, folder = redis_persisting
    store = RedisSessionStore(url, ttl_seconds=3600, forget_rewrite_delay=0.2)
    chat, other = 93041, 93042
    async with running_bot(standin, real_engine, store):
        for who in (chat, other):
            await standin.say(who, "/check")
            await standin.tap(who, "小米")
            await standin.tap(who, "不是学生")
            await standin.say(who, "28")
        forgotten, kept = f"session:{chat}".encode(), f"session:{other}".encode()
        assert forgotten in redis_files(folder)  # the check can see the answers on disk
        events = await standin.say(chat, "/forget")
        assert "已删除" in events[0].text
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        while forgotten in redis_files(folder):
            assert loop.time() < deadline, "the forgotten session is still in Redis's files after 15 s"
            await asyncio.sleep(0.1)
        assert kept in redis_files(folder)  # the other user's session is on disk as before
        assert await store.get(str(other)) is not None


async def test_sessions_expire_after_the_configured_idle_time(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}", ttl_seconds=0.2)
    await store.put("1", Session())
    assert await store.get("1") is not None
    import asyncio

    await asyncio.sleep(0.3)
    assert await store.get("1") is None
    await store.close()


def test_the_default_idle_time_is_30_days() -> None:
    from bot.settings import Settings

    assert Settings(_env_file=None).session_ttl_days == 30


# --- /privacy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "said"), [(30, "连续 30 天没有新消息"), (7, "连续 7 天"), (0.5, "连续 12 小时")]
)
def test_privacy_says_what_is_kept_for_how_long_and_how_to_erase_it(
    real_engine: FlowEngine, days: float, said: str
) -> None:
    engine = FlowEngine(real_engine.kb, real_engine.matcher, session_ttl_days=days)
    text = plain_text(engine.handle(Session(), Turn.from_text("/privacy")).messages[0].text)
    assert said in text  # how long: the configured time to live
    for kept in ("资格自测", "答案", "主题", "界面语言"):  # what: step and answers, last topic, language
        assert kept in text
    assert "不保存您打的字" in text and "不写进记录" in text  # free text is not stored
    assert "/forget" in text and "删除" in text


def test_privacy_mentions_the_unanswered_log_only_when_one_is_kept(real_engine: FlowEngine) -> None:
    keeping = FlowEngine(
        real_engine.kb, real_engine.matcher, wants=real_engine.reader.wants, unanswered_log=_NoLog()
    )
    said = plain_text(keeping.handle(Session(), Turn.from_text("/privacy")).messages[0].text)
    assert "匿名记下" in said
    plain = plain_text(real_engine.handle(Session(), Turn.from_text("/privacy")).messages[0].text)
    assert "匿名" not in plain


class _NoLog:
    """An unanswered-question log that keeps nothing (only its presence changes /privacy)."""

    def record(self, question: str, *, band: str, confidence: float, best_guess: str | None) -> None:
        return None
