"""Refusals of the Bot API that the same request would meet again: tried once, never again later.

A 403 (the user blocked the bot, the bot was removed from the group), a 404, a 409 and a 400 are
Telegram's final word on a request. The reply that met one is dropped, so the chat's next update gets
its own answer only, instead of the dead reply being tried again at every later message; a group that
became a supergroup gets its reply at its new id. The real Application talks to the stand-in, which
answers each refusal in Telegram's envelope; the engine is the adapter tests' scripted echo.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application

from bot.storage import SessionStore
from bot.telegram.app import intake_of
from tests.bot.conftest import running_bot
from tests.bot.standin import BOT_USERNAME, BotApiStandIn, Fault
from tests.bot.test_telegram_adapter import ScriptedEngine

NOTE_ERROR = "出了点问题"


@pytest.fixture
async def bot(standin: BotApiStandIn, sqlite_store: SessionStore) -> AsyncIterator[Application]:
    """The real Application with the scripted engine."""
    async with running_bot(standin, ScriptedEngine(), sqlite_store) as application:
        yield application


def refusals(standin: BotApiStandIn) -> list[tuple[str, int]]:
    return [(method, error.code) for method, error in standin.errors]


async def all_handled(standin: BotApiStandIn, application: Application) -> None:
    """Wait until the bot has no update in hand (the inbox is empty of this test's updates)."""
    dispatcher = intake_of(application).dispatcher
    await standin.wait_for(lambda: dispatcher.in_hand == 0, timeout=10, what="the inbox to empty")


@pytest.mark.parametrize(
    ("status", "description"),
    [
        (403, "Forbidden: bot was blocked by the user"),
        (404, "Not Found"),
        (409, "Conflict: terminated by other getUpdates request"),
        (400, "Bad Request: chat not found"),
    ],
)
async def test_a_refused_reply_is_tried_once_and_not_again_at_the_next_message(
    standin: BotApiStandIn, bot: Application, status: int, description: str
) -> None:
    chat = 3000 + status
    standin.faults.append(Fault("sendMessage", "refuse", status=status, description=description))
    await standin.send_text(chat, "你好")
    await standin.wait_for(lambda: bool(standin.errors), what="the refusal")
    await all_handled(standin, bot)
    await standin.quiet(chat)
    # told, unless they blocked the bot (then there is nobody to tell)
    told = [event.text for event in standin.chat_events(chat)]
    assert told == ([] if status == 403 else [told[0]]) and all(NOTE_ERROR in text for text in told)
    later = await standin.say(chat, "还在吗")
    # only its own answer: the refused reply is not tried again in front of it
    assert [event.text for event in later] == ["回声：还在吗（第2轮）"]
    assert refusals(standin) == [("sendMessage", status)]  # tried once


async def test_a_blocked_users_queued_messages_are_each_tried_once_and_the_chat_goes_on(
    standin: BotApiStandIn, bot: Application
) -> None:
    chat, other = 3100, 3101
    standin.chat(chat)
    standin.blocked.add(chat)
    for n in range(1, 6):
        await standin.send_text(chat, f"消息{n}")
    answered = await standin.say(other, "你好")  # another chat is not held up meanwhile
    assert [event.text for event in answered] == ["回声：你好（第1轮）"]
    await all_handled(standin, bot)
    assert standin.chat_events(chat) == []
    assert refusals(standin) == [("sendMessage", 403)] * 5  # one try each, no retry
    standin.blocked.discard(chat)  # unblocked: the chat carries on with its own answers only
    later = await standin.say(chat, "消息6")
    assert [event.text for event in later] == ["回声：消息6（第6轮）"]


async def test_a_group_that_became_a_supergroup_gets_its_reply_at_the_new_id_once(
    standin: BotApiStandIn, bot: Application
) -> None:
    group, supergroup = -4001, -1004001
    standin.chat(supergroup)
    standin.faults.append(
        Fault(
            "sendMessage",
            "refuse",
            status=400,
            description="Bad Request: group chat was upgraded to a supergroup chat",
            parameters={"migrate_to_chat_id": supergroup},
        )
    )
    await standin.send_text(group, f"@{BOT_USERNAME} 你好", from_id=41)
    await standin.wait_for(lambda: bool(standin.chat_events(supergroup)), what="the reply in the supergroup")
    await all_handled(standin, bot)
    await standin.quiet(supergroup)
    assert [event.text for event in standin.chat_events(supergroup)] == ["回声：你好（第1轮）"]
    assert standin.chat_events(group) == []
    assert refusals(standin) == [("sendMessage", 400)]
