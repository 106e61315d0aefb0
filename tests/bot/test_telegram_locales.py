"""On Telegram, a new chat starts in the user's language, keeping the script; ``/lang`` then decides.

Real engine, real Application and SQLite store, the Bot API stand-in: the users differ only in the
``language_code`` Telegram reports for them.
"""

from __future__ import annotations

import pytest

from bot.storage import SessionStore, open_store
from bot.telegram.adapter import Engine
from tests.bot.conftest import running_bot
from tests.bot.standin import BotApiStandIn


@pytest.fixture
def store(sqlite_url: str) -> SessionStore:
    return open_store(sqlite_url, ttl_seconds=3600)


async def test_a_new_chat_starts_in_the_users_telegram_language(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore, sqlite_url: str
) -> None:
    standin.user(801, language_code="zh-hans")
    standin.user(802, language_code="zh-hant")
    standin.user(803, language_code="zh-hk")
    standin.user(804, language_code="en")
    async with running_bot(standin, real_engine, store):
        simplified = await standin.say(801, "/start")
        traditional = await standin.say(802, "/start")
        hong_kong = await standin.say(803, "/start")
        english = await standin.say(804, "/start")
        assert "我不是贷款机构" in simplified[0].text
        assert "我不是貸款機構" in traditional[0].text
        first_label, _data = traditional[0].buttons[0]
        assert "資格自測" in first_label
        assert "我不是貸款機構" in hong_kong[0].text
        assert "I am not a lender" in english[0].text
        assert standin.errors == [], standin.errors
    probe = open_store(sqlite_url, ttl_seconds=3600)
    locales = [(await probe.get(str(chat))) for chat in (801, 802, 803, 804)]
    assert [s.locale if s else None for s in locales] == ["zh_CN", "zh_TW", "zh_HK", "en"]
    await probe.close()


async def test_the_chosen_language_wins_over_telegrams(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    standin.user(805, language_code="en")
    async with running_bot(standin, real_engine, store):
        await standin.say(805, "/lang")
        switched = await standin.tap(805, "繁體中文（臺灣）")
        assert "界面語言已切換" in switched[0].text
        again = await standin.say(805, "/start")
        assert "我不是貸款機構" in again[0].text  # the session's choice, not the English client


async def test_the_adapters_own_notes_follow_the_language(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    standin.user(806, language_code="zh-tw")
    standin.user(807, language_code="en")
    async with running_bot(standin, real_engine, store):
        mark = len(standin.chat_events(806))
        await standin.send_media(806, "sticker")
        traditional = await standin.answer_after(806, mark)
        assert "我只能讀懂文字消息" in traditional[0].text
        mark = len(standin.chat_events(807))
        await standin.send_media(807, "sticker")
        english = await standin.answer_after(807, mark)
        assert "I can only read text messages" in english[0].text
