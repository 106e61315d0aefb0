"""The flow tables and the shared machines built from them."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from pydantic import ValidationError
from transitions import Machine, MachineError

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


#: what a scripted condition may return: transitions compares with ``==`` (1 passes, "yes" does not)
_OUTCOMES = (True, False, 1, 0, None, "yes")


def _recording_turn(table: FlowTable, outcomes: dict[str, Any]) -> Any:
    """A model whose every callback and condition of ``table`` logs its name and returns its outcome."""
    names = {name for row in table.transitions for name in row.callbacks()}

    def method(name: str) -> Any:
        def called(self: Any) -> Any:
            self.log.append(name)
            return outcomes.get(name)

        return called

    recording = type("Recording", (), {name: method(name) for name in names})
    turn = recording()
    turn.log = []
    return turn


def _by_transitions(
    machine: Machine, table: FlowTable, state: str, trigger: str, outcomes: dict[str, Any]
) -> tuple:
    turn = _recording_turn(table, outcomes)
    machine.add_model(turn, initial=state)
    try:
        fired = bool(turn.trigger(trigger))
    except MachineError:
        fired = False
    machine.remove_model(turn)
    return fired, turn.state, turn.log


def _by_flow_machine(table: FlowTable, state: str, trigger: str, outcomes: dict[str, Any]) -> tuple:
    turn = _recording_turn(table, outcomes)
    machine = FlowMachine(table, type(turn))
    turn.state = state
    fired = machine._run(turn, trigger)
    return fired, turn.state, turn.log


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_table_runs_as_the_transitions_library_runs_it(name: str) -> None:
    """Every trigger in every state, under many outcomes of the conditions: the flow machine's event run on
    an unattached turn calls the same callbacks in the same order, reaches the same state and gives the same
    result as a ``transitions`` machine with the turn attached as its model (add_model, trigger,
    remove_model), which is what the flow machine did before."""
    table = MACHINES[name].table
    conditions = sorted({c for row in table.transitions for c in (*row.conditions, *row.unless)})
    rng = random.Random(19)
    scripts = [dict.fromkeys(conditions, True), dict.fromkeys(conditions, False)]
    if len(conditions) <= 8:  # every combination of pass and fail where there are few
        scripts += [
            dict(zip(conditions, c, strict=True))
            for c in itertools.product((True, False), repeat=len(conditions))
        ]
    scripts += [{c: rng.choice(_OUTCOMES) for c in conditions} for _ in range(200)]
    reference = Machine(model=None, **table.machine_kwargs())
    compared = 0
    for trigger, state, outcomes in itertools.product(table.triggers(), table.states, scripts):
        assert _by_flow_machine(table, state, trigger, outcomes) == _by_transitions(
            reference, table, state, trigger, outcomes
        ), (trigger, state, outcomes)
        compared += 1
    assert compared > 0


def test_a_trigger_no_row_names_is_an_error(engine: Engine) -> None:
    turn = FlowTurn(session=Session(flow="menu", state="home"), engine=engine)
    with pytest.raises(AttributeError, match="no_such_trigger"):
        MACHINES["menu"].fire(turn, "no_such_trigger")
