"""Flow tables and the shared state machines built from them.

Each flow (menu, FAQ, self-check, calculator) declares its states and transitions as a plain table,
checked here by a strict pydantic model, so a typo in a trigger or callback name fails at import. One
``transitions`` machine is built per flow and shared by every chat: for each turn a short-lived
:class:`FlowTurn` (the session plus the reply being built) is the model the machine's event runs on,
without being attached to the machine (attaching and detaching it cost a quarter of a self-check turn).
Nothing per user outlives the turn except the :class:`~flows.session.Session`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from transitions import Machine, MachineError

from flows.reply import Reply
from flows.session import Session

if TYPE_CHECKING:
    from flows.engine_base import EngineBase

#: in a table, a source of ``*`` means "from every state"
ANY = "*"


class Row(BaseModel):
    """One transition: on ``trigger`` in ``source``, if the conditions hold, go to ``dest``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trigger: str
    source: str | list[str]
    dest: str
    prepare: list[str] = Field(default_factory=list, description="run before the conditions are checked")
    conditions: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    before: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list)

    def sources(self, states: list[str]) -> list[str]:
        """The source states, with ``*`` expanded."""
        if self.source == ANY:
            return list(states)
        return [self.source] if isinstance(self.source, str) else list(self.source)

    def callbacks(self) -> list[str]:
        """Every callback and condition name the row refers to."""
        return [*self.prepare, *self.conditions, *self.unless, *self.before, *self.after]


class FlowTable(BaseModel):
    """A flow: its states, the state a new visit starts in, and its transitions (tried in order)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str = Field(description="one line for the generated docs")
    states: list[str] = Field(min_length=1)
    initial: str
    transitions: list[Row]

    @model_validator(mode="after")
    def _states_exist(self) -> FlowTable:
        known = set(self.states)
        if self.initial not in known:
            raise ValueError(f"{self.name}: initial state {self.initial!r} is not a state")
        for row in self.transitions:
            unknown = {s for s in row.sources(self.states) if s not in known}
            if row.dest not in known:
                unknown.add(row.dest)
            if unknown:
                raise ValueError(f"{self.name}: {row.trigger}: unknown states {sorted(unknown)}")
        return self

    def triggers(self) -> list[str]:
        """Trigger names in table order, without repeats."""
        return list(dict.fromkeys(row.trigger for row in self.transitions))

    def machine_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for a ``transitions`` machine (also used to draw the diagrams)."""
        return {
            "states": list(self.states),
            "initial": self.initial,
            "transitions": [row.model_dump(exclude_defaults=True) for row in self.transitions],
            "auto_transitions": False,
        }


@dataclass(eq=False)
class FlowTurn:
    """What a flow's callbacks work on during one turn: the session, the reply, and the engine.

    Subclasses add the callbacks and conditions that their flow's table names. ``payload`` carries the
    turn's data into the callbacks (a parsed answer, a product id, the user's question).
    """

    session: Session
    engine: EngineBase
    reply: Reply = field(default_factory=Reply)
    payload: Any = None
    state: str = ""


class FlowMachine:
    """One shared machine for a flow table, driving a :class:`FlowTurn` subclass."""

    def __init__(self, table: FlowTable, turn_class: type[FlowTurn]) -> None:
        missing = sorted(
            {name for row in table.transitions for name in row.callbacks() if not hasattr(turn_class, name)}
        )
        if missing:
            raise TypeError(f"{table.name}: {turn_class.__name__} lacks {missing}")
        self.table = table
        self.turn_class = turn_class
        # no model is ever attached: each turn runs an event with itself as the model, so the machine holds
        # nothing per chat and threaded callers share it safely
        self._machine = Machine(model=None, **table.machine_kwargs())

    def _run(self, turn: Any, trigger: str) -> bool:
        """Fire ``trigger`` on ``turn`` from ``turn.state``: the machine's event runs on the turn as its
        model without attaching it (add_model/remove_model build and tear down every trigger method and
        state callback for the turn, a quarter of a self-check turn's CPU)."""
        event = self._machine.events.get(trigger)
        if event is None:
            raise AttributeError(f"Do not know event named '{trigger}'.")
        try:
            return bool(event.trigger(turn))
        except MachineError:
            return False

    def fire(self, turn: FlowTurn, trigger: str) -> bool:
        """Fire ``trigger`` on ``turn`` from the session's current state; True if a transition ran.

        When it ran, the session's ``flow`` and ``state`` are updated to where the machine ended up;
        otherwise the session is left as it was.
        """
        turn.state = turn.session.state if turn.session.state in self.table.states else self.table.initial
        fired = self._run(turn, trigger)
        if fired:
            turn.session.flow = self.table.name
            turn.session.state = turn.state
        return fired
