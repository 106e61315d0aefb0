"""Bad input through the whole Telegram path: hypothesis plays hostile users against the real bot.

The real PTB Application with the real engine and a real SQLite store long-polls the Bot API stand-in,
which refuses what Telegram refuses (malformed HTML, texts over 4096 characters, empty texts, bad button
data, a second answer to a callback query). Each example is a fresh user who sends a few hostile
messages (see :mod:`tests.flows.hostile_input`), presses buttons with forged callback data, presses the
buttons the bot really offered, sends a sticker or edits a message. Afterwards: the stand-in refused
nothing, nothing was logged as an error, every button press was answered, nothing typed came back as
markup, and the chat's stored session is readable and holds none of the typed text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from telegram.ext import Application

from bot.storage import SessionStore
from bot.telegram.adapter import Engine
from tests.bot.conftest import running_bot
from tests.bot.standin import BotApiStandIn
from tests.flows.hostile_input import CANARY, callback_data, errors_logged, hostile_text, unescaped_echoes

_chat_ids = itertools.count(5_000_001)
_MENTION = re.compile(r"@\w{5,32}")


@st.composite
def actions(draw: st.DrawFn) -> tuple[str, str]:
    """One thing a user does: (kind, payload)."""
    kind = draw(st.sampled_from(["text", "text", "text", "command", "forged", "offered", "media", "edit"]))
    if kind == "text":
        text = draw(hostile_text())
        # Telegram never delivers an empty message; the stand-in's entity offsets need encodable text
        assume(text and not (_MENTION.search(text) and _has_surrogate(text)))
        return kind, text
    if kind == "command":
        name = draw(st.sampled_from(["start", "check", "faq", "calc", "compare", "lang", "privacy", "help"]))
        args = draw(hostile_text())
        assume(not _has_surrogate(args))
        return "text", f"/{name} {args}"
    if kind == "forged":
        return kind, draw(callback_data().filter(lambda d: 0 < len(d.encode("utf-8", "replace")) <= 64))
    if kind == "offered":
        return kind, str(draw(st.integers(0, 30)))  # which of the offered buttons, modulo their number
    return kind, draw(st.sampled_from(["sticker", "photo", "voice", "document"])) if kind == "media" else ""


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


@pytest.fixture
async def live_bot(
    standin: BotApiStandIn, real_engine: Engine, sqlite_store: SessionStore
) -> AsyncIterator[Application]:
    async with running_bot(standin, real_engine, sqlite_store) as application:
        yield application


async def _settle(standin: BotApiStandIn, chat: int, mark: int, query_id: str | None) -> None:
    """Wait until the bot has reacted to the last action and gone quiet."""
    if query_id is not None:
        await standin.wait_for(lambda: query_id not in standin.unanswered_presses, 8, "the callback answer")
    else:
        await standin.wait_for(lambda: len(standin.chat_events(chat)) > mark, 8, f"a reply in chat {chat}")
    await standin.quiet(chat, quiet_for=0.08)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@given(steps=st.lists(actions(), min_size=1, max_size=4))
async def test_hostile_users_never_break_the_bot(
    standin: BotApiStandIn, live_bot: Application, sqlite_store: SessionStore, steps: list[tuple[str, str]]
) -> None:
    chat = next(_chat_ids)
    calls_before = len(standin.calls)
    typed: list[str] = []
    with errors_logged() as errors:
        for kind, payload in steps:
            mark = len(standin.chat_events(chat))
            query_id = None
            if kind == "text":
                typed.append(payload)
                await standin.send_text(chat, payload)
            elif kind == "media":
                await standin.send_media(chat, payload)
            elif kind == "edit":
                if not standin.chat_events(chat):
                    continue
                sent = await standin.send_text(chat, "微粒贷<b>ZQX1</b>利息")
                await _settle(standin, chat, mark, None)
                mark = len(standin.chat_events(chat))
                typed.append("改成<b>ZQX2</b>")
                await standin.edit_text(chat, sent["message"]["message_id"], "改成<b>ZQX2</b>")
            else:
                keyboards = [m for m in standin.bot_messages(chat) if m.buttons]
                if not keyboards:
                    continue
                message = keyboards[-1]
                if kind == "forged":
                    data = payload
                else:
                    data = message.buttons[int(payload) % len(message.buttons)][1]
                query_id = await standin.press(chat, message.message_id, data)
            await _settle(standin, chat, mark, query_id)
        await standin.quiet(chat, quiet_for=0.15)

    refused = [(method, error.description) for method, error in standin.errors]
    assert refused == [], f"the Bot API refused: {refused}\n{standin.transcript(chat)}"
    assert not errors.records, [r.getMessage() for r in errors.records]
    assert standin.unanswered_presses == []
    for method, params in standin.calls[calls_before:]:
        html = str(params.get("text", ""))
        for text in typed:
            assert not unescaped_echoes(text, html), f"{method} echoed typed markup: {html[:300]!r}"
    loaded = await sqlite_store.load(str(chat))
    assert not loaded.unreadable
    if loaded.session is not None:
        assert CANARY not in loaded.session.dumps(), "typed text was stored in the session"
