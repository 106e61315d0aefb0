"""Conversations as people have them: every turn of the conversation suite, timed, and how often each typed
message is normalised.

The turns are those of ``tests/conversations/*.yaml`` (greetings, situations in one message, side
questions inside flows, corrections, despair, Traditional and English): each conversation is played from a
fresh session, ``passes`` times, and every turn timed. Buttons are pressed by label as in the suite.

``folds_per_message`` counts the calls of the one normaliser per message read (a typed line, or a
command's argument such as 「/check 微粒贷」):
(:func:`knowledge.understanding.normalize.folded_with_script`, which :func:`~.normalize.fold` and
:func:`~.normalize.clean` also go through); 1.0 means every message was normalised once and every later
step read the result.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import latency_summary
from flows.engine import Engine
from flows.reply import Reply, Turn
from flows.session import Session
from knowledge.understanding import normalize, reading
from tests.conversations.suite import HERE, Conversation, conversations


@contextmanager
def counting_normalisations() -> Iterator[list[int]]:
    """Count calls of the one normaliser while the block runs (the list holds one number)."""
    count = [0]
    real = normalize.folded_with_script

    def counted(text: str) -> normalize.Normalised:
        count[0] += 1
        return real(text)

    normalize.folded_with_script = counted
    reading.folded_with_script = counted
    try:
        yield count
    finally:
        normalize.folded_with_script = real
        reading.folded_with_script = real


def _turns(engine: Engine, suite: list[Conversation]) -> tuple[list[float], int, int]:
    """Play every conversation once: per-turn seconds, messages read, normalisations."""
    seconds: list[float] = []
    read = 0
    with counting_normalisations() as folds:
        for conversation in suite:
            session = Session()
            reply: Reply | None = None
            for step in conversation.steps:
                if step.press is not None:
                    found = [b for b in (reply.buttons() if reply else []) if b.label == step.press]
                    if not found:
                        break
                    turn = Turn(kind="button", text=found[0].id)
                else:
                    turn = Turn.from_text(step.say or "")
                    # a typed line is read; so is a command's argument (「/check 微粒贷」)
                    read += turn.kind == "text" or bool(turn.args)
                started = time.perf_counter()
                reply = engine.handle(session, turn)
                seconds.append(time.perf_counter() - started)
    return seconds, read, folds[0]


def measure(engine: Engine, *, passes: int = 5) -> dict[str, Any]:
    """Per-turn latency over ``passes`` plays of the whole suite, and normalisations per typed message."""
    suite = conversations(HERE)
    _turns(engine, suite)  # warm-up: caches, the first replies of each kind
    seconds: list[float] = []
    typed = folds = 0
    for _ in range(passes):
        more, typed_now, folds_now = _turns(engine, suite)
        seconds += more
        typed += typed_now
        folds += folds_now
    summary = latency_summary(seconds)
    return {
        "conversations": len(suite),
        "turns": len(seconds),
        "turn_p50_ms": summary["p50_ms"],
        "turn_p99_ms": summary["p99_ms"],
        "turn_max_ms": max(seconds) * 1000 if seconds else 0.0,
        "typed_messages": typed,
        "folds_per_message": folds / typed if typed else 0.0,
    }
