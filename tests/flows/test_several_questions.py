"""A message that asks several questions gets every one answered, and 「先说额度」 is a question too."""

from __future__ import annotations

from flows.engine import Engine
from tests.flows.chat import Chat


def test_three_questions_in_one_message_are_answered_in_the_order_asked(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("小米贷款额度多少 利息多少 逾期咋罚")
    questions = [engine.kb.entries[e].question for e in ("limit.amount", "rate.level", "overdue.penalty")]
    places = [chat.text.find(q) for q in questions]
    assert all(p >= 0 for p in places) and places == sorted(places)
    # one keyboard, under the last answer
    assert [bool(m.buttons) for m in chat.reply.messages] == [False] * (len(chat.reply.messages) - 1) + [True]


def test_a_clause_that_names_no_product_is_read_for_the_product_the_message_names(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("微粒贷利息多少 额度多少")
    assert chat.text.count("【微粒贷】") == 2


def test_one_question_with_words_around_it_is_answered_once(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("你好 我想问下 微粒贷利息多少")
    assert chat.text.count(engine.kb.entries["rate.level"].question) == 1


def test_tell_me_about_a_topic_is_answered_like_a_question(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("一个一个说吧 先说额度")
    assert engine.kb.entries["limit.amount"].question in chat.text and "暂时答不了" not in chat.text
