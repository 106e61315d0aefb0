"""Conversation, not a menu, through Telegram: the real Application and engine against the Bot API stand-in.

What a person types in a chat app, end to end: the self-check started in words, a whole situation in one
message, a question in the middle of a calculation, and despair — each met as a person would meet it.
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


def said(events: list) -> str:  # type: ignore[type-arg]
    return "\n".join(e.text for e in events)


async def test_the_self_check_starts_from_words(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, real_engine, store):
        reply = said(await standin.say(1, "帮我看看能不能申请微粒贷"))
        assert "微粒贷" in reply and "第1题" in reply
        assert "暂时答不了" not in reply and "您是不是想问" not in reply
        assert standin.errors == [], standin.errors


async def test_a_whole_situation_in_one_message_gets_the_verdict_without_asking_again(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    situation = "我27，在成都做销售，一个月六千五，信用卡从没逾期，有台红米，有大陆身份证，小米贷款能批吗"
    async with running_bot(standin, real_engine, store):
        reply = said(await standin.say(2, situation))
        assert "27岁" in reply and "月入6500元" in reply  # what it understood, said back
        for asked_before in ("您今年多大", "每月大概收入", "在用小米", "征信（信用记录）情况"):
            assert asked_before not in reply
        for _ in range(4):  # the requirements the message left out are asked, and nothing else
            if "题：" not in reply:
                break
            for asked_before in ("您今年多大", "每月大概收入", "在用小米", "征信（信用记录）情况"):
                assert asked_before not in reply
            reply = said(await standin.say(2, "有"))
        assert "小米贷款" in reply and "来源" in reply and "不是贷款机构的审批结论" in reply


async def test_a_question_inside_the_calculator_is_answered_and_the_calculation_kept(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, real_engine, store):
        await standin.say(3, "/calc")
        asked = said(await standin.say(3, "借1万"))
        assert "借多久" in asked
        aside = said(await standin.say(3, "微粒贷上征信吗"))
        assert "征信" in aside and "来源" in aside  # the question is answered …
        assert "借多久" in aside  # … and the calculator's own question comes back
        result = said(await standin.say(3, "12"))  # a bare number answers that question
        assert "12期" in result and "利率" in result


async def test_despair_is_met_before_anything_else(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, real_engine, store):
        await standin.say(4, "/calc")
        await standin.say(4, "借2万")
        reply = said(await standin.say(4, "真的撑不下去了"))
        assert "12356" in reply and "110" in reply
        assert "借多久" not in reply and "暂时答不了" not in reply
        assert standin.errors == [], standin.errors
