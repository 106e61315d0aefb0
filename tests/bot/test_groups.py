"""In a group, each member has a conversation of their own with the bot.

Real engine, real Application and SQLite store, the Bot API stand-in playing a supergroup with two
members, A and B. A runs the eligibility self-check; B talks to the bot in the same group meanwhile:
B's answer is B's, B's press on A's button gets a note and changes nothing, and B's ``/lang`` and
``/forget`` are B's alone. Commands for other bots, and bare commands, are left to those bots.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.storage import SessionStore, open_store
from bot.telegram.adapter import Engine
from flows.session import Session
from tests.bot.conftest import running_bot
from tests.bot.standin import BOT_USERNAME, BotApiStandIn, BotMessage, Event
from tests.bot.test_telegram_e2e import question_number
from tests.bot.users import ANSWERS

GROUP = -100777
A, B = 701, 702
AT = f"@{BOT_USERNAME}"


@pytest.fixture
def store(sqlite_url: str) -> SessionStore:
    return open_store(sqlite_url, ttl_seconds=3600)


async def say_as(
    standin: BotApiStandIn, member: int, text: str, *, reply_to: int | None = None
) -> list[Event]:
    """``member`` writes ``text`` in the group; what the bot did in answer."""
    mark = len(standin.chat_events(GROUP))
    await standin.send_text(GROUP, text, from_id=member, reply_to=reply_to)
    return await standin.answer_after(GROUP, mark, timeout=15)


async def press_as(standin: BotApiStandIn, member: int, message: BotMessage, label: str) -> str:
    """``member`` presses the button labelled ``label`` on ``message``; returns the query id."""
    data = next(data for text, data in message.buttons if label in text)
    return await standin.press(GROUP, message.message_id, data, from_id=member)


async def tap_as(standin: BotApiStandIn, member: int, message: BotMessage, label: str) -> list[Event]:
    mark = len(standin.chat_events(GROUP))
    await press_as(standin, member, message, label)
    return await standin.answer_after(GROUP, mark, timeout=15)


def question_of(events: list[Event]) -> BotMessage:
    """The message of the self-check question among ``events``."""
    return next(e.message for e in reversed(events) if question_number(e.text) is not None)


async def answer_as(standin: BotApiStandIn, member: int, question: BotMessage) -> list[Event]:
    """``member`` answers ``question`` as :data:`ANSWERS` says: a button, or text replying to it."""
    for topic, (how, value) in ANSWERS.items():
        if topic in question.text:
            if how == "tap":
                return await tap_as(standin, member, question, value)
            return await say_as(standin, member, value, reply_to=question.message_id)
    raise AssertionError(f"the test has no answer for: {question.text}")


async def session_of(sqlite_url: str, member: int) -> Session | None:
    probe = open_store(sqlite_url, ttl_seconds=3600)
    try:
        return await probe.get(f"{GROUP}:{member}")
    finally:
        await probe.close()


async def private_session_of(sqlite_url: str, person: int) -> Session | None:
    probe = open_store(sqlite_url, ttl_seconds=3600)
    try:
        return await probe.get(str(person))
    finally:
        await probe.close()


def callback_note(standin: BotApiStandIn, query_id: str) -> Any:
    return next(
        c.get("text") for c in standin.calls_of("answerCallbackQuery") if c["callback_query_id"] == query_id
    )


async def test_two_members_in_one_group_each_keep_their_own_conversation(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore, sqlite_url: str
) -> None:
    standin.chat(GROUP)
    standin.user(A, first_name="阿明")
    standin.user(B, first_name="小白")
    async with running_bot(standin, real_engine, store):
        start = await say_as(standin, A, f"/check@{BOT_USERNAME}")
        products = start[-1].message
        assert products.reply_to is not None  # the reply quotes A's message: it is A's
        first = question_of(await tap_as(standin, A, products, "小米贷款"))
        assert question_number(first.text) == 1
        question = question_of(await answer_as(standin, A, first))
        assert question_number(question.text) == 2
        a_before = await session_of(sqlite_url, A)
        assert a_before is not None and a_before.flow == "check"

        # B's 「没有」 is B's own message to the bot, not A's answer
        said = await say_as(standin, B, f"{AT} 没有")
        assert said and all(question_number(e.text) is None for e in said), standin.transcript(GROUP)
        a_after = await session_of(sqlite_url, A)
        assert a_after is not None and a_after.check == a_before.check and a_after.state == a_before.state

        # B presses a button of A's question: a note for B alone, nothing in the group, A's check as it was
        button_message = question if question.buttons else products
        mark = len(standin.chat_events(GROUP))
        query = await press_as(standin, B, button_message, button_message.buttons[0][0])
        await standin.wait_for(lambda: query not in standin.unanswered_presses, what="the note to B")
        assert "别人" in callback_note(standin, query)
        await standin.quiet(GROUP)
        assert len(standin.chat_events(GROUP)) == mark
        a_after = await session_of(sqlite_url, A)
        assert a_after is not None and a_after.check == a_before.check

        # B switches to English and then forgets everything (their private chat too): A's check goes on,
        # in Chinese
        await standin.say(B, "/start")  # B's private chat with the bot
        english = await say_as(standin, B, f"/lang@{BOT_USERNAME} en")
        assert "English" in english[0].text or "language" in english[0].text.lower(), english[0].text
        b_session = await session_of(sqlite_url, B)
        assert b_session is not None and b_session.locale == "en"
        forgotten = await say_as(standin, B, f"/forget@{BOT_USERNAME}")
        assert forgotten
        assert await session_of(sqlite_url, B) is None
        assert await private_session_of(sqlite_url, B) is None
        a_after = await session_of(sqlite_url, A)
        assert a_after is not None and a_after.locale == "zh_CN" and a_after.check == a_before.check

        following = question_of(await answer_as(standin, A, question))
        assert question_number(following.text) == 3
        assert "第3题" in following.text  # still Chinese
        assert standin.errors == [], standin.errors
        assert standin.unanswered_presses == []

        # /forget in A's private chat erases A's conversation in the group as well
        await standin.say(A, "/forget")
        assert await session_of(sqlite_url, A) is None


async def test_commands_for_other_bots_and_bare_commands_are_left_to_them(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    standin.chat(GROUP)
    async with running_bot(standin, real_engine, store):
        for text in ["/start@some_other_bot", "/start", "/forget", "/check@some_other_bot 小米贷款"]:
            await standin.send_text(GROUP, text, from_id=A)
        answered = await say_as(standin, A, f"/help@{BOT_USERNAME}")
        # only the last message got a reply: the others were for other bots (or any bot)
        assert len(standin.chat_events(GROUP)) == len(answered)
        assert standin.bot_messages(GROUP)[0].reply_to is not None
