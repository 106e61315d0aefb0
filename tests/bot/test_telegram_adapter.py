"""Adapter mechanics through the real PTB Application and the stand-in, with a tiny scripted engine.

The engine here only echoes and follows a few scripted words, so each test looks at one mechanism:
HTML escaping, splitting, editing in place, callbacks, group rules, typing, retries, the error handler.
The stand-in is as strict as Telegram, so a mechanism that goes wrong shows up as a refused call.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest
from telegram.ext import Application

from bot.storage import SessionStore
from bot.telegram.adapter import MAX_QUESTION_CHARS
from bot.telegram.app import COMMANDS
from bot.telegram.split import split_html, visible_length
from flows.reply import Button, Reply, Turn, esc, plain_text
from flows.session import Session
from tests.bot.conftest import running_bot
from tests.bot.standin import BOT_USERNAME, TOKEN, BotApiStandIn, Fault, parse_html

MENU = [
    [Button(id="menu:a", label="菜单A"), Button(id="menu:b", label="菜单B")],
    [Button(id="multi", label="两条")],
]
PARAGRAPH = "<b>第{n}段</b> " + "借款前请看清合同里的年化利率和全部费用，" * 12 + "结束。"


class ScriptedEngine:
    """Echoes text; a few words and buttons trigger the behaviours under test."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []

    def handle(self, session: Session, turn: Turn) -> Reply:
        self.turns.append(turn)
        session.check.failures += 1  # a turn counter, to see that sessions are kept
        if turn.kind == "command" and turn.text == "forget":
            return Reply(forget=True).add("已删除。")
        if turn.kind == "command":
            return Reply().add(f"命令 {esc(turn.text)} {esc(turn.args)}".strip(), MENU)
        if turn.kind == "button":
            if turn.text == "multi":
                return Reply().add("第一条").add("第二条", MENU)
            return Reply().add(f"您选了 {esc(turn.text)}", MENU)
        text = turn.text
        if text == "slow":
            time.sleep(0.9)
        if text == "long":
            return Reply().add("\n\n".join(PARAGRAPH.format(n=n) for n in range(40)), MENU)
        if text == "broken":
            return Reply().add("<b>没闭合的标签 &amp; 3 < 5")
        if text == "boom":
            raise RuntimeError("engine failure for the test")
        return Reply().add(f"回声：{esc(text)}（第{session.check.failures}轮）", MENU)


@pytest.fixture
async def bot(
    standin: BotApiStandIn, sqlite_store: SessionStore
) -> AsyncIterator[tuple[Application, ScriptedEngine]]:
    """The real Application with the scripted engine; afterwards, no button may be left spinning."""
    engine = ScriptedEngine()
    async with running_bot(standin, engine, sqlite_store) as application:
        yield application, engine
    assert standin.unanswered_presses == []


async def test_the_command_menu_is_registered_with_chinese_descriptions(
    standin: BotApiStandIn, bot: object
) -> None:
    await standin.wait_for(lambda: bool(standin.commands), what="setMyCommands")
    assert [c["command"] for c in standin.commands] == list(COMMANDS)
    assert {"start", "help", "check", "faq", "calc", "compare", "cancel", "privacy", "forget"} <= set(
        COMMANDS
    )
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c["description"]) for c in standin.commands)


async def test_user_text_is_escaped_so_telegram_accepts_the_html(standin: BotApiStandIn, bot: object) -> None:
    events = await standin.say(1, "<script>alert(1)</script> & 3<5")
    assert [e.text for e in events] == ["回声：<script>alert(1)</script> & 3<5（第1轮）"]
    assert events[0].buttons == [("菜单A", "menu:a"), ("菜单B", "menu:b"), ("两条", "multi")]
    assert standin.calls_of("sendMessage")[-1]["parse_mode"] == "HTML"


async def test_a_reply_over_4096_characters_is_split_at_paragraphs_with_buttons_last(
    standin: BotApiStandIn, bot: object
) -> None:
    events = await standin.say(2, "long")
    assert len(events) >= 3
    assert all(len(e.text) <= 4096 for e in events)
    assert all(e.text.startswith("第") and e.text.endswith("结束。") for e in events)  # whole paragraphs
    assert [bool(e.buttons) for e in events] == [False] * (len(events) - 1) + [True]
    assert sum(e.text.count("结束。") for e in events) == 40


async def test_a_button_press_edits_the_menu_in_place_and_is_answered_once(
    standin: BotApiStandIn, bot: object
) -> None:
    await standin.say(3, "你好")
    events = await standin.tap(3, "菜单A")
    assert [(e.kind, e.text) for e in events] == [("edit", "您选了 menu:a")]
    assert len(standin.bot_messages(3)) == 1
    assert len(standin.calls_of("answerCallbackQuery")) == 1


async def test_pressing_the_menu_that_is_already_shown_is_not_an_error(
    standin: BotApiStandIn, bot: object
) -> None:
    await standin.say(4, "你好")
    await standin.tap(4, "菜单A")
    mark = len(standin.chat_events(4))
    await standin.click(4, "菜单A")  # same text, same keyboard: Telegram says "message is not modified"
    await standin.wait_for(lambda: len(standin.calls_of("answerCallbackQuery")) == 2, what="second answer")
    await standin.quiet(4)
    assert standin.chat_events(4)[mark:] == []
    assert any("not modified" in error.description for _, error in standin.errors)


async def test_a_button_answered_by_several_messages_sends_them_as_new_messages(
    standin: BotApiStandIn, bot: object
) -> None:
    await standin.say(5, "你好")
    events = await standin.tap(5, "两条")
    assert [(e.kind, e.text) for e in events] == [("send", "第一条"), ("send", "第二条")]


async def test_forged_callback_data_gets_a_friendly_note_and_never_reaches_the_engine(
    standin: BotApiStandIn, bot: tuple[Application, ScriptedEngine]
) -> None:
    _, engine = bot
    await standin.say(6, "你好")
    turns_before = len(engine.turns)
    menu = standin.bot_messages(6)[-1]
    await standin.press(6, menu.message_id, "check:answer:age:999")
    await standin.wait_for(lambda: bool(standin.calls_of("answerCallbackQuery")), what="callback answer")
    await standin.quiet(6)
    answer = standin.calls_of("answerCallbackQuery")[-1]
    assert "失效" in answer["text"]
    assert len(engine.turns) == turns_before
    assert standin.errors == []


async def test_after_forget_the_session_is_erased_and_old_buttons_are_stale(
    standin: BotApiStandIn, bot: tuple[Application, ScriptedEngine], sqlite_store: SessionStore
) -> None:
    await standin.say(7, "你好")
    assert await sqlite_store.get("7") is not None
    events = await standin.say(7, "/forget")
    assert [e.text for e in events] == ["已删除。"]
    assert await sqlite_store.get("7") is None
    await standin.click(7, "菜单B")
    await standin.wait_for(lambda: bool(standin.calls_of("answerCallbackQuery")), what="callback answer")
    assert "失效" in standin.calls_of("answerCallbackQuery")[-1]["text"]
    assert await sqlite_store.get("7") is None  # the stale press stored nothing
    events = await standin.say(7, "又来了")
    assert events[0].text.endswith("（第1轮）")  # a fresh start


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "document"])
async def test_non_text_messages_get_a_short_answer_asking_for_text(
    standin: BotApiStandIn, bot: object, kind: str
) -> None:
    mark = len(standin.chat_events(8))
    await standin.send_media(8, kind)
    events = await standin.answer_after(8, mark)
    assert len(events) == 1 and "文字" in events[0].text


async def test_an_edited_message_gets_a_note_instead_of_a_second_answer(
    standin: BotApiStandIn, bot: object
) -> None:
    await standin.say(9, "小米贷款利息")
    user_message = 1  # the user's first message in the chat
    mark = len(standin.chat_events(9))
    await standin.edit_text(9, user_message, "微粒贷利息")
    events = await standin.answer_after(9, mark)
    assert len(events) == 1 and "修改" in events[0].text


async def test_empty_and_huge_texts_get_a_helpful_answer(standin: BotApiStandIn, bot: object) -> None:
    empty = await standin.say(10, "   ")
    assert "空" in empty[0].text
    huge = await standin.say(10, "借" * (MAX_QUESTION_CHARS + 1))
    assert str(MAX_QUESTION_CHARS) in huge[0].text and "太长" in huge[0].text


async def test_in_groups_only_commands_mentions_and_replies_to_the_bot_are_answered(
    standin: BotApiStandIn, bot: object
) -> None:
    group = -100123
    standin.chat(group)
    # a bare command may be for any bot of the group: only /command@this_bot is taken
    for text in ["大家好", "/help@some_other_bot", "/help", "@someone_else 你好"]:
        await standin.send_text(group, text, from_id=501)
    await standin.send_media(group, "sticker")
    answered = await standin.say(group, "/start@" + BOT_USERNAME)
    assert [e.text for e in answered] == ["命令 start"]  # the earlier messages got nothing
    mentioned = await standin.say(group, f"@{BOT_USERNAME} 微粒贷")
    assert [e.text for e in mentioned] == ["回声：微粒贷（第2轮）"]
    bare_with_mention = await standin.say(group, f"/help @{BOT_USERNAME}")
    assert [e.text for e in bare_with_mention] == ["命令 help"]
    mark = len(standin.chat_events(group))
    bot_message = standin.bot_messages(group)[-1].message_id
    await standin.send_text(group, "那利息呢", from_id=502, reply_to=bot_message)
    replied = await standin.answer_after(group, mark)
    # another member replying to the bot is answered, in a conversation of their own
    assert [e.text for e in replied] == ["回声：那利息呢（第1轮）"]


async def test_messages_sent_on_behalf_of_a_chat_each_have_a_conversation_of_their_own(
    standin: BotApiStandIn, bot: object
) -> None:
    # an anonymous admin and two linked channels: Telegram's ``from`` is a placeholder bot shared by
    # all of them (and by every group), so the conversation is the sending chat's
    group, channel_a, channel_b = -100124, -100900, -100901
    standin.chat(group)

    async def say_as(text: str, *, member: int | None = None, sender_chat: int | None = None) -> list[str]:
        mark = len(standin.chat_events(group))
        await standin.send_text(group, f"@{BOT_USERNAME} {text}", from_id=member, sender_chat=sender_chat)
        return [event.text for event in await standin.answer_after(group, mark)]

    assert await say_as("一", member=501) == ["回声：一（第1轮）"]
    assert await say_as("二", sender_chat=group) == ["回声：二（第1轮）"]
    assert await say_as("三", sender_chat=channel_a) == ["回声：三（第1轮）"]
    assert await say_as("四", sender_chat=channel_b) == ["回声：四（第1轮）"]
    assert await say_as("五", sender_chat=channel_a) == ["回声：五（第2轮）"]
    assert await say_as("六", sender_chat=group) == ["回声：六（第2轮）"]
    assert await say_as("七", member=501) == ["回声：七（第2轮）"]
    # nobody can press for a chat: the member's press on the channel's buttons changes nothing
    offered = standin.bot_messages(group)[4]  # the answer to 「五」, quoting channel A's message
    mark = len(standin.chat_events(group))
    query = await standin.press(group, offered.message_id, "menu:a", from_id=501)
    await standin.wait_for(lambda: query not in standin.unanswered_presses, what="the press answered")
    await standin.quiet(group)
    assert standin.chat_events(group)[mark:] == []
    assert "给别人" in standin.calls_of("answerCallbackQuery")[-1]["text"]
    assert await say_as("八", sender_chat=channel_a) == ["回声：八（第3轮）"]


async def test_a_slow_answer_shows_a_typing_indicator_first(standin: BotApiStandIn, bot: object) -> None:
    await standin.say(11, "slow")
    methods = [name for name, params in standin.calls if params.get("chat_id") in ("11", 11)]
    assert methods.index("sendChatAction") < methods.index("sendMessage")
    assert standin.calls_of("sendChatAction")[0]["action"] == "typing"


async def test_a_quick_answer_shows_no_typing_indicator(standin: BotApiStandIn, bot: object) -> None:
    await standin.say(12, "快")
    assert standin.calls_of("sendChatAction") == []


async def test_flood_control_retry_after_is_honoured_and_the_reply_arrives_once(
    standin: BotApiStandIn, bot: object
) -> None:
    standin.chat(13)
    standin.faults.append(Fault("sendMessage", "flood", retry_after=1))
    started = time.monotonic()
    events = await standin.say(13, "你好")
    assert [e.text for e in events] == ["回声：你好（第1轮）"]
    assert time.monotonic() - started >= 1.0
    assert [error.code for _, error in standin.errors] == [429]


async def test_server_errors_are_retried_without_duplicate_replies(
    standin: BotApiStandIn, bot: object
) -> None:
    standin.faults.append(Fault("sendMessage", "server_error", times=2, status=502))
    events = await standin.say(14, "你好")
    assert [e.text for e in events] == ["回声：你好（第1轮）"]
    assert [error.code for _, error in standin.errors] == [502, 502]


async def test_a_bad_request_is_tried_once_not_repeated(standin: BotApiStandIn, bot: object) -> None:
    # PTB's BadRequest is a NetworkError; the same request would get the same 400 again, so it is not
    # repeated: the reply is lost, the user is told, and the stand-in saw exactly one refused sendMessage
    standin.faults.append(Fault("sendMessage", "bad_request", description="Bad Request: chat not found"))
    events = await standin.say(18, "你好")
    assert [e.text for e in events if "回声" in e.text] == []  # a retry would have got it through
    assert len(events) == 1 and "出了点问题" in events[0].text
    assert [(method, error.code) for method, error in standin.errors] == [("sendMessage", 400)]


async def test_a_reply_whose_confirmation_times_out_is_not_sent_twice(
    standin: BotApiStandIn, bot: object
) -> None:
    standin.faults.append(Fault("sendMessage", "late", delay=3.0))  # longer than the 2 s request time-out
    events = await standin.say(15, "你好")
    assert [e.text for e in events] == ["回声：你好（第1轮）"]
    later = await standin.say(15, "还在吗")  # and the chat carries on normally
    assert [e.text for e in later] == ["回声：还在吗（第2轮）"]
    assert len(standin.bot_messages(15)) == 2


async def test_html_the_engine_got_wrong_is_sent_as_plain_text_rather_than_lost(
    standin: BotApiStandIn, bot: object
) -> None:
    events = await standin.say(16, "broken")
    assert [e.text for e in events] == ["没闭合的标签 & 3 < 5"]


async def test_an_engine_failure_is_logged_and_the_user_is_told(
    standin: BotApiStandIn, bot: object, caplog: pytest.LogCaptureFixture
) -> None:
    events = await standin.say(17, "boom")
    assert len(events) == 1 and "出了点问题" in events[0].text
    assert "engine failure for the test" in caplog.text


async def test_several_chats_at_once_each_get_every_reply_in_order(
    standin: BotApiStandIn, bot: object
) -> None:
    chats = [201, 202, 203, 204, 205]
    for n in range(1, 6):
        for chat in chats:
            await standin.send_text(chat, f"消息{n}")
    for chat in chats:
        await standin.wait_for(lambda: len(standin.chat_events(chat)) >= 5, what=f"5 replies in {chat}")  # noqa: B023
        assert [e.text for e in standin.chat_events(chat)] == [
            f"回声：消息{n}（第{n}轮）" for n in range(1, 6)
        ]


# --- the splitter and the stand-in on their own --------------------------------------------------


def test_split_parts_fit_the_limit_are_valid_html_and_lose_no_text() -> None:
    source = (
        "<pre>"
        + "".join(f"第{n}行 &lt;代码&gt; 😀\n" for n in range(900))
        + "</pre>\n\n<b>"
        + "字" * 5000
        + "</b>"
    )
    parts = split_html(source)
    assert len(parts) > 2
    for part in parts:
        assert visible_length(part) <= 4096
        parse_html(part)  # raises where Telegram would refuse the part
    assert "".join(plain_text(p) for p in parts).replace("\n", "") == plain_text(source).replace("\n", "")


async def test_the_standin_refuses_what_telegram_refuses(standin: BotApiStandIn) -> None:
    standin.chat(30)
    async with Bot(TOKEN, base_url=standin.base_url) as tg:
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await tg.send_message(30, "长" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
            await tg.send_message(30, "<b>粗体</i>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
            await tg.send_message(30, "AT&T", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("按钮", callback_data="数" * 22)]])
            await tg.send_message(30, "选", reply_markup=markup)
        sent = await tg.send_message(30, "好")
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await tg.edit_message_text("好", chat_id=30, message_id=sent.message_id)
        query_id = await standin.press(30, sent.message_id, "x")
        assert await tg.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await tg.answer_callback_query(query_id)


async def test_the_standin_takes_json_bodies_and_answers_in_telegrams_envelope(
    standin: BotApiStandIn,
) -> None:
    standin.chat(31)
    url = f"{standin.base_url}{TOKEN}"
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{url}/sendMessage", json={"chat_id": 31, "text": "<b>好</b>", "parse_mode": "HTML"}
        ) as ok:
            body = await ok.json()
        assert ok.status == 200 and body["ok"] is True and body["result"]["text"] == "好"
        async with http.post(f"{url}/sendMessage", json={"chat_id": 31, "text": ""}) as refused:
            error = await refused.json()
        assert refused.status == 400
        assert error == {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
        async with http.post(f"{url}/noSuchMethod", json={}) as missing:
            assert missing.status == 404
        async with http.post(f"{standin.base_url}1:forged/getMe") as forged:
            assert forged.status == 401
