"""The flow tables and the shared machines built from them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from flows.engine import MACHINES, Engine
from flows.machine import FlowMachine, FlowTable, FlowTurn, Row
from flows.session import Session
from tests.flows.chat import Chat


def test_a_table_naming_an_unknown_state_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown states"):
        FlowTable(
            name="t",
            title="t",
            states=["a"],
            initial="a",
            transitions=[Row(trigger="go", source="a", dest="b")],
        )


def test_a_table_with_a_typo_in_a_key_is_refused() -> None:
    with pytest.raises(ValidationError):
        Row.model_validate({"trigger": "go", "source": "a", "dest": "a", "conditon": ["x"]})


def test_a_table_naming_a_missing_callback_fails_when_the_machine_is_built() -> None:
    table = FlowTable(
        name="t",
        title="t",
        states=["a"],
        initial="a",
        transitions=[Row(trigger="go", source="a", dest="a", after=["no_such_callback"])],
    )
    with pytest.raises(TypeError, match="no_such_callback"):
        FlowMachine(table, FlowTurn)


def test_every_flow_has_one_machine_shared_by_all_sessions(engine: Engine) -> None:
    before = {name: id(m) for name, m in MACHINES.items()}
    for _ in range(3):
        chat = Chat(engine)
        chat.say("/check")
        chat.press("check:product:all")
        chat.say("25")
    assert {name: id(m) for name, m in MACHINES.items()} == before
    # the per-turn models are detached again: nothing per user stays in a machine
    assert all(not m._machine.models for m in MACHINES.values())


def test_the_session_records_the_state_the_machine_reached(engine: Engine) -> None:
    session = Session()
    chat = Chat(engine, session)
    chat.say("/check")
    assert (session.flow, session.state) == ("check", "choosing")
    chat.press("check:product:we2000")
    assert session.state == "asking"


def test_a_trigger_that_cannot_fire_leaves_the_session_alone(engine: Engine) -> None:
    session = Session(flow="menu", state="home")
    turn = FlowTurn(session=session, engine=engine)
    assert MACHINES["check"].fire(turn, "answer") is False
    assert (session.flow, session.state) == ("menu", "home")
