"""Answering when likely right but not certain: the answer first, what else it may have meant beside it."""

from __future__ import annotations

from flows.engine import Engine
from flows.render import render_match
from knowledge.understanding.api import FaqMatch
from tests.flows.chat import Chat


def _hedged(engine: Engine) -> FaqMatch:
    return FaqMatch(
        "逾期了怎么办啊",
        "answer",
        "overdue.cant_repay",
        None,
        0.89,
        products=[],
        alternatives=["overdue.penalty", "overdue.consequences"],
    )


def test_an_answer_with_alternatives_says_so_and_offers_them_first(engine: Engine) -> None:
    reply = render_match(engine.kb, _hedged(engine))
    text = reply.messages[0].text
    assert engine.kb.entries["overdue.cant_repay"].question in text
    assert "您可能还想问" in text
    labels = [b.label for row in reply.messages[0].buttons for b in row]
    alternatives = [engine.kb.entries[e].question for e in ("overdue.penalty", "overdue.consequences")]
    assert labels[:2] == alternatives
    assert len(labels) == len(set(labels))  # a related entry already offered is not offered twice


def test_a_sure_answer_offers_no_alternatives(engine: Engine) -> None:
    sure = FaqMatch("微粒贷逾期罚息多少", "answer", "overdue.penalty", "weilidai", 1.0)
    assert "您可能还想问" not in render_match(engine.kb, sure).messages[0].text


def test_an_alternative_opens_its_own_answer(engine: Engine) -> None:
    chat = Chat(engine)
    reply = render_match(engine.kb, _hedged(engine))
    button = reply.messages[0].buttons[0][0]
    chat.press_id(button.id)
    assert engine.kb.entries["overdue.penalty"].question in chat.text


def test_siblings_answered_together_are_both_in_the_reply_and_not_offered_again(engine: Engine) -> None:
    together = FaqMatch(
        "逾期罚息和后果",
        "answer",
        "overdue.penalty",
        "weilidai",
        0.97,
        products=["weilidai"],
        together=["overdue.consequences"],
    )
    reply = render_match(engine.kb, together)
    text = reply.messages[0].text
    entries = engine.kb.entries
    penalty, consequences = entries["overdue.penalty"].question, entries["overdue.consequences"].question
    assert penalty in text and consequences in text
    assert text.index(penalty) < text.index(consequences)
    assert "您可能还想问" not in text
    labels = [b.label for row in reply.messages[0].buttons for b in row]
    assert consequences not in labels  # answered already: not a button too
