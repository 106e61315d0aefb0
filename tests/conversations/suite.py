"""Whole conversations from the user's side, as data: one YAML file per conversation (see README.md here).

Each turn types a line or presses a button by its label, and says what a good reply must contain
(``has``), must not contain (``lacks``), and which buttons it must or must not offer. A turn is judged when
it has at least one check; a conversation stops at a step it cannot play (a button that is not there), and
its remaining judged turns count as failed.

``python -m tests.conversations`` plays every conversation and prints each failed turn with the reply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows.engine import Engine
from flows.reply import Turn
from tests.flows.chat import Chat

HERE = Path(__file__).parent
#: the conversations written before the work and scored only at its end (see README.md)
HOLDOUT = HERE / "holdout"
CHECKS = ("has", "lacks", "buttons_has", "buttons_lacks")


@dataclass(frozen=True)
class Step:
    """One turn: what the user does, and the checks on the reply."""

    say: str | None
    press: str | None
    checks: dict[str, list[Any]]

    @property
    def judged(self) -> bool:
        return any(self.checks.get(name) for name in CHECKS)


@dataclass(frozen=True)
class Conversation:
    path: Path
    title: str
    covers: list[str]
    steps: list[Step]


@dataclass
class TurnResult:
    conversation: Path
    number: int
    step: Step
    reply: str
    buttons: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems)


def load(path: Path) -> Conversation:
    """Read one conversation file (raises ``ValueError`` for one that does not follow the format)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps = []
    for number, turn in enumerate(raw["turns"], start=1):
        if ("say" in turn) == ("press" in turn):
            raise ValueError(f"{path.name} turn {number}: give exactly one of say / press")
        unknown = set(turn) - {"say", "press", *CHECKS}
        if unknown:
            raise ValueError(f"{path.name} turn {number}: unknown keys {sorted(unknown)}")
        checks = {name: list(turn.get(name) or []) for name in CHECKS}
        say = turn.get("say")
        steps.append(Step(None if say is None else str(say), turn.get("press"), checks))
    return Conversation(path, str(raw.get("title", path.stem)), list(raw.get("covers") or []), steps)


def conversations(folder: Path = HERE) -> list[Conversation]:
    """Every conversation file directly in ``folder``, in file-name order."""
    return [load(p) for p in sorted(folder.glob("*.yaml"))]


def _present(item: Any, haystack: str) -> bool:
    options = item if isinstance(item, list) else [item]
    return any(str(option).lower() in haystack for option in options)


def judge(step: Step, reply: str, labels: list[str]) -> list[str]:
    """What is wrong with a reply (plain text) and its button labels, by the step's checks."""
    text, buttons = reply.lower(), " | ".join(labels).lower()
    problems = []
    for item in step.checks["has"]:
        if not _present(item, text):
            problems.append(f"lacks {item!r}")
    for item in step.checks["lacks"]:
        if str(item).lower() in text:
            problems.append(f"has {item!r}")
    for item in step.checks["buttons_has"]:
        if not _present(item, buttons):
            problems.append(f"no button {item!r}")
    for item in step.checks["buttons_lacks"]:
        if str(item).lower() in buttons:
            problems.append(f"button {item!r}")
    return problems


def play(engine: Engine, conversation: Conversation) -> list[TurnResult]:
    """Play a conversation through ``engine`` in a new session; one result per step."""
    chat = Chat(engine)
    results: list[TurnResult] = []
    stuck = ""
    for number, step in enumerate(conversation.steps, start=1):
        if stuck:
            results.append(TurnResult(conversation.path, number, step, "", [], [stuck]))
            continue
        if step.press is not None:
            found = [b for b in chat.reply.buttons() if b.label == step.press]
            if not found:
                stuck = f"could not press {step.press!r} (not offered)"
                results.append(TurnResult(conversation.path, number, step, chat.text, [], [stuck]))
                continue
            chat.reply = engine.handle(chat.session, Turn(kind="button", text=found[0].id))
        else:
            chat.say(step.say or "")
        labels = [b.label for b in chat.reply.buttons()]
        result = TurnResult(conversation.path, number, step, chat.text, labels)
        result.problems = judge(step, chat.text, labels)
        results.append(result)
    return results


@dataclass
class Score:
    """Judged turns and failures over some conversations."""

    results: list[TurnResult]

    @property
    def judged(self) -> list[TurnResult]:
        return [r for r in self.results if r.step.judged]

    @property
    def failures(self) -> list[TurnResult]:
        return [r for r in self.judged if r.failed]

    @property
    def rate(self) -> float:
        return len(self.failures) / max(len(self.judged), 1)


def score(engine: Engine, items: Iterable[Conversation]) -> Score:
    """Play every conversation and collect the results of all their turns."""
    return Score([result for conversation in items for result in play(engine, conversation)])


def describe(result: TurnResult) -> str:
    """A failed turn, for a report: where, what was done, what was wrong, what was said."""
    done = f"say {result.step.say!r}" if result.step.say is not None else f"press {result.step.press!r}"
    reply = result.reply.replace("\n", " / ")[:400]
    return (
        f"{result.conversation.name} turn {result.number}: {done}\n  problems: {'; '.join(result.problems)}\n"
        f"  reply: {reply}\n  buttons: {result.buttons}"
    )
