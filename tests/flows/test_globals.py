"""The steering words are whole messages as people type them: with a 「好吧」 or a 「那我」 before."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from flows.globals import global_word
from tests.flows.chat import Chat


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("退出", "cancel"),
        ("好吧 那我不测了", "cancel"),
        ("那还是退出吧", "cancel"),
        ("那我先不测了", "cancel"),
        ("嗯嗯 退出", "cancel"),
        ("我跳过", "skip"),
        ("先跳过吧", "skip"),
        ("那返回", "back"),
    ],
)
def test_a_steering_word_with_chat_fillers_around_it_steers(text: str, word: str) -> None:
    assert global_word(text) == word


@pytest.mark.parametrize("text", ["好的", "那", "返回额度", "我想退出小米贷款怎么注销", "跳过征信能借吗"])
def test_a_message_that_only_contains_a_steering_word_does_not_steer(text: str) -> None:
    assert global_word(text) is None


@pytest.mark.parametrize("leaving", ["好吧 那我不测了", "算了不测了"])
def test_leaving_the_check_in_words_keeps_nothing_of_it_and_offers_nothing_back(
    engine: Engine, leaving: str
) -> None:
    chat = Chat(engine)
    chat.say("帮我测测微粒贷")
    chat.say("28")
    chat.say(leaving)
    assert "没有保留" in chat.text and "继续刚才的自测" not in chat.text
    assert chat.session.paused == {} and chat.session.profile == {}
    chat.say("我能申请吗")
    assert "28岁" not in chat.text


@pytest.mark.parametrize(
    ("message", "served"),
    [
        ("算了 活着好累 欠了一屁股债", "12356"),  # despair after the 算了: the lines to call, nothing left
        ("算了 我问问微粒贷上征信吗", "人行"),  # a question after it: answered, the sum kept
    ],
)
def test_a_quit_word_before_something_else_serves_the_rest_and_keeps_the_flow(
    engine: Engine, message: str, served: str
) -> None:
    chat = Chat(engine)
    chat.say("帮我算下利息")
    chat.say("8000")
    chat.say(message)
    assert served in chat.text and "已退出" not in chat.text
    assert chat.session.calc.get("amount") == 8000
