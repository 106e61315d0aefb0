"""The engine's observer hook: every flow transition that ran is reported by name, and nothing the user
typed is. The bot turns these into operators' counts (bot/metrics.py); flows/ stays transport-free."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.engine import Engine
from tests.flows.chat import Chat


@pytest.fixture
def steps(engine: Engine) -> Iterator[list[tuple[str, str, str]]]:
    """The transitions the shared engine reports while the test runs (the hook is removed after)."""
    seen: list[tuple[str, str, str]] = []
    engine.observer = lambda flow, trigger, state: seen.append((flow, trigger, state))
    yield seen
    engine.observer = None


def test_a_question_reports_the_faq_band_and_a_calculation_the_calculator(
    engine: Engine, steps: list[tuple[str, str, str]]
) -> None:
    chat = Chat(engine)
    chat.say("微粒贷利息多少")
    chat.say("今天天气怎么样")
    chat.say("/calc 借1万分12期，日利率0.05%")
    assert ("faq", "ask", "answered") in steps and ("faq", "ask", "declined") in steps
    assert ("calc", "enter", "active") in steps
    typed = {"微粒贷利息多少", "今天天气怎么样", "借1万分12期，日利率0.05%"}
    assert not typed & {part for step in steps for part in step}


def test_a_self_check_reports_its_beginning_and_its_verdict(
    engine: Engine, steps: list[tuple[str, str, str]]
) -> None:
    chat = Chat(engine)
    chat.say("/check 小米")
    for _ in range(12):
        if ("check", "answer", "done") in steps or ("check", "skip", "done") in steps:
            break
        chat.say("跳过")
    assert steps[0] == ("check", "begin", "choosing")
    assert steps[-1][0] == "check" and steps[-1][2] == "done"


def test_without_an_observer_nothing_is_reported_and_turns_work(engine: Engine) -> None:
    assert engine.observer is None
    assert Chat(engine).say("微粒贷利息多少").messages
