"""Flow tables and the shared state machines built from them.

Each flow (menu, FAQ, self-check, calculator) declares its states and transitions as a plain table,
checked here by a strict pydantic model, so a typo in a trigger or callback name fails at import. One
machine is built per flow and shared by every chat: for each turn a short-lived :class:`FlowTurn` (the
session plus the reply being built) is driven through it. Nothing per user outlives the turn except the
:class:`~flows.session.Session`.

The machine runs a flow's rows as the ``transitions`` library does (tests/flows/test_machine.py plays every
trigger in every state of every table through both and compares what was called): the rows of a trigger
for the current state are tried in table order; a row runs its ``prepare`` callbacks, then its
``conditions`` (each must return ``True``) and ``unless`` (each ``False``); the first row whose checks
pass runs ``before``, moves to ``dest`` and runs ``after``. A trigger with no row for the state does not
fire (``transitions`` raises ``MachineError``, which was caught here); one no row names is an error. The
rows are compiled once into a dict: attaching each turn to a ``transitions`` machine (``add_model``, the
trigger, ``remove_model``) cost about a seventh of a self-check turn. ``transitions`` still draws the
diagrams (flows/diagrams.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


@dataclass(frozen=True)
class _Step:
    """One row compiled for one source state: its callbacks and checks by name, in the order they run."""

    dest: str
    prepare: tuple[str, ...]
    #: (condition name, the result it must return): ``conditions`` want ``True``, then ``unless`` ``False``
    checks: tuple[tuple[str, bool], ...]
    before: tuple[str, ...]
    after: tuple[str, ...]


def _call(turn: FlowTurn, name: str) -> Any:
    """Call the callback ``name`` of ``turn``; an attribute that is not callable (a property) is read."""
    found = getattr(turn, name)
    return found() if callable(found) else found


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
        #: trigger -> source state -> its rows in table order (immutable once built: shared by threads)
        self._steps: dict[str, dict[str, list[_Step]]] = {}
        for row in table.transitions:
            step = _Step(
                dest=row.dest,
                prepare=tuple(row.prepare),
                checks=(*((c, True) for c in row.conditions), *((u, False) for u in row.unless)),
                before=tuple(row.before),
                after=tuple(row.after),
            )
            by_source = self._steps.setdefault(row.trigger, {})
            for source in row.sources(table.states):
                by_source.setdefault(source, []).append(step)

    def _run(self, turn: FlowTurn, trigger: str) -> bool:
        """Fire ``trigger`` on ``turn`` from ``turn.state``, as a ``transitions`` machine would."""
        by_source = self._steps.get(trigger)
        if by_source is None:
            raise AttributeError(f"Do not know event named '{trigger}'.")
        for step in by_source.get(turn.state, ()):
            for name in step.prepare:
                _call(turn, name)
            # ``==`` as transitions compares: a condition returning 1 passes, one returning "yes" does not
            if not all(_call(turn, name) == wanted for name, wanted in step.checks):
                continue
            for name in step.before:
                _call(turn, name)
            turn.state = step.dest
            for name in step.after:
                _call(turn, name)
            return True
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
