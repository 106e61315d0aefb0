"""Whatever a user sends, in whatever state, the engine answers in Chinese and never fails a turn."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.engine import Engine
from flows.reply import Turn
from flows.session import Session

TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["返回", "跳过", "取消", "重新开始", "菜单", "不知道", "25", "有", "没有", "全部", "小米", "？"]
    ),
)
BUTTONS = st.sampled_from(
    [
        "check:start",
        "check:product:all",
        "check:product:nosuch",
        "check:answer:age:25",
        "check:answer:age:x",
        "check:answer:credit:clean",
        "nav:back",
        "nav:skip",
        "nav:cancel",
        "menu:topics",
        "menu:topic:credit",
        "menu:topic:nosuch",
        "menu:products",
        "menu:product:xiaomi",
        "faq:entry:credit.reported",
        "faq:entry:nosuch",
        "calc:start",
        "compare:start",
        "compare:xiaomi,weilidai",
        "",
        ":::",
    ]
)
COMMANDS = st.sampled_from(
    ["start", "help", "check", "faq", "calc", "compare", "cancel", "privacy", "menu", "x"]
)
TURNS = st.one_of(
    TEXTS.map(lambda t: Turn(kind="text", text=t)),
    BUTTONS.map(lambda b: Turn(kind="button", text=b)),
    st.tuples(COMMANDS, st.sampled_from(["", "check", "check_xiaomi", "小米 微粒贷", "faq"])).map(
        lambda c: Turn(kind="command", text=c[0], args=c[1])
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TURNS, min_size=1, max_size=12))
def test_no_sequence_of_turns_breaks_a_turn(
    engine: Engine, caplog: pytest.LogCaptureFixture, turns: list[Turn]
) -> None:
    session = Session()
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="flows.engine"):
        for turn in turns:
            reply = engine.handle(session, turn)
            assert reply.messages, f"no reply to {turn}"
            Session.loads(session.dumps())  # always storable
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


class RecordingLog:
    """An unanswered-question log that keeps what it is given, for the test to read."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str]] = []

    def record(self, question: str, *, band: str, confidence: float, best_guess: str | None) -> None:
        self.rows.append((question, band))


def test_declined_questions_reach_the_unanswered_log(engine: Engine) -> None:
    log = RecordingLog()
    logging_engine = Engine(engine.kb, engine.matcher, wants=engine.reader.wants, unanswered_log=log)
    logging_engine.handle(Session(), Turn.from_text("今天天气怎么样，适合去爬山吗"))
    assert log.rows and log.rows[0][1] != "answer"


def test_a_message_with_an_id_number_never_reaches_the_unanswered_log(engine: Engine) -> None:
    log = RecordingLog()
    logging_engine = Engine(engine.kb, engine.matcher, wants=engine.reader.wants, unanswered_log=log)
    reply = logging_engine.handle(Session(), Turn.from_text("110105199001011234"))
    assert "身份证号" in "".join(m.text for m in reply.messages)
    assert "110105199001011234" not in "".join(m.text for m in reply.messages)
    assert log.rows == []


def test_traditional_chinese_is_understood_in_the_check(engine: Engine) -> None:
    session = Session()
    engine.handle(session, Turn.from_text("/check"))
    engine.handle(session, Turn.from_text("微粒貸"))
    assert session.check.products == ["weilidai"]
    engine.handle(session, Turn.from_text("我今年二十五歲"))
    assert session.check.answers.get("age") == 25
    engine.handle(session, Turn.from_text("重新開始"))
    assert session.state == "choosing"
