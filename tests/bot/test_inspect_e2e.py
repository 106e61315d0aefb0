"""End to end through Telegram's stand-in: a forwarded message and a screenshot are checked and answered.

The real PTB Application long-polls the stand-in over HTTP; the photo is downloaded with getFile and the
file URL, read by the real OCR and checked by the real engine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.storage import SessionStore, open_store
from bot.telegram.adapter import Engine
from flows.engine import Engine as DialogueEngine
from tests.bot.conftest import running_bot
from tests.bot.screens import font_available, render, screenshot
from tests.bot.standin import BotApiStandIn

SCAM = (
    "【微粒贷】尊敬的用户，您申请的借款因银行卡号填写错误已被系统冻结，请添加客服微信 wld-kf08xx 办理，"
    "需先缴纳解冻金3000元，30分钟内未处理将影响个人征信。联系人身份证110101199003071234。"
)
OFFER = "【安心借】您的借款10000元已审批通过，分12期每期还1050元，放款前需缴纳500元保证金，缴纳后即可放款。"


@pytest.fixture
def inspecting(real_engine: Engine) -> Engine:
    assert isinstance(real_engine, DialogueEngine)
    return real_engine


@pytest.fixture
def store(sqlite_url: str) -> SessionStore:
    return open_store(sqlite_url, ttl_seconds=3600)


async def _answer(standin: BotApiStandIn, chat: int, mark: int, timeout: float = 30.0) -> str:
    events = await standin.answer_after(chat, mark, timeout)
    return "\n".join(event.text for event in events)


async def test_a_forwarded_message_is_checked_not_answered_as_a_question(
    standin: BotApiStandIn, inspecting: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, inspecting, store):
        mark = len(standin.chat_events(41))
        await standin.send_forward(41, SCAM)
        text = await _answer(standin, 41, mark)
        assert text.startswith("⚠️ 发现 4 个诈骗常见迹象")
        assert "解冻金」" in text and "来源：" in text
        assert "110101199003071234" not in text
        question = await standin.say(41, "微粒贷逾期了会怎样？")  # a typed question is still a question
        assert "诈骗常见迹象" not in question[0].text and "逾期" in question[0].text
        assert standin.errors == [], standin.errors


async def test_a_long_pasted_message_is_checked_too(
    standin: BotApiStandIn, inspecting: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, inspecting, store):
        events = await standin.say(42, OFFER)
        text = "\n".join(event.text for event in events)
        assert "「保证金」" in text and "55.64%" in text and "超过36%" in text


@pytest.mark.skipif(not font_available(), reason="the CJK font is missing: run `make cjk-font`")
async def test_a_screenshot_is_read_and_checked(
    standin: BotApiStandIn, inspecting: Engine, store: SessionStore, tmp_path: Path
) -> None:
    image = render(OFFER, "photo", seed=7)
    async with running_bot(standin, inspecting, store):
        mark = len(standin.chat_events(43))
        await standin.send_photo(
            43, screenshot(OFFER, "photo", seed=7), width=image.width, height=image.height
        )
        text = await _answer(standin, 43, mark)
        assert standin.downloads == ["photo-1"]
        assert text.startswith("📷 图片里读到的文字")  # what was read, so a misreading can be seen
        assert "「保证金」" in text and re.search(r"55\.6\d%", text)
        assert standin.errors == [], standin.errors
    assert not any(tmp_path.rglob("*.jpg")) and not any(tmp_path.rglob("*.png"))  # nothing written


async def test_a_picture_that_cannot_be_read_gets_a_clear_answer(
    standin: BotApiStandIn, inspecting: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, inspecting, store):
        mark = len(standin.chat_events(44))
        await standin.send_photo(44, "不是图片".encode() * 20, width=100, height=100)
        text = await _answer(standin, 44, mark)
        assert "不像是图片" in text and "粘贴" in text
