"""A corrupt or old-schema session record is replaced, with an apology, once — never a crash loop.

Real bot, real engine, real stores (a SQLite file and a redis-server of our own); the record is damaged
behind the bot's back, as a disk fault, a hand edit or an older version of the advisor would leave it.
"""

from __future__ import annotations

import logging
import sqlite3

import pytest
from redis.asyncio import Redis

from bot.storage import SessionStore
from bot.telegram.adapter import Engine
from tests.bot.conftest import running_bot
from tests.bot.standin import BotApiStandIn

APOLOGY = "抱歉，之前的对话记录无法读取，已重新开始。"
#: what the damaged records hold; none of it may reach the log
SECRET = "SECRET-RECORD-CONTENT-4711"
DAMAGED = {
    "corrupt": '{"flow": "check", "state": ' + f'"{SECRET}", broken',
    "old_schema": '{"schema_version": 0, "flow": "' + SECRET + '", "state": "home"}',
    "not_utf8": b"\xff\xfe" + SECRET.encode(),
    "wrong_shape": '["' + SECRET + '"]',
}


async def damage(store_url: str, chat: int, record: str | bytes) -> None:
    """Overwrite the chat's stored record behind the bot's back."""
    if store_url.startswith("sqlite:///"):
        raw = record.decode("latin-1") if isinstance(record, bytes) else record
        with sqlite3.connect(store_url.removeprefix("sqlite:///")) as db:
            changed = db.execute("UPDATE sessions SET data = ? WHERE chat_key = ?", (raw, str(chat))).rowcount
        assert changed == 1
    else:
        redis = Redis.from_url(store_url)
        assert await redis.set(f"loan-advisor:session:{chat}", record, xx=True)
        await redis.aclose()


@pytest.mark.parametrize("kind", sorted(DAMAGED))
async def test_an_unreadable_session_is_replaced_with_an_apology_once(
    standin: BotApiStandIn,
    real_engine: Engine,
    store: SessionStore,
    store_url: str,
    kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    chat = 801
    async with running_bot(standin, real_engine, store):
        await standin.say(chat, "/check")
        await damage(store_url, chat, DAMAGED[kind])

        with caplog.at_level(logging.DEBUG):
            events = await standin.say(chat, "微粒贷的利息是多少？")
        assert events[0].text == APOLOGY, standin.transcript(chat)
        assert len(events) >= 2 and events[-1].buttons  # and the question is still answered
        warnings = [r for r in caplog.records if "unreadable session record" in r.getMessage()]
        assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
        assert SECRET not in caplog.text  # the record's content is never logged

        # the fresh session was stored: the next message is an ordinary turn, no second apology
        again = await standin.say(chat, "/start")
        assert APOLOGY not in [e.text for e in again]
        loaded = await store.load(str(chat))
        assert loaded.session is not None and not loaded.unreadable


async def test_a_button_on_an_unreadable_session_apologises_and_shows_the_menu(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore, store_url: str
) -> None:
    chat = 802
    async with running_bot(standin, real_engine, store):
        await standin.say(chat, "/check")
        await damage(store_url, chat, DAMAGED["old_schema"])
        events = await standin.tap(chat, "小米")
        texts = [e.text for e in events]
        assert texts[0] == APOLOGY, standin.transcript(chat)
        assert any(e.buttons for e in events[1:])  # the main menu, to start again from
        assert standin.unanswered_presses == []
        assert (await store.load(str(chat))).session is not None
