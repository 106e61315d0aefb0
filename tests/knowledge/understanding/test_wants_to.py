"""``Reading.wants_to``: the same verdict as the want itself, the want matcher asked only when it could
answer with a want of that action."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.engine import Engine
from knowledge.understanding.reading import Reader
from tests.conversations.suite import HERE, conversations

ROOT = Path(__file__).resolve().parents[3]
#: labelled wants and questions, and every line typed in the conversation suite
SOURCES = [
    *sorted((ROOT / "knowledge" / "data" / "examples").glob("intent_examples*.jsonl")),
    ROOT / "tests" / "data" / "faq_eval.jsonl",
    ROOT / "tests" / "data" / "faq_short.jsonl",
]
#: the actions the first routes ask about, and one the later ones do
ACTIONS = ("crisis", "scammed", "greet")


def _messages() -> list[str]:
    found: dict[str, None] = {}
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found[json.loads(line)["question"]] = None
    for conversation in conversations(HERE):
        for step in conversation.steps:
            if step.say:
                found[step.say] = None
    # self-check answers, bare and worded, which the shortcut is for
    for extra in (
        "28",
        "28岁",
        "月薪八千",
        "有社保",
        "没有逾期",
        "不是学生",
        "六百五",
        "我不想活了",
        "被骗了两万",
    ):
        found[extra] = None
    return list(found)


@pytest.fixture(scope="module")
def reader(engine: Engine) -> Reader:
    return engine.reader


def test_wants_to_agrees_with_the_want_on_every_labelled_message(reader: Reader) -> None:
    kb = reader.kb
    messages = _messages()
    assert len(messages) > 3000
    skipped = 0
    for text in messages:
        for action in ACTIONS:
            reading = reader.read(text)
            said = reading.wants_to(action)
            skipped += action == "crisis" and not reading._want  # decided without the want matcher
            want = reading.want
            expected = want is not None and want in kb.entries and kb.entries[want].action == action
            assert said == expected, (text, action, want)
    # the shortcut is taken (for about a fifth of these messages, 1,020 of 5,381 when written)
    assert skipped > len(messages) // 10


@pytest.mark.parametrize("text", ["28岁", "今年25", "二十五", "上班族"])
def test_a_self_check_answer_is_no_despair_without_ranking_the_wants(reader: Reader, text: str) -> None:
    reading = reader.read(text)
    assert not reading.wants_to("crisis")
    assert not reading.wants_to("scammed")
    assert not reading._want  # the want matcher was not asked


@pytest.mark.parametrize("text", ["我不想活了", "活着没意思了"])
def test_despair_is_still_despair(reader: Reader, text: str) -> None:
    assert reader.read(text).wants_to("crisis")
